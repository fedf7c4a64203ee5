"""The ZKTeco PUSH wire format, sans I/O.

Typed values in, bytes out, and back, for both ends of the conversation: the
server side (read device requests, build handshake replies and commands) and
the device side (read commands, build results and uploads), so the emulator
and the tests speak exactly what the server reads. Nothing here touches
Django, sockets or files; bad input raises ProtocolError and nothing else.

Wire rules: LF-separated lines; fields are ``key=value`` separated by TAB,
keys case-insensitive, split at the first ``=`` (base64 values end in ``=``);
upload records start with a type word and a space. Text is UTF-8 (terminals
set to Chinese send GB2312, which is not supported: it decodes as U+FFFD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

TAB = "\t"
OK = b"OK"
PROTOCOL_VERSION = "2.4.1"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PIN = re.compile(r"[A-Za-z0-9]{1,24}")
_COMMAND_ID = re.compile(r"[A-Za-z0-9]{1,16}")
_NUMBER = re.compile(r"-?[0-9]{1,9}")
_DIGITS = re.compile(r"[0-9]{0,24}")
_CARD = re.compile(r"[0-9]{1,20}|\[[0-9A-Fa-f]{8}\]")
_VICE_CARD = re.compile(r"[0-9]{1,20}")  # decimal only
_TIME_ZONES = re.compile(r"[0-9]{16}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_TABLE = re.compile(r"[A-Za-z]{1,32}")
_KIND = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
_STAMP = re.compile(r"[A-Za-z0-9]{0,32}")
_VERSION = re.compile(r"[\w.-]{0,16}")
_LANGUAGE = re.compile(r"[0-9]{0,4}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ProtocolError(ValueError):
    """Input that does not follow the protocol.

    ``line`` is the 1-based line of a multi-line body (0: not line-bound);
    ``return_code`` is what a device answers for a command it rejects.
    """

    def __init__(self, reason: str, *, line: int = 0, return_code: int = -1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.return_code = return_code

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


T = TypeVar("T")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """What a multi-line body yielded: the good items, and one error per skipped line."""

    items: tuple[T, ...]
    errors: tuple[ProtocolError, ...] = ()


# What terminals answer in devicecmd's Return=, in words for the sync page.
RETURN_CODES: dict[int, str] = {
    0: "done",
    -1: "bad parameter",
    -2: "user photo length does not match its size",
    -3: "read or write error",
    -9: "template length does not match its size",
    -10: "no user with that PIN",
    -11: "bad fingerprint template format",
    -12: "bad fingerprint template",
    -30: "template algorithm does not match",
    -1001: "capacity full",
    -1002: "not supported",
    -1003: "timeout",
    -1004: "data inconsistent with the terminal's configuration",
    -1005: "terminal busy",
    -1006: "data too long",
    -1007: "memory error",
    -1008: "could not fetch data from the server",
}


def describe_return(code: int) -> str:
    """A Return code in words, with the code for support: ``capacity full (-1001)``."""
    return f"{RETURN_CODES.get(code, 'error')} ({code})"


# --- text helpers -----------------------------------------------------------


def _decode(data: bytes | str) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")


def _lines(data: bytes | str) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; CRLF is accepted."""
    for number, line in enumerate(_decode(data).split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield number, line


def _fields(text: str) -> dict[str, str]:
    """TAB-separated ``key=value`` fields; keys lower-cased, the first of a repeated key wins."""
    out: dict[str, str] = {}
    for key, value in _pairs(text):
        out.setdefault(key.lower(), value)
    return out


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for piece in text.split(TAB):
        if not piece.strip():
            continue
        key, sep, value = piece.partition("=")
        if not sep or not key.strip():
            raise ProtocolError(f"field without a key: {piece[:40]!r}")
        pairs.append((key.strip(), value))
    return pairs


def _join(pairs: Iterable[tuple[str, object]]) -> str:
    return TAB.join(f"{key}={value}" for key, value in pairs)


def _number(fields: Mapping[str, str], key: str, default: int | None = None) -> int:
    raw = fields.get(key, "").strip()
    if not raw and default is not None:
        return default
    if not _NUMBER.fullmatch(raw):
        raise ProtocolError(f"{key} is missing or not a number")
    return int(raw)


def _pin(value: str) -> str:
    if not _PIN.fullmatch(value):
        raise ProtocolError(f"invalid PIN {value[:30]!r}")
    return value


def _required(fields: Mapping[str, str], key: str) -> str:
    if key not in fields:
        raise ProtocolError(f"{key} is missing")
    return fields[key]


def _time(value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), TIME_FORMAT)
    except ValueError:
        raise ProtocolError(f"invalid time {value[:30]!r}") from None


def _checked(value: str, pattern: re.Pattern[str], name: str) -> str:
    if not pattern.fullmatch(value):
        raise ProtocolError(f"invalid {name} {value[:30]!r}")
    return value


def _free_text(value: str) -> str:
    """A name fit for one field: TAB or LF would start another field or command."""
    return _CONTROL.sub(" ", value).strip()


# --- device requests: the URL ----------------------------------------------


@dataclass(frozen=True)
class DeviceInfo:
    """The status a terminal reports with ``INFO=`` on a poll (fields it leaves out are empty)."""

    firmware: str
    users: int | None = None
    fingerprints: int | None = None
    attendance_records: int | None = None
    ip: str = ""
    fingerprint_algorithm: str = ""
    face_algorithm: str = ""
    face_templates_per_user: int | None = None
    faces: int | None = None
    functions: str = ""


def parse_info(value: str) -> DeviceInfo:
    """``Ver 8.0.4-20180102,12,20,530,192.168.1.20,10,7,12,3,111``; lenient, it is informative."""
    parts = [_free_text(p)[:100] for p in value.split(",")]
    parts += [""] * (10 - len(parts))

    def count(i: int) -> int | None:
        return int(parts[i]) if parts[i].isascii() and parts[i].isdigit() else None

    return DeviceInfo(
        firmware=parts[0],
        users=count(1),
        fingerprints=count(2),
        attendance_records=count(3),
        ip=parts[4],
        fingerprint_algorithm=parts[5],
        face_algorithm=parts[6],
        face_templates_per_user=count(7),
        faces=count(8),
        functions=parts[9],
    )


@dataclass(frozen=True)
class DeviceQuery:
    """What every device request carries in its URL; ``sn`` identifies the terminal."""

    sn: str
    options: str = ""
    pushver: str = ""
    language: str = ""
    table: str = ""
    stamp: str = ""
    info: DeviceInfo | None = None

    @property
    def is_handshake(self) -> bool:
        return self.options.lower() == "all"


def parse_query(query: str) -> DeviceQuery:
    """A request's query string, e.g. ``SN=CQZ7231260012&options=all&pushver=2.4.1``."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=64)
    except ValueError:
        raise ProtocolError("too many URL parameters") from None
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key.lower(), value)
    info = values.get("info", "")
    return DeviceQuery(
        sn=_checked(values.get("sn", ""), _SERIAL, "SN"),
        options=values.get("options", "")[:16],
        pushver=_checked(values.get("pushver", ""), _VERSION, "pushver"),
        language=_checked(values.get("language", ""), _LANGUAGE, "language"),
        table=_checked(values.get("table", ""), _TABLE, "table") if "table" in values else "",
        stamp=_checked(values.get("stamp", ""), _STAMP, "Stamp"),
        info=parse_info(info) if info else None,
    )


def build_query(sn: str, **params: str) -> str:
    """Device side: the query string of a request."""
    return urlencode({"SN": sn, **params})


# --- handshake ---------------------------------------------------------------

STAMPED_TABLES = ("ATTLOG", "OPERLOG", "ATTPHOTO")
TRANS_FLAG = ("AttLog", "OpLog", "EnrollUser", "ChgUser", "EnrollFP", "ChgFP", "FACE", "UserPic")


def time_zone_value(offset_minutes: int) -> int:
    """TimeZone as terminals read it: hours if whole and within (-12, 12), else minutes."""
    hours, rest = divmod(offset_minutes, 60)
    return hours if rest == 0 and -12 < hours < 12 else offset_minutes


@dataclass(frozen=True)
class ServerOptions:
    """The handshake reply: how the terminal is to behave towards this server."""

    sn: str
    delay: int = 10
    error_delay: int = 30
    time_zone: int = 0  # see time_zone_value
    realtime: bool = True
    trans_times: str = "00:00;14:05"
    trans_interval: int = 1
    trans_flag: tuple[str, ...] = TRANS_FLAG
    stamps: Mapping[str, str] = field(default_factory=dict)
    server_version: str = PROTOCOL_VERSION
    push_version: str = PROTOCOL_VERSION


def build_handshake(options: ServerOptions) -> bytes:
    """``GET OPTION FROM: <SN>`` and the options, one ``key=value`` a line.

    Stamps the server has stored go back to the terminal, so it resumes its
    uploads where they stopped; ``None`` for tables it never uploaded.
    """
    stamps = {table: "None" for table in STAMPED_TABLES} | dict(options.stamps)
    lines = [f"GET OPTION FROM: {_checked(options.sn, _SERIAL, 'SN')}"]
    lines += [f"{table}Stamp={stamp}" for table, stamp in stamps.items()]
    lines += [
        f"ErrorDelay={options.error_delay}",
        f"Delay={options.delay}",
        f"TransTimes={options.trans_times}",
        f"TransInterval={options.trans_interval}",
        "TransFlag=TransData " + TAB.join(options.trans_flag),
        f"TimeZone={options.time_zone}",
        f"Realtime={int(options.realtime)}",
        "Encrypt=None",
        f"ServerVer={options.server_version}",
        f"PushProtVer={options.push_version}",
    ]
    return ("\n".join(lines) + "\n").encode()


@dataclass(frozen=True)
class HandshakeReply:
    """Device side: the options the server sent, keys lower-cased."""

    sn: str
    values: Mapping[str, str]

    def number(self, key: str, default: int) -> int:
        raw = self.values.get(key.lower(), "")
        return int(raw) if _NUMBER.fullmatch(raw) else default


def parse_handshake(body: bytes | str) -> HandshakeReply:
    lines = [line for _, line in _lines(body)]
    head = "GET OPTION FROM:"
    if not lines or not lines[0].upper().startswith(head):
        raise ProtocolError("not a handshake reply")
    values: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition("=")
        if sep:
            values.setdefault(key.strip().lower(), value.strip())
    return HandshakeReply(lines[0][len(head) :].strip(), values)


def parse_device_options(body: bytes | str) -> Parsed[tuple[str, str]]:
    """``POST cdata?table=options``: ``Key=Val,Key=Val,...`` (line breaks accepted too)."""
    items, errors = [], []
    for number, line in _lines(body):
        for piece in line.split(","):
            key, sep, value = piece.partition("=")
            key = key.strip()
            if not sep or not key or len(key) > 64:
                errors.append(ProtocolError(f"not an option: {piece[:40]!r}", line=number))
            else:
                items.append((key, _free_text(value)[:256]))
    return Parsed(tuple(items), tuple(errors))


def build_device_options(options: Mapping[str, str]) -> bytes:
    """Device side: the body of ``table=options``."""
    return ",".join(f"{key}={value}" for key, value in options.items()).encode()


# --- records: what commands write and uploads report --------------------------


@dataclass(frozen=True)
class UserInfo:
    """A user record: ``DATA UPDATE USERINFO`` going down, ``USER`` coming up."""

    pin: str
    name: str = ""
    privilege: int = 0  # 0 user, 2 enroller, 6 admin, 14 super admin
    password: str = ""
    card: str = ""  # decimal, or 4 bytes hex least significant first in brackets
    group: int = 1
    time_zones: str = "0000000000000000"
    verify: int = -1  # -1: the group's verification mode
    vice_card: str = ""  # a second card, decimal


@dataclass(frozen=True)
class FingerTemplate:
    """``DATA UPDATE FINGERTMP`` going down, ``FP`` coming up; fid is the finger, 0-9."""

    pin: str
    fid: int
    template: str  # base64
    valid: int = 1


@dataclass(frozen=True)
class FaceTemplate:
    """``DATA UPDATE FACE`` going down, ``FACE`` coming up."""

    pin: str
    fid: int
    template: str  # base64
    valid: int = 1


@dataclass(frozen=True)
class BioData:
    """A unified template (palm, visible-light face, newer fingerprints), ``BIODATA``."""

    pin: str
    no: int
    index: int
    type: int
    template: str
    valid: int = 1
    duress: int = 0
    major_version: str = ""
    minor_version: str = ""
    format: int = 0


@dataclass(frozen=True)
class UserPhoto:
    """``USERPIC``: a user's photo, base64 JPEG."""

    pin: str
    content: str
    file_name: str = ""


@dataclass(frozen=True)
class AttLog:
    """One punch. The time is the terminal's local time; the protocol gives no zone."""

    pin: str
    time: datetime
    status: str = "0"
    verify: str = "0"
    work_code: str = "0"
    reserved: tuple[str, ...] = ("0", "0")


@dataclass(frozen=True)
class OperLog:
    """``OPLOG``: an audit entry (code 6 fingerprint enrolled, 9 user deleted, 30 enrolled...)."""

    code: int
    admin: str
    time: datetime
    objects: tuple[str, ...] = ()


@dataclass(frozen=True)
class OtherRecord:
    """A record kind this codec only carries (``FVEIN``, ``BIOPHOTO``, ...), fields as sent."""

    kind: str
    fields: tuple[tuple[str, str], ...]

    @property
    def pin(self) -> str:
        return next((v for k, v in self.fields if k.lower() == "pin"), "")


Record = (
    AttLog | OperLog | UserInfo | FingerTemplate | FaceTemplate | BioData | UserPhoto | OtherRecord
)


_KINDS: dict[type, str] = {
    AttLog: "ATTLOG",
    OperLog: "OPLOG",
    UserInfo: "USER",
    FingerTemplate: "FP",
    FaceTemplate: "FACE",
    BioData: "BIODATA",
    UserPhoto: "USERPIC",
}


def kind_of(record: Record) -> str:
    """A record's type word on the wire (ATTLOG for punches, which carry none)."""
    return record.kind if isinstance(record, OtherRecord) else _KINDS[type(record)]


def _user_fields(user: UserInfo) -> str:
    card = user.card and _checked(user.card, _CARD, "card")
    vice_card = user.vice_card and _checked(user.vice_card, _VICE_CARD, "second card")
    return _join(
        [
            ("PIN", _pin(user.pin)),
            ("Name", _free_text(user.name)),
            ("Pri", user.privilege),
            ("Passwd", _checked(user.password, _DIGITS, "password")),
            ("Card", card),
            ("Grp", user.group),
            ("TZ", _checked(user.time_zones, _TIME_ZONES, "TZ")),
            ("Verify", user.verify),
            # Always sent, so that a second card taken away leaves the terminal too.
            ("ViceCard", vice_card),
        ]
    )


def _template(value: str) -> str:
    return _checked(value, _BASE64, "template")


def _finger_fields(finger: FingerTemplate) -> str:
    template = _template(finger.template)
    return _join(
        [
            ("PIN", _pin(finger.pin)),
            ("FID", finger.fid),
            ("Size", len(template)),
            ("Valid", finger.valid),
            ("TMP", template),
        ]
    )


def _face_fields(face: FaceTemplate) -> str:
    template = _template(face.template)
    return _join(
        [
            ("PIN", _pin(face.pin)),
            ("FID", face.fid),
            ("Valid", face.valid),
            ("Size", len(template)),
            ("TMP", template),
        ]
    )


def _parse_user(fields: Mapping[str, str]) -> UserInfo:
    return UserInfo(
        pin=_pin(_required(fields, "pin")),
        name=_free_text(fields.get("name", "")),
        privilege=_number(fields, "pri", 0),
        password=fields.get("passwd", fields.get("password", "")),
        card=fields.get("card", ""),
        group=_number(fields, "grp", 1),
        time_zones=fields.get("tz", "") or "0000000000000000",
        verify=_number(fields, "verify", -1),
        vice_card=fields.get("vicecard", ""),
    )


def _parse_template(fields: Mapping[str, str], check: bool) -> tuple[str, int, str, int]:
    """PIN, FID, template and Valid; ``check``: as a device would before storing it."""
    template = _required(fields, "tmp")
    if check:
        if not _BASE64.fullmatch(template):
            raise ProtocolError("the template is not base64", return_code=-11)
        if _number(fields, "size") != len(template):
            raise ProtocolError("the template's length differs from Size", return_code=-9)
    pin = _pin(_required(fields, "pin"))
    return pin, _number(fields, "fid"), template, _number(fields, "valid", 1)


# --- commands: server to device ---------------------------------------------------

DELETABLE = ("USERINFO", "FINGERTMP", "FACE")


@dataclass(frozen=True)
class Update:
    """``DATA UPDATE``: an upsert of one record."""

    record: UserInfo | FingerTemplate | FaceTemplate


@dataclass(frozen=True)
class Delete:
    """``DATA DELETE <table> PIN=``: the user, or all of a user's fingerprints or faces."""

    table: str
    pin: str


@dataclass(frozen=True)
class Unsupported:
    """Device side: a command the emulated device does not carry out."""

    text: str


Command = Update | Delete


def command_text(command: Command) -> str:
    """A command as it follows ``C:<id>:`` on the wire."""
    if isinstance(command, Delete):
        if command.table not in DELETABLE:
            raise ProtocolError(f"no DATA DELETE for table {command.table[:20]!r}")
        return f"DATA DELETE {command.table} PIN={_pin(command.pin)}"
    record = command.record
    if isinstance(record, UserInfo):
        return "DATA UPDATE USERINFO " + _user_fields(record)
    if isinstance(record, FingerTemplate):
        return "DATA UPDATE FINGERTMP " + _finger_fields(record)
    return "DATA UPDATE FACE " + _face_fields(record)


def parse_command(text: str) -> Update | Delete | Unsupported:
    """Device side: one command's text; ProtocolError carries the Return code to answer."""
    words = text.split(" ", 3)
    if len(words) < 4 or words[0] != "DATA" or words[1] not in {"UPDATE", "DELETE"}:
        return Unsupported(text)
    _, action, table, rest = words
    fields = _fields(rest)
    if action == "DELETE":
        if table not in DELETABLE:
            return Unsupported(text)
        return Delete(table, _pin(_required(fields, "pin")))
    if table == "USERINFO":
        return Update(_parse_user(fields))
    if table == "FINGERTMP":
        return Update(FingerTemplate(*_parse_template(fields, check=True)))
    if table == "FACE":
        return Update(FaceTemplate(*_parse_template(fields, check=True)))
    return Unsupported(text)


def describe(command: Update | Delete | Unsupported) -> str:
    """What a command does, in words: for the sync page and the emulator's output."""
    if isinstance(command, Unsupported):
        return f"command {command.text[:40]!r}"
    if isinstance(command, Delete):
        what = {"USERINFO": "user", "FINGERTMP": "fingerprints of", "FACE": "faces of"}
        return f"removal of {what[command.table]} {command.pin}"
    record = command.record
    if isinstance(record, UserInfo):
        return f"user record of {record.pin}"
    if isinstance(record, FingerTemplate):
        return f"fingerprint {record.fid} of {record.pin}"
    return f"face template {record.fid} of {record.pin}"


def describe_text(text: str) -> str:
    """A command's text in words, as ``describe`` has it, whether or not it parses."""
    try:
        return describe(parse_command(text))
    except ProtocolError:
        return describe(Unsupported(text))


def succeeded(command: Update | Delete | Unsupported, return_code: int) -> bool:
    """Whether the terminal now holds what the command asked for.

    Deleting what is not there leaves the terminal as wanted, so "no user
    with that PIN" counts as success for deletes.
    """
    return return_code == 0 or (isinstance(command, Delete) and return_code == -10)


@dataclass(frozen=True)
class IssuedCommand:
    """Device side: one ``C:<id>:<text>`` line of a poll reply."""

    id: str
    text: str

    @property
    def verb(self) -> str:
        """What the device echoes in ``CMD=``: ``DATA`` for every DATA command."""
        return self.text.split(" ", 1)[0]


def build_commands(commands: Iterable[tuple[str, str]]) -> bytes:
    """The poll reply: ``C:<id>:<text>`` lines for (id, text) pairs, or ``OK`` when none."""
    lines = []
    for command_id, text in commands:
        if "\n" in text or "\r" in text:
            raise ProtocolError("a command must be one line")
        lines.append(f"C:{_checked(command_id, _COMMAND_ID, 'command id')}:{text}")
    return ("\n".join(lines) + "\n").encode() if lines else OK


def parse_commands(body: bytes | str) -> Parsed[IssuedCommand]:
    """Device side: a poll reply."""
    if _decode(body).strip() == "OK":
        return Parsed(())
    items, errors = [], []
    for number, line in _lines(body):
        prefix, _, rest = line.partition(":")
        command_id, sep, text = rest.partition(":")
        if prefix != "C" or not sep or not _COMMAND_ID.fullmatch(command_id):
            errors.append(ProtocolError("not a C:<id>:<command> line", line=number))
        else:
            items.append(IssuedCommand(command_id, text))
    return Parsed(tuple(items), tuple(errors))


# --- command results: device to server ------------------------------------------


@dataclass(frozen=True)
class CommandResult:
    """One result of ``POST devicecmd``; ``extra`` holds further fields (INFO, Shell output)."""

    id: str
    return_code: int
    cmd: str = ""
    extra: tuple[tuple[str, str], ...] = ()


def build_results(results: Iterable[CommandResult]) -> bytes:
    lines = []
    for result in results:
        lines.append(f"ID={result.id}&Return={result.return_code}&CMD={result.cmd}")
        lines += [f"{key}={value}" for key, value in result.extra]
    return ("\n".join(lines) + "\n").encode()


def parse_results(body: bytes | str) -> Parsed[CommandResult]:
    """``ID=..&Return=..&CMD=..`` lines; a line starting with ``ID=`` starts a new result,
    other ``key=value`` lines belong to the result before them."""
    items: list[CommandResult] = []
    errors: list[ProtocolError] = []
    current: list[tuple[str, str]] = []
    start = 0

    def finish() -> None:
        if not current:
            return
        fields = {key.lower(): value for key, value in reversed(current)}
        try:
            command_id = _checked(fields["id"], _COMMAND_ID, "ID")
            code = _number(fields, "return")
        except ProtocolError as exc:
            errors.append(ProtocolError(exc.reason, line=start))
            return
        extra = tuple((k, v) for k, v in current if k.lower() not in {"id", "return", "cmd"})
        items.append(CommandResult(command_id, code, fields.get("cmd", ""), extra))

    for number, line in _lines(body):
        if line[:3].upper() == "ID=":
            finish()
            current, start = [], number
            pieces = line.split("&")
        elif current:
            pieces = [line]
        else:
            errors.append(ProtocolError("result line before any ID=", line=number))
            continue
        for piece in pieces:
            key, sep, value = piece.partition("=")
            if sep and key.strip():
                current.append((key.strip(), value.strip()))
            else:
                errors.append(ProtocolError(f"not key=value: {piece[:40]!r}", line=number))
    finish()
    return Parsed(tuple(items), tuple(errors))


# --- uploads: device to server ------------------------------------------------------

PARSED_TABLES = ("ATTLOG", "OPERLOG", "BIODATA", "USERINFO")
# Record kind assumed for lines that start with fields instead of a type word.
_DEFAULT_KIND = {"BIODATA": "BIODATA", "USERINFO": "USER"}


@dataclass(frozen=True)
class UploadLine:
    """One uploaded record as it came (to store raw) and as understood."""

    text: str
    record: Record


def _parse_attlog(line: str) -> AttLog:
    parts = line.split(TAB)
    if len(parts) < 2:
        raise ProtocolError("an attendance record needs a PIN and a time")
    status, verify, work_code = [*parts[2:5], "0", "0", "0"][:3]
    pin, time = _pin(parts[0].strip()), _time(parts[1])
    return AttLog(pin, time, status, verify, work_code, tuple(parts[5:]))


def _parse_oplog(rest: str) -> OperLog:
    parts = rest.split(TAB)
    if len(parts) < 3 or not _NUMBER.fullmatch(parts[0].strip()):
        raise ProtocolError("an operation record needs a code, an admin and a time")
    return OperLog(int(parts[0]), parts[1].strip(), _time(parts[2]), tuple(parts[3:]))


def _parse_record(line: str, default_kind: str | None) -> Record:
    head, sep, rest = line.partition(" ")
    if "=" in head or not sep:
        if default_kind is None:
            raise ProtocolError("a record must start with its type")
        kind, rest = default_kind, line
    else:
        kind = head.upper()
    if kind == "OPLOG":
        return _parse_oplog(rest)
    if not _KIND.fullmatch(kind):
        raise ProtocolError(f"unknown record type {head[:20]!r}")
    if kind == "USER":
        return _parse_user(_fields(rest))
    fields = _fields(rest)
    if kind == "FP":
        return FingerTemplate(*_parse_template(fields, check=False))
    if kind == "FACE":
        return FaceTemplate(*_parse_template(fields, check=False))
    if kind == "BIODATA":
        return BioData(
            pin=_pin(_required(fields, "pin")),
            no=_number(fields, "no", 0),
            index=_number(fields, "index", 0),
            type=_number(fields, "type", 0),
            template=_required(fields, "tmp"),
            valid=_number(fields, "valid", 1),
            duress=_number(fields, "duress", 0),
            major_version=fields.get("majorver", ""),
            minor_version=fields.get("minorver", ""),
            format=_number(fields, "format", 0),
        )
    if kind == "USERPIC":
        return UserPhoto(
            _pin(_required(fields, "pin")), _required(fields, "content"), fields.get("filename", "")
        )
    return OtherRecord(kind, tuple(_pairs(rest)))


def parse_upload(table: str, body: bytes | str) -> Parsed[UploadLine]:
    """``POST cdata?table=<table>``: one record a line; bad lines become errors.

    Raises ProtocolError for a table this codec does not read (see PARSED_TABLES).
    """
    table = table.upper()
    if table not in PARSED_TABLES:
        raise ProtocolError(f"table {table[:32]!r} is not read")
    items, errors = [], []
    for number, line in _lines(body):
        try:
            record = (
                _parse_attlog(line)
                if table == "ATTLOG"
                else _parse_record(line, _DEFAULT_KIND.get(table))
            )
        except ProtocolError as exc:
            errors.append(ProtocolError(exc.reason, line=number))
        else:
            items.append(UploadLine(line, record))
    return Parsed(tuple(items), tuple(errors))


def _record_line(record: Record) -> str:
    if isinstance(record, AttLog):
        time = record.time.strftime(TIME_FORMAT)
        fields = [record.pin, time, record.status, record.verify, record.work_code]
        return TAB.join([*fields, *record.reserved])
    if isinstance(record, OperLog):
        time = record.time.strftime(TIME_FORMAT)
        return "OPLOG " + TAB.join([str(record.code), record.admin, time, *record.objects])
    if isinstance(record, UserInfo):
        return "USER " + _user_fields(record)
    if isinstance(record, FingerTemplate):
        return "FP " + _finger_fields(record)
    if isinstance(record, FaceTemplate):
        return "FACE " + _face_fields(record)
    if isinstance(record, BioData):
        pairs: list[tuple[str, object]] = [
            ("Pin", _pin(record.pin)),
            ("No", record.no),
            ("Index", record.index),
            ("Valid", record.valid),
            ("Duress", record.duress),
            ("Type", record.type),
            ("MajorVer", record.major_version),
            ("MinorVer", record.minor_version),
            ("Format", record.format),
            ("Tmp", _template(record.template)),
        ]
        return "BIODATA " + _join(pairs)
    if isinstance(record, UserPhoto):
        content = _template(record.content)
        name = _free_text(record.file_name)
        pairs = [("PIN", _pin(record.pin)), ("FileName", name), ("Size", len(content))]
        return "USERPIC " + _join([*pairs, ("Content", content)])
    return f"{_checked(record.kind, _KIND, 'record type')} " + _join(record.fields)


def build_upload(records: Iterable[Record]) -> bytes:
    """Device side: the body of an upload, one record a line."""
    return ("\n".join(_record_line(record) for record in records) + "\n").encode()


def build_ack(accepted: int) -> bytes:
    """The reply to an upload: ``OK:<records accepted>``; anything else makes the terminal retry."""
    return f"OK:{accepted}".encode()


def parse_ack(body: bytes | str) -> int:
    """Device side: how many records the server accepted (``OK:9``, ``OK: 9`` or bare ``OK``)."""
    text = _decode(body).strip()
    head, _, count = text.partition(":")
    if head != "OK" or not _DIGITS.fullmatch(count.strip()):
        raise ProtocolError(f"the server refused the upload: {text[:60]!r}")
    return int(count) if count.strip() else 0
