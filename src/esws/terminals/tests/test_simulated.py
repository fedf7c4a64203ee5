"""The simulated terminal: its memory is exactly what the plan says, whatever ran before."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from django.utils import timezone

from esws.directory.models import Access, Terminal, sync_filter_of
from esws.sync import planner, runs
from esws.sync.models import TerminalSync
from esws.terminals.drivers.simulated import OFFLINE, SimulatedDriver
from esws.terminals.models import Simulator, TerminalUser

pytestmark = pytest.mark.django_db


def memory(terminal: Terminal) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k not in {"id", "terminal_id", "updated_at"}}
        for row in TerminalUser.objects.filter(terminal=terminal).values()
    ]


def held_as_planned(plan: planner.UserImage) -> list[dict]:
    return [
        {
            "user_id": plan.user_id,
            "name": plan.name,
            "role": plan.role,
            "pin_code": plan.pin_code,
            "credentials": [asdict(c) for c in plan.credentials],
        }
    ]


def run_sync(demo) -> list[TerminalSync]:
    run = runs.start(demo.admin, demo.person, demo.location)
    runs.execute(run.pk)
    return list(run.terminals.select_related("terminal"))


def test_memory_equals_the_plan(demo):
    plan = planner.plan(demo.person, demo.location.pk, sync_filter_of(demo.admin), timezone.now())
    assert isinstance(plan, planner.UserImage)
    syncs = run_sync(demo)
    assert {s.terminal.serial_number for s in syncs} == {"SIM-HQ-1", "SIM-HQ-2"}
    for terminal_sync in syncs:
        assert terminal_sync.status == "done"
        assert memory(terminal_sync.terminal) == held_as_planned(plan)
    kinds = sorted(c["kind"] for c in memory(syncs[0].terminal)[0]["credentials"])
    assert kinds == ["card", "card", "face", "fingerprint", "fingerprint", "fingerprint"]


def test_filters_limit_what_is_held(demo):
    sync_filter = sync_filter_of(demo.admin)
    sync_filter.send_fingerprints = sync_filter.send_pin = False
    sync_filter.save()
    syncs = run_sync(demo)
    held = memory(syncs[0].terminal)[0]
    assert held["pin_code"] == ""
    assert {c["kind"] for c in held["credentials"]} == {"card", "face"}


def test_syncing_twice_changes_nothing(demo):
    run_sync(demo)
    terminal = Terminal.objects.get(serial_number="SIM-HQ-1")
    before = memory(terminal)
    assert [s.status for s in run_sync(demo)] == ["done", "done"]
    assert memory(terminal) == before
    assert TerminalUser.objects.filter(terminal=terminal).count() == 1


def test_an_offline_terminal_fails_and_the_others_go_on(demo):
    offline = Terminal.objects.get(serial_number="SIM-HQ-2")
    Simulator.objects.update_or_create(terminal=offline, defaults={"online": False})
    syncs = {s.terminal.serial_number: s for s in run_sync(demo)}
    assert (syncs["SIM-HQ-2"].status, syncs["SIM-HQ-2"].detail) == ("failed", OFFLINE)
    assert syncs["SIM-HQ-1"].status == "done"
    assert memory(offline) == []


def test_a_user_without_access_is_removed(demo):
    run_sync(demo)
    Access.objects.filter(person=demo.person, location=demo.location).delete()
    syncs = run_sync(demo)
    assert [(s.status, s.detail) for s in syncs] == [("done", "removed"), ("done", "removed")]
    assert TerminalUser.objects.filter(user_id=str(demo.person.pk)).count() == 0


def test_driver_directly(demo):
    terminal = Terminal.objects.get(serial_number="SIM-HQ-1")
    driver, run = SimulatedDriver(), runs.start(demo.admin, demo.person, demo.location)
    sync = run.terminals.get(terminal=terminal)
    image = planner.plan(demo.person, demo.location.pk, sync_filter_of(demo.admin), timezone.now())
    assert isinstance(image, planner.UserImage)
    assert driver.apply(terminal, image, sync).status == "done"
    assert memory(terminal) == held_as_planned(image)

    outcome = driver.apply(terminal, planner.Removal(str(demo.person.pk)), sync)
    assert (outcome.status, outcome.detail) == ("done", "removed")
    assert memory(terminal) == []
