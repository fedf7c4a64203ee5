"""What a sync leaves on the terminals: planner rules, filters, failures, idempotence."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from esws.directory.models import Access, Location, Terminal, sync_filter_of
from esws.sync import planner, runs, tasks
from esws.sync.models import SyncRun, TerminalSync
from esws.terminals.models import Simulator, TerminalUser


def memory(location: Location) -> dict[str, list[tuple[str, list[tuple[str, int]]]]]:
    """What each terminal of the location holds: users and their credential kinds."""
    held: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {}
    for terminal in location.terminals.order_by("serial_number"):
        held[terminal.serial_number] = [
            (u.user_id, [(c["kind"], c["slot"]) for c in u.credentials])
            for u in terminal.memory.all()
        ]
    return held


ALICE_ALL = [
    ("card", 0),
    ("card", 1),
    ("face", 0),
    ("fingerprint", 1),
    ("fingerprint", 5),
    ("fingerprint", 6),
]


def sync(demo, location=None, admin="default"):
    run = runs.start(
        demo.admin if admin == "default" else admin, demo.person, location or demo.location
    )
    runs.execute(run.pk)
    run.refresh_from_db()
    return run


def test_sync_puts_the_user_with_every_credential_on_every_terminal(demo):
    run = sync(demo)
    assert run.status == SyncRun.Status.DONE
    uid = str(demo.person.pk)
    assert memory(demo.location) == {"SIM-HQ-1": [(uid, ALICE_ALL)], "SIM-HQ-2": [(uid, ALICE_ALL)]}
    held = TerminalUser.objects.filter(user_id=uid).first()
    assert held.name == "Alice Jansen" and held.pin_code == "1234"


def test_filters_decide_the_credential_kinds(demo):
    f = sync_filter_of(demo.admin)
    f.send_fingerprints = f.send_faces = f.send_pin = False
    f.save()
    sync(demo)
    uid = str(demo.person.pk)
    assert memory(demo.location)["SIM-HQ-1"] == [(uid, [("card", 0), ("card", 1)])]
    assert TerminalUser.objects.filter(user_id=uid, pin_code="").count() == 2


def test_stale_credentials_are_removed_and_sync_is_idempotent(demo):
    sync(demo)
    demo.person.credentials.filter(kind="fingerprint", slot=6).delete()
    sync(demo)
    first = memory(demo.location)
    sync(demo)
    assert memory(demo.location) == first
    expected = [c for c in ALICE_ALL if c != ("fingerprint", 6)]
    assert first["SIM-HQ-2"] == [(str(demo.person.pk), expected)]


@pytest.mark.parametrize("why", ["no access", "expired", "not started"])
def test_user_without_valid_access_is_removed(demo, why):
    sync(demo)
    now = timezone.now()
    if why == "no access":
        Access.objects.filter(person=demo.person, location=demo.location).delete()
    elif why == "expired":
        demo.person.expires_at = now - timedelta(minutes=1)
    else:
        demo.person.start_at = now + timedelta(days=1)
    demo.person.save()
    run = sync(demo)
    assert run.status == SyncRun.Status.DONE
    assert memory(demo.location) == {"SIM-HQ-1": [], "SIM-HQ-2": []}


def test_an_offline_terminal_fails_alone(demo):
    Simulator.objects.create(terminal=Terminal.objects.get(serial_number="SIM-HQ-2"), online=False)
    run = sync(demo)
    assert run.status == SyncRun.Status.FAILED
    results = {t.terminal.serial_number: (t.status, t.detail) for t in run.terminals.all()}
    assert results["SIM-HQ-1"] == (TerminalSync.Status.DONE, "")
    assert results["SIM-HQ-2"][0] == TerminalSync.Status.FAILED
    assert "offline" in results["SIM-HQ-2"][1]
    assert memory(demo.location)["SIM-HQ-1"] == [(str(demo.person.pk), ALICE_ALL)]
    assert memory(demo.location)["SIM-HQ-2"] == []


def test_execute_again_after_a_crash_only_finishes_what_is_pending(demo):
    run = runs.start(demo.admin, demo.person, demo.location)
    first = run.terminals.order_by("terminal__serial_number").first()
    TerminalSync.objects.filter(pk=first.pk).update(status="done", detail="before the crash")
    runs.execute(run.pk)
    first.refresh_from_db()
    assert first.detail == "before the crash"
    assert memory(demo.location)["SIM-HQ-2"] == [(str(demo.person.pk), ALICE_ALL)]


def test_location_outside_the_filter_is_refused(demo):
    f = sync_filter_of(demo.admin)
    f.all_locations = False
    f.save()
    f.locations.set([demo.other_location])
    with pytest.raises(runs.LocationNotAllowed):
        runs.start(demo.admin, demo.person, demo.location)
    assert not SyncRun.objects.exists()


def test_location_without_terminals_fails_with_a_reason(demo):
    empty = Location.objects.create(company=demo.company, name="Empty")
    run = sync(demo, location=empty)
    assert (run.status, run.detail) == (SyncRun.Status.FAILED, runs.NO_TERMINALS)


def test_plan_summary_counts_kinds(demo):
    plan = planner.plan(demo.person, demo.location.pk, sync_filter_of(demo.admin), timezone.now())
    assert isinstance(plan, planner.UserImage)
    assert plan.kinds_summary() == {"card": 2, "fingerprint": 3, "face": 1}


@pytest.mark.django_db(transaction=True)
def test_two_terminals_confirming_at_once_finish_the_run(demo):
    # On SQLite, IMMEDIATE transactions let one writer in at a time: no race to lose.
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    run = runs.start(demo.admin, demo.person, demo.location)
    run.terminals.update(status=TerminalSync.Status.WAITING)
    both_updated = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def confirm(sync_id: int) -> None:
        # As PUSH results settle a terminal: its row and the run's status in one transaction.
        try:
            with transaction.atomic():
                TerminalSync.objects.filter(pk=sync_id).update(status=TerminalSync.Status.DONE)
                both_updated.wait()
                runs.refresh_status(run.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(s.pk,)) for s in run.terminals.all()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    run.refresh_from_db()
    assert run.status == SyncRun.Status.DONE and run.finished_at is not None


def test_a_task_that_fails_closes_its_run(demo, monkeypatch):
    run = runs.start(demo.admin, demo.person, demo.location)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(planner, "plan", broken)
    with pytest.raises(RuntimeError):
        tasks.run_sync.call(run.pk)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and run.finished_at is not None
    assert {(t.status, t.detail) for t in run.terminals.all()} == {
        (TerminalSync.Status.FAILED, runs.INTERNAL_ERROR)
    }
