"""Background tasks (Django's Tasks API, database backend): syncs run in workers."""

from __future__ import annotations

import logging

from django_tasks import task

from esws.sync import runs

log = logging.getLogger(__name__)


@task()
def run_sync(run_id: int) -> str:
    try:
        return runs.execute(run_id)
    except Exception:
        # The task is recorded as failed; its run must not wait for ever.
        log.exception("sync %s: the task failed", run_id)
        runs.abandon(run_id)
        raise
