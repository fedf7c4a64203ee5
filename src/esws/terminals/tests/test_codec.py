"""The PUSH codec, one message kind at a time, with the protocol document's examples."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esws.terminals.push import codec

T = "\t"
SN = "CQZ7231260012"
TEMPLATE = "TVNTUzIxAAADkJYECAUHCc7QAAAbkWkBAAAAg0sf" * 10 + "AA=="


# --- device requests --------------------------------------------------------------


def test_handshake_query():
    query = codec.parse_query(f"SN={SN}&options=all&pushver=2.4.1&language=69")
    assert query == codec.DeviceQuery(sn=SN, options="all", pushver="2.4.1", language="69")
    assert query.is_handshake


def test_query_keys_are_case_insensitive():
    query = codec.parse_query(f"sn={SN}&Options=ALL&TABLE=ATTLOG&stamp=9999")
    assert (query.sn, query.is_handshake, query.table, query.stamp) == (SN, True, "ATTLOG", "9999")


def test_poll_with_info():
    query = codec.parse_query(
        f"SN={SN}&INFO=Ver%208.0.4-20180102,12,20,530,192.168.1.20,10,7,12,3,111"
    )
    assert query.info == codec.DeviceInfo(
        firmware="Ver 8.0.4-20180102",
        users=12,
        fingerprints=20,
        attendance_records=530,
        ip="192.168.1.20",
        fingerprint_algorithm="10",
        face_algorithm="7",
        face_templates_per_user=12,
        faces=3,
        functions="111",
    )


def test_short_info_is_accepted():
    assert codec.parse_info("Ver 6.60,3") == codec.DeviceInfo(firmware="Ver 6.60", users=3)


@pytest.mark.parametrize(
    "query",
    [
        "options=all",
        "SN=",
        "SN=a%20b",
        "SN=../etc",
        "SN=" + "A" * 65,
        f"SN={SN}&table=AT%0ALOG",
        f"SN={SN}&Stamp=1%3B2",
        f"SN={SN}&pushver=2.4%20x",
        f"SN={SN}&" + "&".join(f"k{i}=v" for i in range(70)),
    ],
)
def test_bad_queries_are_rejected(query):
    with pytest.raises(codec.ProtocolError):
        codec.parse_query(query)


def test_device_builds_its_query():
    assert codec.build_query(SN, table="ATTLOG", Stamp="1") == f"SN={SN}&table=ATTLOG&Stamp=1"


# --- handshake -----------------------------------------------------------------------

HANDSHAKE = f"""GET OPTION FROM: {SN}
ATTLOGStamp=None
OPERLOGStamp=9999
ATTPHOTOStamp=None
ErrorDelay=30
Delay=10
TransTimes=00:00;14:05
TransInterval=1
TransFlag=TransData AttLog{T}OpLog{T}EnrollUser{T}ChgUser{T}EnrollFP{T}ChgFP{T}FACE{T}UserPic
TimeZone=1
Realtime=1
Encrypt=None
ServerVer=2.4.1
PushProtVer=2.4.1
"""


def test_handshake_reply_as_in_the_protocol_document():
    options = codec.ServerOptions(sn=SN, time_zone=1, stamps={"OPERLOG": "9999"})
    assert codec.build_handshake(options).decode() == HANDSHAKE


def test_device_reads_the_handshake_reply():
    reply = codec.parse_handshake(HANDSHAKE.replace("\n", "\r\n"))
    assert reply.sn == SN
    assert reply.number("Delay", 0) == 10
    assert reply.number("errordelay", 0) == 30
    assert reply.number("Missing", 7) == 7
    assert reply.values["encrypt"] == "None"


def test_handshake_reply_must_start_with_its_line():
    with pytest.raises(codec.ProtocolError):
        codec.parse_handshake("OK")


@pytest.mark.parametrize(
    ("minutes", "value"),
    [(0, 0), (60, 1), (-300, -5), (330, 330), (-210, -210), (660, 11), (720, 720), (-720, -720)],
)
def test_time_zone_in_hours_or_minutes(minutes, value):
    assert codec.time_zone_value(minutes) == value


def test_device_options():
    parsed = codec.parse_device_options(
        "FingerFunOn=1,FaceFunOn=1,MultiBioDataSupport=0:1:1:0:0:0:0:0:0:1\n~DeviceName=X,bad"
    )
    assert dict(parsed.items) == {
        "FingerFunOn": "1",
        "FaceFunOn": "1",
        "MultiBioDataSupport": "0:1:1:0:0:0:0:0:0:1",
        "~DeviceName": "X",
    }
    assert len(parsed.errors) == 1
    assert codec.parse_device_options(codec.build_device_options({"A": "1", "B": "2"})).items == (
        ("A", "1"),
        ("B", "2"),
    )


# --- commands ----------------------------------------------------------------------------


def test_user_command_as_in_the_protocol_document():
    user = codec.UserInfo(pin="1001", name="Alice", card="[15CD5B07]")
    assert codec.command_text(codec.Update(user)) == (
        f"DATA UPDATE USERINFO PIN=1001{T}Name=Alice{T}Pri=0{T}Passwd={T}Card=[15CD5B07]"
        f"{T}Grp=1{T}TZ=0000000000000000{T}Verify=-1{T}ViceCard="
    )


def test_a_second_card_goes_as_vice_card_in_decimal():
    user = codec.UserInfo(pin="1", card="123456789", vice_card="987654321")
    assert codec.command_text(codec.Update(user)).endswith(f"{T}ViceCard=987654321")
    with pytest.raises(codec.ProtocolError):
        codec.command_text(codec.Update(codec.UserInfo(pin="1", vice_card="[15CD5B07]")))


def test_fingerprint_and_face_commands_carry_the_base64_length():
    finger = codec.Update(codec.FingerTemplate("1001", 6, TEMPLATE))
    face = codec.Update(codec.FaceTemplate("1001", 0, TEMPLATE))
    size = len(TEMPLATE)
    assert codec.command_text(finger) == (
        f"DATA UPDATE FINGERTMP PIN=1001{T}FID=6{T}Size={size}{T}Valid=1{T}TMP={TEMPLATE}"
    )
    assert codec.command_text(face) == (
        f"DATA UPDATE FACE PIN=1001{T}FID=0{T}Valid=1{T}Size={size}{T}TMP={TEMPLATE}"
    )


@pytest.mark.parametrize("table", ["USERINFO", "FINGERTMP", "FACE"])
def test_delete_commands(table):
    assert codec.command_text(codec.Delete(table, "1002")) == f"DATA DELETE {table} PIN=1002"


@pytest.mark.parametrize(
    "command",
    [
        codec.Update(codec.UserInfo(pin="10 01")),
        codec.Update(codec.UserInfo(pin="")),
        codec.Update(codec.UserInfo(pin="1", card="12a")),
        codec.Update(codec.UserInfo(pin="1", password="12\t34")),
        codec.Update(codec.FingerTemplate("1", 0, "not base64!")),
        codec.Update(codec.FaceTemplate("1", 0, "")),
        codec.Delete("ATTLOG", "1"),
    ],
)
def test_invalid_commands_are_not_built(command):
    with pytest.raises(codec.ProtocolError):
        codec.command_text(command)


def test_a_name_cannot_break_out_of_its_field():
    text = codec.command_text(codec.Update(codec.UserInfo(pin="1", name="A\tPri=14\nC:9:X")))
    assert "\n" not in text
    assert codec.parse_command(text) == codec.Update(codec.UserInfo(pin="1", name="A Pri=14 C:9:X"))


def test_poll_reply_as_in_the_protocol_document():
    user = codec.command_text(codec.Update(codec.UserInfo(pin="1001", name="Alice")))
    body = codec.build_commands([("1201", user), ("1203", "DATA DELETE USERINFO PIN=1002")])
    assert body.decode() == f"C:1201:{user}\nC:1203:DATA DELETE USERINFO PIN=1002\n"
    assert codec.parse_commands(body).items == (
        codec.IssuedCommand("1201", user),
        codec.IssuedCommand("1203", "DATA DELETE USERINFO PIN=1002"),
    )


def test_nothing_to_do_is_ok():
    assert codec.build_commands([]) == b"OK"
    assert codec.parse_commands(b"OK") == codec.Parsed(())


def test_poll_reply_rejects_bad_ids_and_multi_line_commands():
    with pytest.raises(codec.ProtocolError):
        codec.build_commands([("12345678901234567", "REBOOT")])
    with pytest.raises(codec.ProtocolError):
        codec.build_commands([("1", "REBOOT\nC:2:CLEAR DATA")])


def test_device_reads_bad_command_lines_as_errors():
    parsed = codec.parse_commands("C:1:REBOOT\nX:2:REBOOT\nC::REBOOT\nC:3\n")
    assert parsed.items == (codec.IssuedCommand("1", "REBOOT"),)
    assert [e.line for e in parsed.errors] == [2, 3, 4]


def test_device_parses_every_command_it_is_sent():
    finger = codec.FingerTemplate("1001", 6, TEMPLATE)
    face = codec.FaceTemplate("1001", 2, TEMPLATE, valid=3)
    user = codec.UserInfo("1001", "Ann", 14, "1234", "123456789")
    for command in [
        codec.Update(user),
        codec.Update(finger),
        codec.Update(face),
        codec.Delete("USERINFO", "1001"),
        codec.Delete("FINGERTMP", "1001"),
        codec.Delete("FACE", "1001"),
    ]:
        assert codec.parse_command(codec.command_text(command)) == command


def test_device_checks_templates_like_a_terminal():
    good = codec.command_text(codec.Update(codec.FingerTemplate("1", 0, TEMPLATE)))
    with pytest.raises(codec.ProtocolError) as size:
        codec.parse_command(good.replace(f"Size={len(TEMPLATE)}", "Size=3"))
    assert size.value.return_code == -9
    with pytest.raises(codec.ProtocolError) as form:
        codec.parse_command(good.replace("TMP=", "TMP=*"))
    assert form.value.return_code == -11
    with pytest.raises(codec.ProtocolError) as missing:
        codec.parse_command("DATA UPDATE USERINFO Name=Nobody")
    assert missing.value.return_code == -1


@pytest.mark.parametrize(
    "text", ["REBOOT", "DATA QUERY USERINFO PIN=1", "DATA UPDATE BIODATA Pin=1", "CLEAR DATA"]
)
def test_device_leaves_other_commands_unsupported(text):
    assert codec.parse_command(text) == codec.Unsupported(text)


def test_commands_in_words():
    assert codec.describe(codec.Update(codec.UserInfo("7"))) == "user record of 7"
    assert codec.describe(codec.Update(codec.FingerTemplate("7", 5, "A"))) == "fingerprint 5 of 7"
    assert codec.describe(codec.Delete("USERINFO", "7")) == "removal of user 7"
    assert codec.describe(codec.Delete("FACE", "7")) == "removal of faces of 7"


def test_deleting_what_is_not_there_succeeds():
    assert codec.succeeded(codec.Delete("USERINFO", "7"), -10)
    assert not codec.succeeded(codec.Update(codec.FingerTemplate("7", 5, "A")), -10)
    assert codec.succeeded(codec.Update(codec.UserInfo("7")), 0)


# --- results -----------------------------------------------------------------------------


def test_results_as_in_the_protocol_document():
    parsed = codec.parse_results(
        "ID=1201&Return=0&CMD=DATA\nID=1202&Return=-9&CMD=DATA\nID=1203&Return=0&CMD=DATA\n"
    )
    assert parsed.items == (
        codec.CommandResult("1201", 0, "DATA"),
        codec.CommandResult("1202", -9, "DATA"),
        codec.CommandResult("1203", 0, "DATA"),
    )
    assert parsed.errors == ()


def test_multi_line_results():
    parsed = codec.parse_results(
        "ID=5&Return=0&CMD=INFO\r\n~DeviceName=F22\r\nMAC=00:17:61:01:02:03\r\n"
        "ID=6\nSN=CQZ\nReturn=0\nCMD=Shell\nContent=a=b\n"
    )
    assert parsed.items == (
        codec.CommandResult("5", 0, "INFO", (("~DeviceName", "F22"), ("MAC", "00:17:61:01:02:03"))),
        codec.CommandResult("6", 0, "Shell", (("SN", "CQZ"), ("Content", "a=b"))),
    )


def test_malformed_results_are_skipped_one_by_one():
    parsed = codec.parse_results(
        "Return=0\nID=1&Return=0&CMD=DATA\nID=x y&Return=0\nID=2&Return=abc\nID=3&Return=-1001\n"
        "no equals sign\n"
    )
    assert parsed.items == (codec.CommandResult("1", 0, "DATA"), codec.CommandResult("3", -1001))
    assert [e.line for e in parsed.errors] == [1, 3, 4, 6]


def test_device_builds_results():
    results = [
        codec.CommandResult("12", -10, "DATA"),
        codec.CommandResult("13", 0, "INFO", (("A", "1"),)),
    ]
    body = codec.build_results(results)
    assert body == b"ID=12&Return=-10&CMD=DATA\nID=13&Return=0&CMD=INFO\nA=1\n"
    assert codec.parse_results(body).items == tuple(results)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (0, "done (0)"),
        (-10, "no user with that PIN (-10)"),
        (-1001, "capacity full (-1001)"),
        (-77, "error (-77)"),
    ],
)
def test_return_codes_in_words(code, words):
    assert codec.describe_return(code) == words


# --- uploads -------------------------------------------------------------------------------


def test_attendance_upload():
    line = f"1001{T}2025-12-02 08:59:41{T}0{T}1{T}0{T}0{T}0"
    thermal = f"1002{T}2025-12-02 09:00:00{T}1{T}15{T}0{T}0{T}0{T}1{T}36.5{T}97.7"
    parsed = codec.parse_upload("attlog", f"{line}\r\n{thermal}\nbad line\n1003{T}yesterday\n")
    assert parsed.items[0] == codec.UploadLine(
        line, codec.AttLog("1001", datetime(2025, 12, 2, 8, 59, 41), "0", "1", "0", ("0", "0"))
    )
    assert parsed.items[1].record == codec.AttLog(
        "1002",
        datetime(2025, 12, 2, 9, 0, 0),
        "1",
        "15",
        "0",
        ("0", "0", "1", "36.5", "97.7"),
    )
    assert [e.line for e in parsed.errors] == [3, 4]


def test_operation_log_upload_mixes_record_kinds():
    body = "\n".join(
        [
            f"OPLOG 6{T}0{T}2025-12-02 09:01:00{T}1001{T}6{T}0{T}0",
            f"USER PIN=1001{T}Name=Alice{T}Pri=0{T}Passwd={T}Card=[15CD5B07]{T}Grp=1"
            f"{T}TZ=0000000000000000{T}Verify=0{T}ViceCard=",
            f"FP PIN=1001{T}FID=6{T}Size=4{T}Valid=1{T}TMP=QUE=",
            f"FACE PIN=1001{T}FID=0{T}SIZE=4{T}VALID=1{T}TMP=QkI=",
            f"USERPIC PIN=1001{T}FileName=1001.jpg{T}Size=4{T}Content=/9j=",
            f"FVEIN Pin=1001{T}FID=1{T}Index=0{T}Size=4{T}Valid=1{T}Tmp=QUE=",
            "GARBAGE",
            f"USER Name=NoPin{T}Pri=0",
        ]
    )
    parsed = codec.parse_upload("OPERLOG", body)
    assert [item.record for item in parsed.items] == [
        codec.OperLog(6, "0", datetime(2025, 12, 2, 9, 1), ("1001", "6", "0", "0")),
        codec.UserInfo("1001", "Alice", 0, "", "[15CD5B07]", 1, "0000000000000000", 0),
        codec.FingerTemplate("1001", 6, "QUE="),
        codec.FaceTemplate("1001", 0, "QkI="),
        codec.UserPhoto("1001", "/9j=", "1001.jpg"),
        codec.OtherRecord(
            "FVEIN",
            (
                ("Pin", "1001"),
                ("FID", "1"),
                ("Index", "0"),
                ("Size", "4"),
                ("Valid", "1"),
                ("Tmp", "QUE="),
            ),
        ),
    ]
    assert [codec.kind_of(item.record) for item in parsed.items] == [
        "OPLOG",
        "USER",
        "FP",
        "FACE",
        "USERPIC",
        "FVEIN",
    ]
    assert parsed.items[-1].record.pin == "1001"
    assert [e.line for e in parsed.errors] == [7, 8]


def test_biodata_upload():
    line = (
        f"BIODATA Pin=1001{T}No=6{T}Index=0{T}Valid=1{T}Duress=0{T}Type=1{T}MajorVer=12"
        f"{T}MinorVer=0{T}Format=0{T}Tmp=QUE="
    )
    (item,) = codec.parse_upload("BIODATA", line).items
    assert item.record == codec.BioData("1001", 6, 0, 1, "QUE=", 1, 0, "12", "0", 0)


def test_user_query_results_without_type_word():
    (item,) = codec.parse_upload("USERINFO", f"PIN=7{T}Name=Bo").items
    assert item.record == codec.UserInfo("7", "Bo")


def test_unread_tables_are_refused():
    with pytest.raises(codec.ProtocolError):
        codec.parse_upload("ATTPHOTO", b"\xff\xd8")


def test_device_builds_uploads_the_server_reads():
    records: list[codec.Record] = [
        codec.AttLog("1001", datetime(2025, 12, 2, 8, 59, 41)),
        codec.OperLog(30, "0", datetime(2025, 12, 2, 9, 0), ("1001", "0", "0", "0")),
        codec.UserInfo("1001", "Alice", 0, "1234", "42"),
        codec.FingerTemplate("1001", 6, "QUE="),
        codec.FaceTemplate("1001", 0, "QkI="),
        codec.UserPhoto("1001", "/9j=", "1001.jpg"),
        codec.OtherRecord("FVEIN", (("Pin", "1001"), ("Tmp", "QUE="))),
    ]
    body = codec.build_upload(records[:1])
    assert body == f"1001{T}2025-12-02 08:59:41{T}0{T}0{T}0{T}0{T}0\n".encode()
    assert [i.record for i in codec.parse_upload("ATTLOG", body).items] == records[:1]
    body = codec.build_upload(records[1:])
    assert [i.record for i in codec.parse_upload("OPERLOG", body).items] == records[1:]


@pytest.mark.parametrize(("body", "count"), [("OK:9", 9), ("OK: 9", 9), ("OK", 0), ("OK:0\n", 0)])
def test_upload_acknowledgement(body, count):
    assert codec.parse_ack(body) == count


def test_upload_acknowledgement_and_refusal():
    assert codec.build_ack(9) == b"OK:9"
    with pytest.raises(codec.ProtocolError):
        codec.parse_ack("unknown table")


# --- whatever the network sends --------------------------------------------------------------

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
noise = st.one_of(st.binary(max_size=300), text)
line_parts = st.lists(
    st.sampled_from(
        [
            "ID=",
            "Return=",
            "&",
            "\t",
            "\n",
            "\r",
            "=",
            "C:",
            ":",
            "1",
            "-",
            "PIN=",
            "USER ",
            "OPLOG ",
            "2025-12-02 08:59:41",
            "TMP=",
            "Size=",
            " ",
        ]
    ),
    max_size=40,
).map("".join)


@given(st.one_of(noise, line_parts))
def test_parsers_raise_nothing_but_protocol_errors(data):
    for parse in (
        codec.parse_results,
        codec.parse_commands,
        codec.parse_device_options,
        lambda d: codec.parse_upload("ATTLOG", d),
        lambda d: codec.parse_upload("OPERLOG", d),
        lambda d: codec.parse_upload("USERINFO", d),
    ):
        parse(data)
    as_text = data if isinstance(data, str) else data.decode("latin-1")
    for strict in (codec.parse_query, codec.parse_command, codec.parse_handshake, codec.parse_ack):
        try:
            strict(as_text)
        except codec.ProtocolError:
            pass


names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@given(
    pin=st.from_regex(r"[0-9]{1,9}", fullmatch=True),
    name=names,
    privilege=st.sampled_from([0, 2, 14]),
    password=st.from_regex(r"[0-9]{0,8}", fullmatch=True),
    card=st.one_of(st.just(""), st.from_regex(r"[1-9][0-9]{0,9}", fullmatch=True)),
    vice_card=st.one_of(st.just(""), st.from_regex(r"[1-9][0-9]{0,9}", fullmatch=True)),
)
def test_user_records_survive_the_wire(pin, name, privilege, password, card, vice_card):
    user = codec.UserInfo(pin, name, privilege, password, card, vice_card=vice_card)
    parsed = codec.parse_command(codec.command_text(codec.Update(user)))
    assert parsed == codec.Update(
        codec.UserInfo(pin, codec._free_text(name), privilege, password, card, vice_card=vice_card)
    )
