"""A PUSH terminal at its own location, and a device that talks to the server in-process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from esws.directory.demo import Demo
from esws.directory.models import Access, Location, Person, Terminal
from esws.sync import runs
from esws.sync.models import SyncRun
from esws.terminals.push import codec
from esws.terminals.push.emulator import Emulator

SN = "CQZ7231260012"


@pytest.fixture
def push_terminal(demo: Demo) -> Terminal:
    location = Location.objects.create(company=demo.company, name="Push door")
    Access.objects.create(person=demo.person, location=location)
    return Terminal.objects.create(
        company=demo.company,
        location=location,
        serial_number=SN,
        name="Push door",
        driver=Terminal.Driver.PUSH,
    )


def expected_user(person: Person) -> dict[str, Any]:
    """How a terminal holds the person after a sync with the default filter."""
    credentials = list(person.credentials.order_by("kind", "slot"))
    cards = [c.value for c in credentials if c.kind == "card"]
    return {
        "name": person.full_name,
        "privilege": 0,
        "password": person.pin,
        "card": cards[0] if cards else "",
        "vice_card": cards[1] if len(cards) > 1 else "",
        "group": 1,
        "time_zones": "0000000000000000",
        "verify": -1,
        "fingerprints": {str(c.slot): c.value for c in credentials if c.kind == "fingerprint"},
        "faces": {str(c.slot): c.value for c in credentials if c.kind == "face"},
    }


def sync(demo: Demo, terminal: Terminal) -> SyncRun:
    """A sync run as the console starts it, carried out here instead of in a worker."""
    run = runs.start(demo.admin, demo.person, terminal.location)
    runs.execute(run.pk)
    run.refresh_from_db()
    return run


@dataclass
class Device:
    """The emulator's user table driven through the Django test client."""

    client: Client
    sn: str = SN

    def __post_init__(self) -> None:
        self.emulator = Emulator("http://unused", self.sn)

    def get(self, path: str, **params: str):
        return self.client.get(f"/iclock/{path}?{codec.build_query(self.sn, **params)}")

    def post(self, path: str, body: bytes | str, **params: str):
        url = f"/iclock/{path}?{codec.build_query(self.sn, **params)}"
        return self.client.post(url, data=body, content_type="text/plain")

    def handshake(self):
        return self.get("cdata", options="all", pushver="2.4.1", language="69")

    def poll(self) -> list[codec.IssuedCommand]:
        response = self.get("getrequest")
        assert response.status_code == 200
        parsed = codec.parse_commands(response.content)
        assert parsed.errors == ()
        return list(parsed.items)

    def answer(self, commands: list[codec.IssuedCommand], codes: dict[str, int] | None = None):
        """Carry the commands out (or answer the given codes) and post the results."""
        results = []
        for issued in commands:
            code = (codes or {}).get(issued.id)
            if code is None:
                code = self.emulator.execute(issued.text)
            results.append(codec.CommandResult(issued.id, code, issued.verb))
        response = self.post("devicecmd", codec.build_results(results))
        assert response.status_code == 200
        assert response.content == b"OK"
        return response


@pytest.fixture
def device(client: Client) -> Device:
    return Device(client)
