"""``esws serve``: gunicorn and task workers under one supervisor.

The sandbox and small sites need one command; larger sites run gunicorn and
``esws worker`` as separate services (README, production layout). Either
way the processes share nothing but the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the web application with gunicorn and run task workers beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on.")
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes.")
        parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn process.")
        parser.add_argument("--task-workers", type=int, default=1, help="Task worker processes.")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["web_workers"] < 1 or o["task_workers"] < 0 or o["threads"] < 1:
            raise CommandError("process counts must be positive")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "esws.settings"}
        web = [
            sys.executable, "-m", "gunicorn", "esws.wsgi",
            "--bind", o["bind"],
            "--workers", str(o["web_workers"]),
            "--threads", str(o["threads"]),
            "--logger-class", "esws.gunicorn.RedactingLogger",
            "--no-control-socket",
            "--access-logfile", "-",
            "--limit-request-line", "8190",
        ]  # fmt: skip
        worker = [sys.executable, "-m", "esws.cli", "worker"]
        procs = [subprocess.Popen(web, env=env)]
        procs += [subprocess.Popen(worker, env=env) for _ in range(o["task_workers"])]

        def stop(signum: int, frame: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"serving on http://{o['bind']} with {o['task_workers']} task worker(s)")
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for p in procs:
                p.wait(timeout=30)
        failed = [p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM)]
        if failed:
            raise CommandError(f"a process exited with status {failed[0]}")
