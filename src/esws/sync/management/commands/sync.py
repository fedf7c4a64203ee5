"""``esws sync``: start a sync from the command line and look up past results."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from esws.directory.commandline import NounCommand, location_of, person_of
from esws.sync import runs
from esws.sync.models import SyncRun


def run_row(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "user": run.person_id,
        "location": run.location_id,
        "admin": run.admin.username if run.admin else None,
        "status": run.status,
        "detail": run.detail,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "terminals": [
            {"serial_number": t.terminal.serial_number, "status": t.status, "detail": t.detail}
            for t in run.terminals.select_related("terminal")
        ],
    }


def run_text(r: dict[str, Any]) -> str:
    lines = [
        f"sync {r['id']}: user {r['user']} to location {r['location']}: {r['status'].upper()}"
        + (f" ({r['detail']})" if r["detail"] else "")
        + f"  [{r['created_at']:%Y-%m-%d %H:%M:%S}, by {r['admin'] or 'operator'}]"
    ]
    for t in r["terminals"]:
        lines.append(f"  {t['serial_number']:<20} {t['status']:<8} {t['detail']}")
    return "\n".join(lines)


class Command(NounCommand):
    help = "Synchronize a user to a location's terminals, and look up sync results."
    verbs = {
        "start": "Queue a sync of one user to one location (a worker carries it out).",
        "show": "Show a sync and its result per terminal.",
        "list": "List recent syncs.",
    }

    def arguments_start(self, p: CommandParser) -> None:
        p.add_argument("--user", required=True)
        p.add_argument("--location", required=True)

    def do_start(self, user: str, location: str, **_: Any) -> tuple[Any, str]:
        person = person_of(None, user)
        run = runs.start(None, person, location_of(person.company, location))
        row = run_row(run)
        return row, run_text(row) + "\n(queued: `esws sync show " + str(run.pk) + "` for progress)"

    def arguments_show(self, p: CommandParser) -> None:
        p.add_argument("run", type=int, help="Sync id.")

    def do_show(self, run: int, **_: Any) -> tuple[Any, str]:
        found = SyncRun.objects.select_related("admin").filter(pk=run).first()
        if found is None:
            raise CommandError(f"no sync with id {run}")
        row = run_row(found)
        return row, run_text(row)

    def arguments_list(self, p: CommandParser) -> None:
        p.add_argument("--user")
        p.add_argument("--limit", type=int, default=20)

    def do_list(self, user: str | None, limit: int, **_: Any) -> tuple[Any, str]:
        qs = SyncRun.objects.select_related("admin")
        if user:
            qs = qs.filter(person=person_of(None, user))
        rows = [run_row(r) for r in qs[: max(limit, 1)]]
        return rows, "\n".join(run_text(r) for r in rows) or "no syncs"
