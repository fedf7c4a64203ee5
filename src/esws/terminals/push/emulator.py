"""An emulated PUSH terminal: handshake, poll, carry out commands, report results.

It talks HTTP with the standard library only and reads and writes the wire
through the same codec as the server, so it behaves as a device on the
network would (``esws terminal-emulator``). Its user table lives in memory
and, given a state file, on disk as JSON that tests and people can read.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from esws.terminals.push import codec

User = dict[str, Any]


class StateFileError(Exception):
    """The --state file exists but holds no user table this emulator wrote."""


class Emulator:
    """One terminal. ``stop()`` may be called from a signal handler."""

    def __init__(
        self,
        server: str,
        sn: str,
        *,
        state_path: Path | None = None,
        delay: float | None = None,
        write: Callable[[str], None] = print,
        timeout: float = 15,
    ) -> None:
        self.server = server.rstrip("/")
        self.sn = sn
        self.state_path = state_path
        self.fixed_delay = delay
        self.poll_delay = delay if delay is not None else 10.0
        self.error_delay = delay if delay is not None else 30.0
        self.write = write
        self.timeout = timeout
        self.stopping = False
        self.users: dict[str, User] = self._load()

    # --- the terminal's memory ---------------------------------------------

    def _load(self) -> dict[str, User]:
        if self.state_path is None or not self.state_path.exists():
            return {}
        try:
            users = json.loads(self.state_path.read_text())["users"]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise StateFileError(
                f"{self.state_path} is not an emulator state file ({exc!r})"
            ) from None
        if not isinstance(users, dict):
            raise StateFileError(f"{self.state_path} is not an emulator state file")
        return users

    def _save(self) -> None:
        """Write the state file whole or not at all: readers never see half of it."""
        if self.state_path is None:
            return
        data = json.dumps({"sn": self.sn, "users": self.users}, indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_path.parent, prefix=".emulator-")
        with os.fdopen(fd, "w") as f:
            f.write(data)
        os.replace(tmp, self.state_path)

    def execute(self, text: str) -> int:
        """Carry out one command on the user table; returns the Return code to report."""
        try:
            command = codec.parse_command(text)
        except codec.ProtocolError as exc:
            return exc.return_code
        if isinstance(command, codec.Unsupported):
            return -1002
        if isinstance(command, codec.Delete):
            user = self.users.get(command.pin)
            if user is None:
                return -10
            if command.table == "USERINFO":
                del self.users[command.pin]
            else:
                user["fingerprints" if command.table == "FINGERTMP" else "faces"].clear()
            return 0
        record = command.record
        if isinstance(record, codec.UserInfo):
            held = self.users.get(record.pin, {"fingerprints": {}, "faces": {}})
            self.users[record.pin] = {
                "name": record.name,
                "privilege": record.privilege,
                "password": record.password,
                "card": record.card,
                "vice_card": record.vice_card,
                "group": record.group,
                "time_zones": record.time_zones,
                "verify": record.verify,
                "fingerprints": held["fingerprints"],
                "faces": held["faces"],
            }
            return 0
        user = self.users.get(record.pin)
        if user is None:
            return -10
        table = "fingerprints" if isinstance(record, codec.FingerTemplate) else "faces"
        user[table][str(record.fid)] = record.template
        return 0

    def show(self) -> None:
        """What the terminal holds, one line a user."""
        if not self.users:
            self.write(f"{self.sn} holds no users.")
            return
        self.write(f"{self.sn} holds {len(self.users)} user(s):")
        for pin, user in sorted(self.users.items()):
            fingers = ", ".join(sorted(user["fingerprints"], key=int)) or "none"
            faces = ", ".join(sorted(user["faces"], key=int)) or "none"
            cards = ", ".join(c for c in (user["card"], user.get("vice_card")) if c) or "none"
            self.write(
                f"  PIN {pin}  {user['name'] or '(no name)'}  privilege {user['privilege']}  "
                f"password {user['password'] or 'none'}  cards {cards}  "
                f"fingerprints {fingers}  faces {faces}"
            )

    # --- the conversation with the server ------------------------------------

    def _request(self, path: str, body: bytes | None = None, **params: str) -> bytes:
        url = f"{self.server}/iclock/{path}?{codec.build_query(self.sn, **params)}"
        request = urllib.request.Request(  # noqa: S310 (the operator's server URL)
            url,
            data=body,
            method="GET" if body is None else "POST",
            headers={"User-Agent": "esws-terminal-emulator", "Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            data: bytes = response.read()
            return data

    def handshake(self) -> None:
        body = self._request("cdata", options="all", pushver=codec.PROTOCOL_VERSION, language="69")
        reply = codec.parse_handshake(body)
        if self.fixed_delay is None:
            self.poll_delay = reply.number("Delay", 10)
            self.error_delay = reply.number("ErrorDelay", 30)
        self.write(f"{self.sn}: connected to {self.server}, polling every {self.poll_delay:g} s")

    def upload_options(self) -> bool:
        """Tell the server about the device, as terminals do once it takes uploads;
        False while it does not (a terminal waiting for approval)."""
        options = {
            "~DeviceName": "esws-terminal-emulator",
            "UserCount": str(len(self.users)),
            "FPCount": str(sum(len(u["fingerprints"]) for u in self.users.values())),
            "FaceCount": str(sum(len(u["faces"]) for u in self.users.values())),
        }
        try:
            self._request("cdata", codec.build_device_options(options), table="options")
        except urllib.error.HTTPError as exc:
            if exc.code == 403:
                return False
            raise
        return True

    def upload_punches(self, pins: Iterable[str]) -> None:
        now = datetime.now().replace(microsecond=0)
        records = [codec.AttLog(pin, now) for pin in pins]
        stamp = str(int(time.time()))
        body = self._request("cdata", codec.build_upload(records), table="ATTLOG", Stamp=stamp)
        accepted = codec.parse_ack(body)
        self.write(f"{self.sn}: uploaded {len(records)} punch(es), {accepted} accepted")

    def poll(self) -> None:
        """One poll: carry out the commands, save, report the results, show the table."""
        reply = codec.parse_commands(self._request("getrequest"))
        for error in reply.errors:
            self.write(f"{self.sn}: ignored a reply line: {error}")
        if not reply.items:
            return
        results = []
        for issued in reply.items:
            code = self.execute(issued.text)
            results.append(codec.CommandResult(issued.id, code, issued.verb))
            what = codec.describe_text(issued.text)
            self.write(f"C:{issued.id} {what}: {codec.describe_return(code)}")
        self._save()
        self._request("devicecmd", codec.build_results(results))
        self.show()

    def run(self, *, once: bool = False, punches: Iterable[str] = ()) -> int:
        """Handshake and poll until stopped (or one round with ``once``); 1 if ``once`` failed.

        After a failure the terminal waits ErrorDelay and starts over with a
        handshake, as devices do; punches are uploaded once the server takes them.
        """
        pending_punches = list(punches)
        connected = options_sent = False
        self.show()
        while not self.stopping:
            try:
                if not connected:
                    self.handshake()
                    connected = True
                if pending_punches:
                    self.upload_punches(pending_punches)
                    pending_punches = []
                self.poll()
                options_sent = options_sent or self.upload_options()
            except (OSError, http.client.HTTPException, codec.ProtocolError) as exc:
                connected = False
                if once:
                    self.write(f"{self.sn}: {_reason(exc)}")
                    return 1
                self.write(f"{self.sn}: {_reason(exc)}; trying again in {self.error_delay:g} s")
                self._sleep(self.error_delay)
                continue
            if once:
                return 0
            self._sleep(self.poll_delay)
        self.write(f"{self.sn}: stopped")
        return 0

    def stop(self) -> None:
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        """Sleep in short slices, so that stop() takes effect at once."""
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.1))


def _reason(exc: Exception) -> str:
    """A failure in words; for an HTTP error, with the reason the server gave."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered {exc.code} {exc.read(200).decode(errors='replace')!r}"
    return str(exc)
