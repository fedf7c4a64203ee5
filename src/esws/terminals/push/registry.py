"""Which terminal is calling, what it said about itself, and the approval of new ones.

PUSH terminals identify themselves by serial number only. A serial the
server does not know is recorded as a pending terminal (no company, not
approved): an operator approves it and places it at a location (``approve``,
wired to the CLI and the admin site); until then it gets no commands.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from esws.directory.models import Company, Location, Terminal
from esws.terminals.models import PushState
from esws.terminals.push import codec

log = logging.getLogger(__name__)


def max_pending() -> int:
    """Pending terminals kept at most, so made-up serials cannot fill the table."""
    return int(settings.ESWS_PUSH_MAX_PENDING)


def identify(sn: str) -> Terminal | None:
    """The terminal with this serial number, recording an unknown one as pending.

    None when the serial is unknown and the pending list is full.
    """
    terminal = Terminal.objects.filter(serial_number=sn).first()
    if terminal is not None:
        return terminal
    if Terminal.objects.filter(approved=False, company=None).count() >= max_pending():
        log.warning("unknown terminal %s not recorded: too many pending terminals", sn)
        return None
    terminal, created = Terminal.objects.get_or_create(
        serial_number=sn, defaults={"driver": Terminal.Driver.PUSH, "approved": False}
    )
    if created:
        log.info("unknown terminal %s recorded as pending", sn)
    return terminal


def in_service(terminal: Terminal) -> bool:
    """Approved and owned by a company: only then does it get commands and may it upload."""
    return terminal.approved and terminal.company_id is not None


def approve(terminal: Terminal, company: Company, location: Location, name: str = "") -> Terminal:
    """Put a (pending) terminal into service at a location of a company."""
    if location.company_id != company.pk:
        raise ValidationError("The location belongs to another company.")
    if terminal.company_id not in (None, company.pk):
        raise ValidationError("The terminal belongs to another company.")
    terminal.company = company
    terminal.location = location
    terminal.approved = True
    if name:
        terminal.name = name
    terminal.save(update_fields=["company", "location", "approved", "name"])
    log.info("terminal %s approved for company %s at %s", terminal.pk, company.pk, location.pk)
    return terminal


def seen(terminal: Terminal) -> None:
    """Every request counts as contact: the operator sees when a terminal last called."""
    Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=timezone.now())


def record_handshake(terminal: Terminal, query: codec.DeviceQuery) -> PushState:
    state, _ = PushState.objects.update_or_create(
        terminal=terminal,
        defaults={
            "push_version": query.pushver,
            "language": query.language,
            "handshake_at": timezone.now(),
        },
    )
    return state


def record_info(terminal: Terminal, info: codec.DeviceInfo) -> None:
    PushState.objects.update_or_create(
        terminal=terminal, defaults={"firmware": info.firmware, "info": asdict(info)}
    )


def record_options(terminal: Terminal, options: Iterable[tuple[str, str]]) -> None:
    PushState.objects.update_or_create(terminal=terminal, defaults={"options": dict(options)})


def record_stamp(terminal: Terminal, table: str, stamp: str) -> None:
    """Where the terminal's uploads of a table stand; the next handshake hands it back."""
    with transaction.atomic():
        state, _ = PushState.objects.select_for_update().get_or_create(terminal=terminal)
        state.stamps = {**state.stamps, table: stamp}
        state.save(update_fields=["stamps"])


def count_malformed(terminal: Terminal, errors: Iterable[codec.ProtocolError]) -> None:
    """Skipped lines are counted on the terminal and logged, for the operator."""
    errors = list(errors)
    if not errors:
        return
    PushState.objects.get_or_create(terminal=terminal)
    PushState.objects.filter(terminal=terminal).update(
        malformed_lines=F("malformed_lines") + len(errors)
    )
    log.warning(
        "terminal %s: %d malformed lines skipped, first: %s",
        terminal.serial_number,
        len(errors),
        errors[0],
    )
