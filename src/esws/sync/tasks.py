"""Background tasks (Django's Tasks API, database backend): syncs run in workers."""

from __future__ import annotations

from django_tasks import task

from esws.sync import runs


@task()
def run_sync(run_id: int) -> str:
    return runs.execute(run_id)
