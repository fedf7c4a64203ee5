"""The command queue of PUSH terminals, kept in the database.

A sync enqueues commands (``enqueue``); the terminal's next poll takes what is
due and marks it sent (``take_due``); the terminal's result lines settle the
commands and, through them, the TerminalSync rows (``settle``). Nothing lives
in a process's memory, so a restart between any two steps loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from esws.directory.models import Terminal
from esws.sync.models import TerminalSync
from esws.terminals.models import PushCommand
from esws.terminals.push import codec

log = logging.getLogger(__name__)

Status = PushCommand.Status
OPEN = (TerminalSync.Status.PENDING, TerminalSync.Status.WAITING)

# One poll reply carries at most this much; templates are tens of KB each.
MAX_COMMANDS_PER_POLL = 50
MAX_BYTES_PER_POLL = 1024 * 1024

REPLACED = "Replaced by a later sync of this user before the terminal confirmed it."


def resend_after() -> timedelta:
    """How long a sent command may stay unconfirmed before the next poll sends it again."""
    return timedelta(seconds=settings.ESWS_PUSH_RESEND_SECONDS)


def max_attempts() -> int:
    """Sends of one command before it counts as failed: the terminal polls but never confirms."""
    return int(settings.ESWS_PUSH_MAX_ATTEMPTS)


def _refresh(run_id: int) -> None:
    # Imported here: esws.sync.runs imports the drivers, which import this module.
    from esws.sync.runs import refresh_status

    refresh_status(run_id)


def enqueue(terminal: Terminal, user_id: str, texts: Sequence[str], sync: TerminalSync) -> None:
    """Queue the commands that make the terminal's copy of one user right.

    The user's earlier commands that the terminal has not confirmed are
    obsolete, since the new ones carry the whole record: unsent ones are
    dropped, sent ones are no longer sent again, and the syncs they belonged
    to are closed as replaced.
    """
    now = timezone.now()
    with transaction.atomic():
        stale = list(
            PushCommand.objects.select_for_update()
            .filter(terminal=terminal, user_id=user_id, status__in=[Status.QUEUED, Status.SENT])
            .values_list("pk", "status", "terminal_sync_id")
        )
        PushCommand.objects.filter(pk__in=[pk for pk, s, _ in stale if s == Status.QUEUED]).delete()
        PushCommand.objects.filter(pk__in=[pk for pk, s, _ in stale if s == Status.SENT]).update(
            status=Status.CANCELLED, detail=REPLACED, settled_at=now
        )
        replaced = {sync_id for _, _, sync_id in stale if sync_id not in (None, sync.pk)}
        closed = TerminalSync.objects.filter(pk__in=replaced, status__in=OPEN)
        run_ids = set(closed.values_list("run_id", flat=True))
        closed.update(status=TerminalSync.Status.REPLACED, detail=REPLACED, updated_at=now)
        PushCommand.objects.bulk_create(
            PushCommand(terminal=terminal, terminal_sync=sync, user_id=user_id, text=text)
            for text in texts
        )
        for run_id in run_ids:
            _refresh(run_id)
    log.info("terminal %s: %d commands queued for user %s", terminal.pk, len(texts), user_id)


def take_due(terminal: Terminal) -> list[PushCommand]:
    """The commands for this poll's reply, marked sent in the same transaction.

    Due are queued commands and sent ones not confirmed within
    ``resend_after``, oldest first (a user record before its templates).
    Rows another poll holds are skipped (PostgreSQL; SQLite serializes
    writers), so simultaneous polls never hand out one command twice.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            PushCommand.objects.select_for_update(skip_locked=True)
            .filter(terminal=terminal)
            .filter(
                Q(status=Status.QUEUED) | Q(status=Status.SENT, sent_at__lt=now - resend_after())
            )
            .order_by("pk")[:MAX_COMMANDS_PER_POLL]
        )
        exhausted = [c for c in due if c.attempts >= max_attempts()]
        batch: list[PushCommand] = []
        size = 0
        for command in due:
            if command in exhausted:
                continue
            size += len(command.text.encode()) + 24
            if batch and size > MAX_BYTES_PER_POLL:
                break
            batch.append(command)
        for command in exhausted:
            command.status = Status.FAILED
            command.detail = (
                f"The terminal did not confirm the {codec.describe_text(command.text)} "
                f"after {command.attempts} attempts."
            )
            command.settled_at = now
        PushCommand.objects.bulk_update(exhausted, ["status", "detail", "settled_at"])
        PushCommand.objects.filter(pk__in=[c.pk for c in batch]).update(
            status=Status.SENT, sent_at=now, attempts=F("attempts") + 1
        )
        _settle_syncs({c.terminal_sync_id for c in exhausted if c.terminal_sync_id})
    if batch or exhausted:
        log.info(
            "terminal %s: %d commands sent, %d given up unconfirmed",
            terminal.pk, len(batch), len(exhausted),
        )  # fmt: skip
    return batch


def settle(terminal: Terminal, results: Iterable[codec.CommandResult]) -> int:
    """Record the terminal's results; returns how many settled a command that awaited one.

    Results for unknown, cancelled or already settled commands (a re-sent
    command confirmed twice) are ignored.
    """
    by_id = {int(r.id): r for r in results if r.id.isascii() and r.id.isdigit()}
    now = timezone.now()
    with transaction.atomic():
        commands = list(
            PushCommand.objects.select_for_update().filter(
                terminal=terminal, pk__in=list(by_id), status=Status.SENT
            )
        )
        for command in commands:
            code = by_id[command.pk].return_code
            try:
                ok = codec.succeeded(codec.parse_command(command.text), code)
            except codec.ProtocolError:
                ok = code == 0
            command.return_code = code
            command.settled_at = now
            command.status = Status.DONE if ok else Status.FAILED
            command.detail = (
                ""
                if ok
                else f"The terminal refused the {codec.describe_text(command.text)}: "
                f"{codec.describe_return(code)}."
            )
        PushCommand.objects.bulk_update(commands, ["return_code", "settled_at", "status", "detail"])
        _settle_syncs({c.terminal_sync_id for c in commands if c.terminal_sync_id})
    if commands:
        failed = sum(c.status == Status.FAILED for c in commands)
        log.info("terminal %s: %d commands confirmed, %d refused", terminal.pk,
                 len(commands) - failed, failed)  # fmt: skip
    return len(commands)


def _settle_syncs(sync_ids: Collection[int]) -> None:
    """Close the syncs whose commands are all confirmed, or one failed; refresh their runs."""
    if not sync_ids:
        return
    now = timezone.now()
    for sync in TerminalSync.objects.select_for_update().filter(pk__in=sync_ids, status__in=OPEN):
        commands = list(sync.push_commands.exclude(status=Status.CANCELLED).order_by("pk"))
        failed = next((c for c in commands if c.status == Status.FAILED), None)
        if failed is not None:
            status, detail = TerminalSync.Status.FAILED, failed.detail
        elif commands and all(c.status == Status.DONE for c in commands):
            removal = commands[0].text.startswith("DATA DELETE USERINFO")
            status, detail = TerminalSync.Status.DONE, "removed" if removal else ""
        else:
            continue
        TerminalSync.objects.filter(pk=sync.pk).update(
            status=status, detail=detail[:300], updated_at=now
        )
        _refresh(sync.run_id)
