"""What the sync page shows, in words: built from the planner and the stored runs,
so the page says exactly what a sync does and what it did."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from esws.console.scope import Console
from esws.directory.models import Credential, SyncFilter, Terminal
from esws.sync import planner
from esws.sync.models import SyncRun, TerminalSync

KINDS = [str(kind) for kind in Credential.Kind]
ACTIVE = {SyncRun.Status.QUEUED, SyncRun.Status.RUNNING}


def _count(kind: str, n: int) -> str:
    return _plural(n, str(Credential.Kind(kind).label))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class LocationOption:
    id: int
    name: str
    terminals: int
    removal: bool

    @property
    def label(self) -> str:
        label = f"{self.name} · {_plural(self.terminals, 'terminal')}"
        return label + (" · removes the user" if self.removal else "")


@dataclass
class Overview:
    """The user as the admin's filters will send them, and where they may be sent."""

    sends: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    removal_reason: str = ""
    options: list[LocationOption] = field(default_factory=list)


def overview(console: Console, sync_filter: SyncFilter) -> Overview:
    """Locations: those of the filter where the user has access, was synced
    before (so a user who lost access can be removed there), or the token named."""
    person = console.person
    now = timezone.now()
    synced = SyncRun.objects.filter(person=person, company=console.company).values("location_id")
    wanted = Q(pk__in=person.access.values("location_id")) | Q(pk__in=synced)
    if console.token_location_id is not None:
        wanted |= Q(pk=console.token_location_id)
    locations = list(sync_filter.allowed_locations().filter(wanted).order_by("name"))
    terminal_counts = dict(
        Terminal.objects.filter(location__in=locations, approved=True, company=console.company)
        .values_list("location_id")
        .annotate(n=Count("pk"))
    )
    result = Overview()
    image: planner.UserImage | None = None
    for location in locations:
        plan = planner.plan(person, location.pk, sync_filter, now)
        removal = isinstance(plan, planner.Removal)
        count = terminal_counts.get(location.pk, 0)
        result.options.append(LocationOption(location.pk, location.name, count, removal))
        if isinstance(plan, planner.UserImage):
            image = plan
    if image is not None:
        counts = image.kinds_summary()
        result.sends = [_count(k, counts[k]) for k in KINDS if k in counts]
        result.sends += ["PIN code"] if image.pin_code else []
    else:
        result.removal_reason = (
            "This user has no access at these locations: a sync removes them from the terminals."
            if person.is_valid_at(now)
            else "This user is not valid now (expired or not started yet): "
            "a sync removes them from the terminals."
        )
    kinds = sync_filter.credential_kinds()
    withheld = Counter(person.credentials.exclude(kind__in=kinds).values_list("kind", flat=True))
    result.withheld = [_count(k, withheld[k]) for k in KINDS if withheld[k]]
    result.withheld += ["PIN code"] if person.pin and not sync_filter.send_pin else []
    return result


TERMINAL_TEXT = {
    TerminalSync.Status.PENDING: "Waiting for the terminal",
    TerminalSync.Status.WAITING: "Waiting for the terminal to connect",
    TerminalSync.Status.DONE: "Done",
    TerminalSync.Status.FAILED: "Failed",
    TerminalSync.Status.REPLACED: "Replaced by a later sync",
}


def _terminal_text(sync: TerminalSync) -> str:
    text = TERMINAL_TEXT[TerminalSync.Status(sync.status)]
    if sync.detail and sync.status == TerminalSync.Status.FAILED:
        return f"{text}: {sync.detail}"
    if sync.detail and sync.status == TerminalSync.Status.DONE:
        return f"{text} ({sync.detail})"
    return text


def run_status(run: SyncRun | None) -> dict[str, Any]:
    """The run as the notification shows it; the same dict feeds the page and its polling."""
    if run is None:
        return {"state": "idle", "title": "", "message": "", "terminals": []}
    syncs = list(run.terminals.select_related("terminal"))
    terminals = [
        {"name": str(s.terminal), "status": s.status, "text": _terminal_text(s)} for s in syncs
    ]
    done = sum(s.status == TerminalSync.Status.DONE for s in syncs)
    failed = [s for s in syncs if s.status == TerminalSync.Status.FAILED]
    location = str(run.location)
    if run.status in ACTIVE:
        title = "Synchronizing…"
        message = f"{location}: {done} of {_plural(len(syncs), 'terminal')} done."
    elif run.status == SyncRun.Status.DONE:
        title = "Synchronized"
        message = (
            f"The terminal of {location} is up to date."
            if len(syncs) == 1
            else f"All {len(syncs)} terminals of {location} are up to date."
        )
    elif run.status == SyncRun.Status.REPLACED:
        title = "Replaced by a later sync"
        message = (
            "A later sync of this user took over before every terminal of "
            f"{location} confirmed this one; that sync shows the result."
        )
    else:
        title = "Sync failed"
        reasons = "; ".join(f"{s.terminal}: {s.detail or 'failed'}" for s in failed)
        message = (
            f"{len(failed)} of {_plural(len(syncs), 'terminal')} failed. {reasons}"
            if failed
            else run.detail or "The sync failed."
        )
    return {"state": str(run.status), "title": title, "message": message, "terminals": terminals}
