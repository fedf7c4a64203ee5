"""Start sync runs and carry them out.

``start`` is called in a request (console, CLI): it records the run and one
pending row per terminal, then enqueues the task, so no request waits on
terminals. ``execute`` runs in a worker; it only touches rows still pending,
so running it again after a crash finishes the work without repeating what
was done.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from esws.directory.models import Admin, Location, Person, SyncFilter, sync_filter_of
from esws.sync import planner
from esws.sync.models import SyncRun, TerminalSync
from esws.terminals.drivers import Outcome, driver_for

log = logging.getLogger(__name__)

NO_TERMINALS = "This location has no terminals."
INTERNAL_ERROR = "Internal error while talking to it."


class LocationNotAllowed(Exception):
    """The location is not the person's company's, or outside the admin's sync filter."""


def start(admin: Admin | None, person: Person, location: Location) -> SyncRun:
    if location.company_id != person.company_id:
        raise LocationNotAllowed(location.pk)
    if admin is not None:
        if admin.company_id != person.company_id:
            raise LocationNotAllowed(location.pk)
        if not sync_filter_of(admin).allowed_locations().filter(pk=location.pk).exists():
            raise LocationNotAllowed(location.pk)
    from esws.sync.tasks import run_sync

    with transaction.atomic():
        run = SyncRun.objects.create(
            company_id=person.company_id, admin=admin, person=person, location=location
        )
        terminals = location.terminals.filter(approved=True, company_id=person.company_id)
        TerminalSync.objects.bulk_create(TerminalSync(run=run, terminal=t) for t in terminals)
        queued = run_sync.using(queue_name=settings.ESWS_SYNC_QUEUE)
        transaction.on_commit(lambda: queued.enqueue(run.pk))
    log.info("sync %s queued: user %s to location %s", run.pk, person.pk, location.pk)
    return run


def execute(run_id: int) -> str:
    run = SyncRun.objects.select_related("person", "admin", "location").filter(pk=run_id).first()
    if run is None:  # deleted since it was queued, with its person or location
        log.info("sync %s: deleted before it ran", run_id)
        return "deleted"
    SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING
    )
    sync_filter = sync_filter_of(run.admin) if run.admin else SyncFilter()
    plan = planner.plan(run.person, run.location_id, sync_filter, timezone.now())
    pending = run.terminals.filter(status=TerminalSync.Status.PENDING).select_related("terminal")
    for sync in pending:
        try:
            outcome = driver_for(sync.terminal).apply(sync.terminal, plan, sync)
        except Exception:
            log.exception("sync %s: driver failed on terminal %s", run.pk, sync.terminal_id)
            outcome = Outcome(TerminalSync.Status.FAILED, INTERNAL_ERROR)
        TerminalSync.objects.filter(pk=sync.pk, status=TerminalSync.Status.PENDING).update(
            status=outcome.status, detail=outcome.detail[:300], updated_at=timezone.now()
        )
    return refresh_status(run.pk)


def abandon(run_id: int) -> None:
    """Close a run whose task failed: its terminals not yet handled fail, and the
    run with them, so that the page stops waiting and a new sync may start."""
    TerminalSync.objects.filter(run_id=run_id, status=TerminalSync.Status.PENDING).update(
        status=TerminalSync.Status.FAILED, detail=INTERNAL_ERROR, updated_at=timezone.now()
    )
    refresh_status(run_id)


def refresh_status(run_id: int) -> str:
    """Derive the run's status from its terminals' and store it.

    The run's row is locked first: two terminals confirming at once would
    otherwise each see the other still waiting, and both store "running".
    """
    with transaction.atomic():
        list(SyncRun.objects.select_for_update().filter(pk=run_id).values_list("pk"))
        status, detail = _status_of(run_id)
        finished = None if status == SyncRun.Status.RUNNING else timezone.now()
        SyncRun.objects.filter(pk=run_id).update(status=status, detail=detail, finished_at=finished)
    log.info("sync %s: %s", run_id, status)
    return str(status)


def _status_of(run_id: int) -> tuple[SyncRun.Status, str]:
    statuses = set(TerminalSync.objects.filter(run_id=run_id).values_list("status", flat=True))
    detail = ""
    if not statuses:
        status, detail = SyncRun.Status.FAILED, NO_TERMINALS
    elif statuses & {TerminalSync.Status.PENDING, TerminalSync.Status.WAITING}:
        status = SyncRun.Status.RUNNING
    elif TerminalSync.Status.FAILED in statuses:
        status = SyncRun.Status.FAILED
    elif TerminalSync.Status.REPLACED in statuses:
        status = SyncRun.Status.REPLACED
    else:
        status = SyncRun.Status.DONE
    return status, detail
