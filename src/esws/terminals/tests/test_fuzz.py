"""Fuzzing the PUSH codec: every parser gives a value or a ProtocolError, never a crash.

Budget per strategy from ESWS_FUZZ_EXAMPLES: small in the suite, 100,000 with
./scripts/fuzz. Round trips check that what the server builds, the device
side parses back to the same records.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esws.terminals.push import codec

EXAMPLES = int(os.environ.get("ESWS_FUZZ_EXAMPLES", "300"))
fuzz = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)

WORDS = ["C:", "DATA", "UPDATE", "DELETE", "USERINFO", "FINGERTMP", "FACE", "PIN=", "Pin=",
         "ID=", "Return=", "CMD=", "USER", "FP", "OPLOG", "BIODATA", "TMP=", "Size=", "=", "\t",
         "\n", "\r\n", "&", "1201", "-10", "2025-12-02 08:59:41", "\x00", "é"]  # fmt: skip
tokens = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=40)
bodies = st.one_of(
    st.binary(max_size=2048), tokens.map(lambda t: "".join(t).encode("utf-8", "surrogatepass"))
)
TABLES = [*sorted(codec.PARSED_TABLES), "options", "UNKNOWN", ""]


def tolerant(fn, *args) -> object:
    try:
        return fn(*args)
    except codec.ProtocolError:
        return None


@fuzz
@given(bodies)
def test_device_bodies(body: bytes) -> None:
    for parse in (codec.parse_results, codec.parse_commands, codec.parse_device_options):
        parsed = tolerant(parse, body)
        assert parsed is None or isinstance(parsed, codec.Parsed)
    tolerant(codec.parse_handshake, body)
    tolerant(codec.parse_ack, body)


@fuzz
@given(st.sampled_from(TABLES), bodies)
def test_uploads(table: str, body: bytes) -> None:
    parsed = tolerant(codec.parse_upload, table, body)
    assert parsed is None or all(isinstance(e, codec.ProtocolError) for e in parsed.errors)


@fuzz
@given(st.one_of(st.text(max_size=300), tokens.map("".join)))
def test_queries_and_commands(text: str) -> None:
    tolerant(codec.parse_query, text)
    tolerant(codec.parse_info, text)
    tolerant(codec.parse_command, text)


pins = st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True)
names = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=24)


@fuzz
@given(st.lists(st.tuples(pins, names), min_size=1, max_size=10))
def test_user_commands_round_trip(users: list[tuple[str, str]]) -> None:
    issued = [
        (str(i), codec.command_text(codec.Update(codec.UserInfo(pin=pin, name=name))))
        for i, (pin, name) in enumerate(users, start=1)
    ]
    parsed = codec.parse_commands(codec.build_commands(issued))
    assert not parsed.errors
    for (cmd_id, _), (pin, name), got in zip(issued, users, parsed.items, strict=True):
        assert got.id == cmd_id
        command = codec.parse_command(got.text)
        assert isinstance(command, codec.Update)
        assert (command.record.pin, command.record.name) == (pin, codec._free_text(name))
