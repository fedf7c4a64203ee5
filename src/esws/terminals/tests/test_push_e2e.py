"""End to end: the service (gunicorn and a task worker) and the emulator, in separate processes."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest

from esws.directory.models import Access, Location, Terminal
from esws.sync import runs
from esws.sync.models import SyncRun, TerminalSync
from esws.terminals.models import PushCommand, PushState, RawUpload
from esws.terminals.push import codec, registry
from esws.testing.processes import running_service, service_env, stop

from .conftest import expected_user

pytestmark = pytest.mark.e2e

V = TypeVar("V")


def wait_for(condition: Callable[[], V], what: str, timeout: float = 120) -> V:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def emulator(url: str, sn: str, workdir: Path, *extra: str) -> Iterator[tuple[Path, Path]]:
    """``esws terminal-emulator`` in its own process; yields its state file and its output."""
    state, log = workdir / f"{sn}.json", workdir / f"{sn}.log"
    args = ["--server", url, "--sn", sn, "--delay", "0.3", "--state", str(state), *extra]
    proc = subprocess.Popen(
        [sys.executable, "-m", "esws.cli", "terminal-emulator", *args],
        env=service_env(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        yield state, log
    finally:
        stop(proc)
    assert proc.returncode == 0, log.read_text()  # SIGTERM ends it cleanly


def held(state: Path) -> dict:
    return json.loads(state.read_text())["users"] if state.exists() else {}


def terminal_sync_of(run: SyncRun) -> TerminalSync:
    return TerminalSync.objects.get(run=run)


@pytest.fixture
def push_location(demo) -> Location:
    location = Location.objects.create(company=demo.company, name="Push door")
    Access.objects.create(person=demo.person, location=location)
    return location


def test_a_new_terminal_is_approved_and_receives_the_user(
    live_service, demo, push_location, tmp_path
):
    sn, pin = "E2E-NEW-1", str(demo.person.pk)
    with emulator(live_service, sn, tmp_path, "--punch", pin) as (state, log):
        terminal = wait_for(
            lambda: Terminal.objects.filter(serial_number=sn).first(), "the pending terminal"
        )
        assert (terminal.approved, terminal.company_id) == (False, None)
        registry.approve(terminal, demo.company, push_location, name="E2E door")
        run = runs.start(demo.admin, demo.person, push_location)
        wait_for(lambda: terminal_sync_of(run).status == "done", "the terminal's confirmation")
        assert held(state) == {pin: expected_user(demo.person)}
        run.refresh_from_db()
        assert run.status == SyncRun.Status.DONE
        # The punch refused while the terminal was pending arrives after approval.
        wait_for(
            lambda: RawUpload.objects.filter(terminal=terminal, kind="ATTLOG", pin=pin).exists(),
            "the punch",
        )
        # Once approved, it told the server about itself (after a poll).
        options = wait_for(
            lambda: (
                PushState.objects.filter(terminal=terminal)
                .values_list("options", flat=True)
                .first()
            ),
            "the device's options",
        )
        assert options["~DeviceName"] == "esws-terminal-emulator"
    assert f"PIN {pin}  {demo.person.full_name}" in log.read_text()


def test_replies_carry_one_date_header(live_service, demo, push_location):
    Terminal.objects.create(serial_number="E2E-DATE-1", driver=Terminal.Driver.PUSH)
    parts = urlsplit(live_service)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.request("GET", "/iclock/ping?SN=E2E-DATE-1")
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, b"OK")
    dates = response.msg.get_all("Date") or []
    assert len(dates) == 1
    assert dates[0].endswith(" GMT")
    connection.close()


def test_a_terminal_offline_during_the_sync_gets_the_user_later(
    live_service, demo, push_location, tmp_path
):
    sn = "E2E-LATE-1"
    Terminal.objects.create(
        company=demo.company, location=push_location, serial_number=sn, driver="push"
    )
    run = runs.start(demo.admin, demo.person, push_location)
    wait_for(lambda: terminal_sync_of(run).status == "waiting", "the queued commands")
    time.sleep(1)
    assert terminal_sync_of(run).detail == "waiting for the terminal"
    with emulator(live_service, sn, tmp_path) as (state, _):
        wait_for(lambda: terminal_sync_of(run).status == "done", "the terminal's confirmation")
        assert held(state) == {str(demo.person.pk): expected_user(demo.person)}


def test_a_server_restart_between_enqueue_and_poll_delivers_once(
    transactional_db, demo, push_location, tmp_path
):
    sn = "E2E-RESTART-1"
    Terminal.objects.create(
        company=demo.company, location=push_location, serial_number=sn, driver="push"
    )
    with running_service(tmp_path, web_workers=1):
        run = runs.start(demo.admin, demo.person, push_location)
        wait_for(lambda: terminal_sync_of(run).status == "waiting", "the queued commands")
    assert set(PushCommand.objects.values_list("status", flat=True)) == {"queued"}
    with (
        running_service(tmp_path, web_workers=1) as url,
        emulator(url, sn, tmp_path) as (state, log),
    ):
        wait_for(lambda: terminal_sync_of(run).status == "done", "the terminal's confirmation")
        assert held(state) == {str(demo.person.pk): expected_user(demo.person)}
    commands = list(PushCommand.objects.all())
    assert len(commands) == 7
    assert {(c.status, c.attempts) for c in commands} == {("done", 1)}
    output = log.read_text()
    assert all(output.count(f"C:{c.pk} ") == 1 for c in commands), output


def test_a_flood_of_polls_hands_out_each_command_once(live_service, demo, push_location):
    sn = "E2E-FLOOD-1"
    terminal = Terminal.objects.create(
        company=demo.company, location=push_location, serial_number=sn, driver="push"
    )
    PushCommand.objects.bulk_create(
        PushCommand(terminal=terminal, user_id=str(i), text=f"DATA DELETE USERINFO PIN={i}")
        for i in range(200)
    )

    def poll(_: int) -> list[str]:
        with urllib.request.urlopen(f"{live_service}/iclock/getrequest?SN={sn}", timeout=60) as r:
            return [c.id for c in codec.parse_commands(r.read()).items]

    with ThreadPoolExecutor(max_workers=16) as pool:
        delivered = [cid for ids in pool.map(poll, range(40)) for cid in ids]
    while rest := poll(0):  # what polls skipped while others held it
        delivered += rest
    expected = {str(pk) for pk in PushCommand.objects.values_list("pk", flat=True)}
    assert sorted(delivered) == sorted(expected)


def test_a_chunked_upload_is_stored(live_service, push_terminal):
    # gunicorn decodes chunked bodies: they are read, not refused (411) as
    # they must be where the server cannot mark the body's end.
    tab = "\t"
    url = urlsplit(live_service)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    lines = [f"1001{tab}2025-12-02 08:59:4{i}{tab}0{tab}1\n".encode() for i in range(3)]
    conn.request(
        "POST",
        f"/iclock/cdata?SN={push_terminal.serial_number}&table=ATTLOG&Stamp=1",
        body=iter(lines),
        headers={"Content-Type": "text/plain"},
        encode_chunked=True,
    )
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b"OK:3")
    conn.close()
    assert RawUpload.objects.filter(terminal=push_terminal, pin="1001").count() == 3
