"""``esws terminal-emulator``: a ZKTeco PUSH terminal in its own process, for demos and tests."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esws.terminals.push.emulator import Emulator, StateFileError


class Command(BaseCommand):
    help = (
        "Run an emulated ZKTeco PUSH terminal against a server: it polls for commands, "
        "carries them out on its user table and prints what it holds."
    )
    # It is a device on the network: it never touches the database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server", required=True, help="Base URL, e.g. http://127.0.0.1:8000")
        parser.add_argument("--sn", required=True, help="The terminal's serial number.")
        parser.add_argument(
            "--delay",
            type=float,
            help="Seconds between polls and before reconnecting (default: what the server says).",
        )
        parser.add_argument("--once", action="store_true", help="Handshake, poll once, exit.")
        parser.add_argument("--state", type=Path, help="JSON file keeping the user table.")
        parser.add_argument(
            "--punch",
            action="append",
            default=[],
            metavar="PIN",
            help="Upload a punch of this user now (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = urlsplit(options["server"])
        if server.scheme not in ("http", "https") or not server.hostname:
            raise CommandError(f"--server must be an http(s) URL, not {options['server']!r}")
        try:
            emulator = Emulator(
                options["server"],
                options["sn"],
                state_path=options["state"],
                delay=options["delay"],
                write=self._write,
            )
        except StateFileError as exc:
            raise CommandError(str(exc)) from None
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: emulator.stop())
        if emulator.run(once=options["once"], punches=options["punch"]):
            raise CommandError("the server could not be reached")

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
