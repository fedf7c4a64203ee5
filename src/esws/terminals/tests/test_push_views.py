"""The /iclock/ endpoints with the Django test client: the server's side of the conversation."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esws.console import display
from esws.directory.models import Access, Company, Location, Terminal
from esws.sync.models import SyncRun
from esws.terminals.models import PushCommand, PushState, RawUpload
from esws.terminals.push import codec, queue, registry

from .conftest import SN, Device, expected_user, sync

pytestmark = pytest.mark.django_db

T = "\t"


# --- handshake and identity --------------------------------------------------------------


def test_handshake(push_terminal, device, settings):
    settings.ESWS_PUSH_DELAY = 3
    response = device.handshake()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    date = parsedate_to_datetime(response["Date"])
    assert response["Date"].endswith(" GMT")
    assert abs(date - timezone.now()) < timedelta(seconds=5)
    reply = codec.parse_handshake(response.content)
    assert reply.sn == SN
    assert reply.number("Delay", 0) == 3
    assert reply.values["encrypt"] == "None"
    assert reply.values["transflag"].startswith("TransData AttLog\t")
    state = PushState.objects.get(terminal=push_terminal)
    assert (state.push_version, state.language) == ("2.4.1", "69")
    push_terminal.refresh_from_db()
    assert push_terminal.last_seen_at is not None


def test_unknown_serial_becomes_a_pending_terminal_that_gets_nothing(demo, client):
    device = Device(client, sn="NEWTERM01")
    assert device.handshake().status_code == 200
    terminal = Terminal.objects.get(serial_number="NEWTERM01")
    assert (terminal.driver, terminal.approved, terminal.company) == ("push", False, None)
    assert terminal.last_seen_at is not None
    PushCommand.objects.create(terminal=terminal, user_id="1", text="DATA DELETE USERINFO PIN=1")
    assert device.get("getrequest").content == b"OK"
    upload = device.post("cdata", f"1{T}2025-12-02 08:59:41", table="ATTLOG")
    assert upload.status_code == 403
    assert RawUpload.objects.count() == 0

    registry.approve(terminal, demo.company, demo.location, name="Side door")
    terminal.refresh_from_db()
    assert (terminal.approved, terminal.company, terminal.location, terminal.name) == (
        True,
        demo.company,
        demo.location,
        "Side door",
    )
    assert [c.text for c in device.poll()] == ["DATA DELETE USERINFO PIN=1"]


def test_approval_checks_companies(demo, push_terminal):
    other, _ = Company.create("Other")
    elsewhere = Location.objects.create(company=other, name="Elsewhere")
    with pytest.raises(ValidationError):
        registry.approve(push_terminal, demo.company, elsewhere)
    with pytest.raises(ValidationError):
        registry.approve(push_terminal, other, elsewhere)


def test_pending_terminals_are_capped(demo, client, settings):
    settings.ESWS_PUSH_MAX_PENDING = 1
    assert Device(client, sn="PENDING1").handshake().status_code == 200
    assert Device(client, sn="PENDING2").handshake().status_code == 403
    assert not Terminal.objects.filter(serial_number="PENDING2").exists()


def test_simulated_terminal_serial_is_refused(demo, client):
    assert Device(client, sn="SIM-HQ-1").handshake().status_code == 403


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/iclock/cdata", 400),
        ("get", "/iclock/cdata?SN=a%20b&options=all", 400),
        ("get", f"/iclock/cdata?SN={SN}", 400),
        ("put", f"/iclock/cdata?SN={SN}", 405),
        ("get", f"/iclock/devicecmd?SN={SN}", 405),
        ("post", f"/iclock/cdata?SN={SN}", 400),
        ("post", f"/iclock/cdata?SN={SN}&table=NOSUCH", 400),
    ],
)
def test_bad_requests_get_clear_errors(push_terminal, client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain"
    assert "Date" in response


def test_suffixed_paths(push_terminal, client):
    response = client.get(f"/iclock/cdata.aspx?SN={SN}&options=all")
    assert response.content.startswith(f"GET OPTION FROM: {SN}\n".encode())
    assert client.get(f"/iclock/getrequest.php?SN={SN}").content == b"OK"
    assert client.get(f"/iclock/ping?SN={SN}").content == b"OK"


def test_poll_info_is_kept(push_terminal, device):
    device.get("getrequest", INFO="Ver 8.0.4-20180102,12,20,530,192.168.1.20,10,7,12,3,111")
    state = PushState.objects.get(terminal=push_terminal)
    assert state.firmware == "Ver 8.0.4-20180102"
    assert state.info["users"] == 12


# --- the command queue -------------------------------------------------------------------------


def test_sync_is_delivered_on_poll_and_confirmed(demo, push_terminal, device):
    run = sync(demo, push_terminal)
    terminal_sync = run.terminals.get()
    assert (terminal_sync.status, terminal_sync.detail) == ("waiting", "waiting for the terminal")
    assert run.status == SyncRun.Status.RUNNING

    commands = device.poll()
    pin = str(demo.person.pk)
    assert [c.text.split(" PIN=")[0] for c in commands[:3]] == [
        "DATA UPDATE USERINFO",
        "DATA DELETE FINGERTMP",
        "DATA DELETE FACE",
    ]
    assert len(commands) == 3 + 3 + 1
    assert set(PushCommand.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert device.poll() == []

    device.answer(commands)
    assert device.emulator.users == {pin: expected_user(demo.person)}
    terminal_sync.refresh_from_db()
    run.refresh_from_db()
    assert (terminal_sync.status, terminal_sync.detail) == ("done", "")
    assert run.status == SyncRun.Status.DONE
    assert set(PushCommand.objects.values_list("status", "return_code")) == {("done", 0)}


def test_an_error_is_reported_in_words(demo, push_terminal, device):
    run = sync(demo, push_terminal)
    commands = device.poll()
    device.answer(commands, {commands[0].id: -1001})
    terminal_sync = run.terminals.get()
    run.refresh_from_db()
    assert terminal_sync.status == "failed"
    assert terminal_sync.detail == (
        f"The terminal refused the user record of {demo.person.pk}: capacity full (-1001)."
    )
    assert run.status == SyncRun.Status.FAILED


def test_removal(demo, push_terminal, device):
    Access.objects.filter(person=demo.person, location=push_terminal.location).delete()
    run = sync(demo, push_terminal)
    commands = device.poll()
    assert [c.text for c in commands] == [f"DATA DELETE USERINFO PIN={demo.person.pk}"]
    device.answer(commands)  # the emulator does not hold the user: -10, which is fine here
    assert run.terminals.get().status == "done"
    assert run.terminals.get().detail == "removed"


def test_second_sync_replaces_the_queued_commands(demo, push_terminal, device):
    first = sync(demo, push_terminal)
    demo.person.first_name = "Alicia"
    demo.person.save()
    second = sync(demo, push_terminal)
    assert PushCommand.objects.filter(status="queued").count() == 7
    assert set(PushCommand.objects.values_list("terminal_sync__run", flat=True)) == {second.pk}
    first_sync = first.terminals.get()
    assert (first_sync.status, first_sync.detail) == ("replaced", queue.REPLACED)
    first.refresh_from_db()
    assert first.status == "replaced"
    shown = display.run_status(first)
    assert (shown["state"], shown["title"]) == ("replaced", "Replaced by a later sync")
    assert [t["text"] for t in shown["terminals"]] == ["Replaced by a later sync"]

    device.answer(device.poll())
    assert device.emulator.users[str(demo.person.pk)]["name"].startswith("Alicia")
    assert second.terminals.get().status == "done"


def test_sent_commands_of_a_replaced_sync_are_not_sent_again(demo, push_terminal, device, settings):
    settings.ESWS_PUSH_RESEND_SECONDS = 0
    sync(demo, push_terminal)
    stale = device.poll()
    second = sync(demo, push_terminal)
    assert set(
        PushCommand.objects.filter(pk__in=[c.id for c in stale]).values_list("status", flat=True)
    ) == {"cancelled"}
    fresh = device.poll()
    assert {c.id for c in fresh}.isdisjoint({c.id for c in stale})
    device.answer(stale + fresh)
    assert second.terminals.get().status == "done"


def test_unconfirmed_commands_are_sent_again_after_the_timeout(demo, push_terminal, device):
    run = sync(demo, push_terminal)
    first = device.poll()
    assert device.poll() == []
    PushCommand.objects.update(sent_at=timezone.now() - timedelta(seconds=61))
    again = device.poll()
    assert again == first
    assert set(PushCommand.objects.values_list("attempts", flat=True)) == {2}
    device.answer(again)
    device.answer(first)  # a late duplicate confirmation changes nothing
    assert run.terminals.get().status == "done"


def test_a_command_never_confirmed_fails(demo, push_terminal, device, settings):
    settings.ESWS_PUSH_RESEND_SECONDS = 0
    settings.ESWS_PUSH_MAX_ATTEMPTS = 2
    run = sync(demo, push_terminal)
    assert len(device.poll()) == 7
    assert len(device.poll()) == 7
    assert device.poll() == []
    terminal_sync = run.terminals.get()
    assert terminal_sync.status == "failed"
    assert terminal_sync.detail == (
        f"The terminal did not confirm the user record of {demo.person.pk} after 2 attempts."
    )


def test_a_poll_carries_a_limited_batch(push_terminal, device):
    PushCommand.objects.bulk_create(
        PushCommand(terminal=push_terminal, user_id=str(i), text=f"DATA DELETE USERINFO PIN={i}")
        for i in range(120)
    )
    assert len(device.poll()) == queue.MAX_COMMANDS_PER_POLL
    big = "A" * 400_000
    PushCommand.objects.filter(status="queued").update(
        text=f"DATA UPDATE FACE PIN=1{T}FID=0{T}Valid=1{T}Size={len(big)}{T}TMP={big}"
    )
    assert len(device.poll()) == 2


def test_results_of_other_terminals_commands_are_ignored(demo, push_terminal, client):
    run = sync(demo, push_terminal)
    commands = Device(client).poll()
    intruder = Device(client, sn="INTRUDER1")
    intruder.handshake()
    registry.approve(Terminal.objects.get(serial_number="INTRUDER1"), demo.company, demo.location)
    intruder.answer(commands, {c.id: 0 for c in commands})
    assert run.terminals.get().status == "waiting"


# --- bodies from the network ---------------------------------------------------------------------


def test_oversized_bodies_are_refused(push_terminal, device, settings):
    settings.ESWS_PUSH_MAX_BODY = 100
    assert device.post("devicecmd", "ID=1&Return=0&CMD=DATA\n" * 10).status_code == 413
    assert device.post("cdata", "x" * 101, table="ATTLOG").status_code == 413
    assert device.post("devicecmd", "ID=1&Return=0&CMD=DATA\n").status_code == 200


def test_chunked_bodies_are_refused_rather_than_lost(push_terminal, client):
    response = client.post(
        f"/iclock/cdata?SN={SN}&table=ATTLOG",
        data=b"",
        content_type="text/plain",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert response.status_code == 411


def test_malformed_result_lines_are_skipped_and_counted(demo, push_terminal, device):
    run = sync(demo, push_terminal)
    commands = device.poll()
    body = b"garbage\n\xff\xfe\n" + codec.build_results(
        codec.CommandResult(c.id, 0, "DATA") for c in commands
    )
    assert device.post("devicecmd", body).content == b"OK"
    assert run.terminals.get().status == "done"
    assert PushState.objects.get(terminal=push_terminal).malformed_lines == 2


def test_attendance_upload_is_stored_once(push_terminal, device):
    body = f"1001{T}2025-12-02 08:59:41{T}0{T}1{T}0{T}0{T}0\n1002{T}2025-12-02 09:00:00\nbad\n"
    response = device.post("cdata", body, table="ATTLOG", Stamp="9999")
    assert (response.status_code, response.content) == (200, b"OK:2")
    assert device.post("cdata", body, table="ATTLOG", Stamp="9999").content == b"OK:2"
    rows = RawUpload.objects.order_by("pin")
    assert [(r.table, r.kind, r.pin, r.device_time) for r in rows] == [
        ("ATTLOG", "ATTLOG", "1001", "2025-12-02 08:59:41"),
        ("ATTLOG", "ATTLOG", "1002", "2025-12-02 09:00:00"),
    ]
    assert rows[0].record == f"1001{T}2025-12-02 08:59:41{T}0{T}1{T}0{T}0{T}0"
    assert rows[0].stamp == "9999"
    assert PushState.objects.get(terminal=push_terminal).malformed_lines == 2
    reply = codec.parse_handshake(device.handshake().content)
    assert reply.values["attlogstamp"] == "9999"


def test_operation_log_upload_is_stored_raw(push_terminal, device):
    body = (
        f"OPLOG 30{T}0{T}2025-12-02 09:01:00{T}1001{T}0{T}0{T}0\n"
        f"USER PIN=1001{T}Name=Alice{T}Pri=0\n"
        f"FP PIN=1001{T}FID=6{T}Size=4{T}Valid=1{T}TMP=QUE=\n"
    )
    assert device.post("cdata", body, table="OPERLOG", Stamp="12").content == b"OK:3"
    assert list(RawUpload.objects.order_by("pk").values_list("kind", "pin", "device_time")) == [
        ("OPLOG", "", "2025-12-02 09:01:00"),
        ("USER", "1001", ""),
        ("FP", "1001", ""),
    ]


def test_options_and_ignored_tables(push_terminal, device):
    assert device.post("cdata", "FingerFunOn=1,FaceFunOn=0", table="options").content == b"OK"
    assert PushState.objects.get(terminal=push_terminal).options == {
        "FingerFunOn": "1",
        "FaceFunOn": "0",
    }
    assert device.post("cdata", b"PIN=1.jpg\nSN=X\x00\xff\xd8", table="ATTPHOTO").content == b"OK"
    assert RawUpload.objects.count() == 0


ENDPOINTS = ["cdata", "getrequest", "devicecmd", "ping", "cdata.aspx"]
queries = st.one_of(
    st.text(max_size=80).map(lambda s: f"SN={SN}&{s}"),
    st.sampled_from(
        [f"SN={SN}&options=all", f"SN={SN}&table=ATTLOG", f"SN={SN}&table=OPERLOG", "SN=NEW1"]
    ),
    st.text(max_size=80),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    method=st.sampled_from(["GET", "POST"]),
    query=queries,
    body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
)
def test_never_a_server_error(push_terminal, client, endpoint, method, query, body):
    response = client.generic(
        method,
        f"/iclock/{endpoint}",
        data=body,
        content_type="text/plain",
        QUERY_STRING=query,
    )
    assert response.status_code < 500
    assert response["Content-Type"] == "text/plain"
