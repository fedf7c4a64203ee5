"""``esws purge``: delete records past their retention period (esws.ops.retention)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esws.ops.retention import purge


class Command(BaseCommand):
    help = (
        "Delete tokens, audit events, finished syncs, settled terminal commands, task "
        "results, expired sessions and spent lockout counters older than --days; "
        "terminal uploads too with --uploads. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=90, help="Keep this many days (default 90)."
        )
        parser.add_argument(
            "--uploads",
            action="store_true",
            help="Also delete terminal uploads (attendance and operation logs) that old.",
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["days"] < 1:
            raise CommandError("--days must be at least 1")
        counts = asdict(purge(o["days"], uploads=o["uploads"]))
        if o["json"]:
            self.stdout.write(json.dumps(counts, indent=2))
        else:
            deleted = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items() if n)
            self.stdout.write(f"deleted: {deleted or 'nothing'}")
