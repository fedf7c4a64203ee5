"""``esws worker``: run background tasks (syncs) from the database queue."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from esws.sync.workers import Heartbeat, beat, new_worker_id, recover_stranded

log = logging.getLogger("esws.sync.workers")


class Command(BaseCommand):
    help = (
        "Run a task worker: it takes queued syncs from the database and carries them out. "
        "Start as many as you like; a task of a worker that died is finished by another."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=0.2, help="Seconds between polls of an empty queue."
        )
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument(
            "--queue",
            default=settings.ESWS_SYNC_QUEUE,
            help="Queue(s) to serve, comma-separated, or '*' for all (default: ESWS_SYNC_QUEUE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = new_worker_id()
        beat(worker_id)
        recover_stranded()
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        worker_args = [
            "--interval", str(options["interval"]),
            "--queue-name", options["queue"],
            "--no-startup-delay",
        ]  # fmt: skip
        if options["batch"]:
            worker_args.append("--batch")
        try:
            while True:
                try:
                    call_command(
                        "db_worker",
                        *worker_args,
                        worker_id=worker_id,
                        verbosity=options["verbosity"],
                    )
                    return  # --batch ran dry, or a signal ended it gracefully
                except Exception:
                    # django-tasks-db's loop ends on an error of its own, such as a
                    # task row deleted while its task ran: start it again, rather
                    # than leave the queue (and `esws serve`) without this worker.
                    log.exception("task worker %s stopped on an error; restarting", worker_id)
                    for signum in (signal.SIGINT, signal.SIGTERM):
                        signal.signal(signum, signal.SIG_DFL)  # its handlers went with it
                    connections.close_all()
                    time.sleep(1)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)
