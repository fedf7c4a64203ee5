"""Task workers as separate processes: each sync runs once; a killed worker's sync is finished."""

from __future__ import annotations

import signal
import time

import pytest
from django_tasks_db.models import DBTaskResult

from esws.directory.demo import ensure_demo
from esws.directory.models import Terminal
from esws.sync import runs
from esws.sync.models import SyncRun, TerminalSync
from esws.terminals.models import Simulator, TerminalUser
from esws.testing.processes import service_env, start_worker, stop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A queue of their own, so the session's service worker (live_service) stays out.
QUEUE = "worker-tests"


@pytest.fixture(autouse=True)
def own_queue(settings):
    settings.ESWS_SYNC_QUEUE = QUEUE


def wait_for(condition, timeout: float = 90, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkilled_worker_leaves_a_sync_that_another_worker_finishes(tmp_path):
    demo = ensure_demo()
    slow = Terminal.objects.get(serial_number="SIM-HQ-2")
    Simulator.objects.create(terminal=slow, delay_ms=30_000)
    env = service_env({"ESWS_WORKER_BEAT_SECONDS": "1", "ESWS_WORKER_DEAD_SECONDS": "3"})
    log = tmp_path / "workers.log"
    first = start_worker(env, log, QUEUE)
    second = None
    try:
        run = runs.start(demo.admin, demo.person, demo.location)
        wait_for(
            lambda: run.terminals.filter(
                terminal__serial_number="SIM-HQ-1", status="done"
            ).exists(),
            what="the first terminal to be done",
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert SyncRun.objects.get(pk=run.pk).status == SyncRun.Status.RUNNING
        Simulator.objects.filter(terminal=slow).update(delay_ms=0)

        second = start_worker(env, log, QUEUE)
        wait_for(
            lambda: SyncRun.objects.get(pk=run.pk).status == SyncRun.Status.DONE,
            what="the second worker to finish the sync",
        )
    finally:
        for proc in (first, second):
            if proc is not None:
                stop(proc)

    held = TerminalUser.objects.filter(user_id=str(demo.person.pk))
    assert sorted(held.values_list("terminal__serial_number", flat=True)) == [
        "SIM-HQ-1",
        "SIM-HQ-2",
    ]
    assert {len(u.credentials) for u in held} == {6}
    assert set(TerminalSync.objects.filter(run=run).values_list("status", flat=True)) == {"done"}
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert len(task.worker_ids) == 2  # claimed by the killed worker, then by the second


def test_three_workers_run_each_of_twenty_syncs_exactly_once(tmp_path):
    demo = ensure_demo()
    env = service_env()
    workers = [start_worker(env, tmp_path / "workers.log", QUEUE) for _ in range(3)]
    try:
        started = [runs.start(demo.admin, demo.person, demo.location).pk for _ in range(20)]
        wait_for(
            lambda: SyncRun.objects.filter(pk__in=started, status="done").count() == 20,
            what="twenty syncs",
        )
    finally:
        for proc in workers:
            stop(proc)
    tasks = DBTaskResult.objects.all()
    assert tasks.count() == 20
    assert all(t.status == "SUCCESSFUL" and len(t.worker_ids) == 1 for t in tasks)
    assert TerminalUser.objects.filter(user_id=str(demo.person.pk)).count() == 2


def test_a_worker_survives_its_task_row_deleted_under_it(tmp_path):
    demo = ensure_demo()
    slow = Terminal.objects.get(serial_number="SIM-HQ-2")
    Simulator.objects.create(terminal=slow, delay_ms=2_000)
    log = tmp_path / "worker.log"
    worker = start_worker(service_env(), log, QUEUE)
    try:
        first = runs.start(demo.admin, demo.person, demo.location)
        wait_for(lambda: DBTaskResult.objects.filter(status="RUNNING").exists(), what="the task")
        DBTaskResult.objects.all().delete()  # as an operator might in the admin site
        wait_for(lambda: "restarting" in log.read_text(), what="the worker to restart")
        assert worker.poll() is None
        Simulator.objects.filter(terminal=slow).update(delay_ms=0)
        second = runs.start(demo.admin, demo.person, demo.location)
        wait_for(
            lambda: SyncRun.objects.get(pk=second.pk).status == SyncRun.Status.DONE,
            what="the same worker to carry out the next sync",
        )
    finally:
        stop(worker)
    assert worker.returncode == 0  # and SIGTERM still ends it cleanly
    assert SyncRun.objects.get(pk=first.pk).status == SyncRun.Status.DONE
