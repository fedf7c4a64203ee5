"""Task workers that survive each other's deaths.

django-tasks-db marks a claimed task RUNNING and never looks at it again, so
a worker killed mid-task (SIGKILL, OOM, power) would strand its sync. Each
``esws worker`` therefore records a heartbeat; every worker, on each beat,
hands the RUNNING tasks of workers whose heartbeat stopped back to the queue.
Syncs are idempotent (esws.sync.runs.execute only touches rows still
pending, drivers converge terminals to a plan), so finishing a half-done
sync elsewhere leaves the terminals right and creates no duplicates.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from esws.sync.models import Worker

log = logging.getLogger(__name__)

READY, RUNNING = "READY", "RUNNING"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(4)}"


def beat(worker_id: str) -> None:
    now = timezone.now()
    updated = Worker.objects.filter(pk=worker_id).update(last_beat=now)
    if not updated:
        Worker.objects.create(
            worker_id=worker_id, hostname=socket.gethostname()[:200], pid=os.getpid(), last_beat=now
        )


def recover_stranded() -> int:
    """Requeue RUNNING tasks whose worker's heartbeat stopped; forget dead workers."""
    deadline = timezone.now() - timedelta(seconds=settings.ESWS_WORKER_DEAD_SECONDS)
    alive = set(Worker.objects.filter(last_beat__gte=deadline).values_list("pk", flat=True))
    requeued = 0
    running = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=deadline)
    for task_id, worker_ids in running.values_list("id", "worker_ids"):
        owner = worker_ids[-1] if worker_ids else None
        if owner in alive:
            continue
        requeued += DBTaskResult.objects.filter(pk=task_id, status=RUNNING).update(
            status=READY, started_at=None
        )
        log.warning("requeued task %s of dead worker %s", task_id, owner)
    Worker.objects.filter(last_beat__lt=deadline).delete()
    return requeued


class Heartbeat(threading.Thread):
    """Beats and recovers every ESWS_WORKER_BEAT_SECONDS until stopped."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="esws-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    recover_stranded()
                except Exception:
                    log.exception("heartbeat of %s failed; retrying", self.worker_id)
                self.stopped.wait(settings.ESWS_WORKER_BEAT_SECONDS)
        finally:
            Worker.objects.filter(pk=self.worker_id).delete()
            connection.close()
