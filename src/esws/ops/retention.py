"""What the service keeps, and for how long: ``esws purge`` deletes the rest.

Every call, link and terminal poll can leave rows behind (issued tokens,
their audit events, refused links, finished syncs and their terminal
commands, task results, sessions, spent lockout counters). Records older
than the retention period go; anything still in use stays whatever its age:
a token that has not expired, a run still in progress, a command a terminal
has not confirmed, a lockout still running. Attendance and other uploads
from terminals are the customer's data and go only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from esws.directory.models import LoginThrottle
from esws.sync.models import SyncRun
from esws.terminals.models import PushCommand, RawUpload
from esws.tokens.models import SyncToken, TokenEvent

FINISHED_TASKS = ("SUCCESSFUL", "FAILED")


@dataclass(frozen=True)
class Purged:
    tokens: int
    token_events: int
    sync_runs: int
    push_commands: int
    task_results: int
    sessions: int
    lockout_counters: int
    uploads: int


def purge(days: int, uploads: bool = False) -> Purged:
    """Delete what is older than ``days`` and no longer in use; uploads only if asked.

    One statement a table, each its own transaction: on SQLite a single one
    would hold every writer of the service back until the whole purge ended.
    """
    now = timezone.now()
    before = now - timedelta(days=days)
    window = timedelta(seconds=settings.ESWS_LOCKOUT_WINDOW_SECONDS)
    return Purged(
        token_events=_delete(TokenEvent.objects.filter(at__lt=before)),
        tokens=_delete(SyncToken.objects.filter(expires_at__lt=before)),
        push_commands=_delete(PushCommand.objects.filter(settled_at__lt=before)),
        sync_runs=_delete(SyncRun.objects.filter(finished_at__lt=before)),
        task_results=_delete(
            DBTaskResult.objects.filter(status__in=FINISHED_TASKS, finished_at__lt=before)
        ),
        sessions=_delete(Session.objects.filter(expire_date__lt=now)),
        # Counters whose window has passed and whose lockout is over count for nothing.
        lockout_counters=_delete(
            LoginThrottle.objects.filter(window_started_at__lt=now - window).filter(
                Q(locked_until__isnull=True) | Q(locked_until__lt=now)
            )
        ),
        uploads=_delete(RawUpload.objects.filter(received_at__lt=before)) if uploads else 0,
    )


def _delete(rows: QuerySet[Any]) -> int:
    """Delete the rows; how many of them (not of the rows that went with them)."""
    _, per_model = rows.delete()
    return per_model.get(rows.model._meta.label, 0)
