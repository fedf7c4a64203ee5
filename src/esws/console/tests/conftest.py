"""Helpers for the console's tests: open a sync link like a browser would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from esws.directory.demo import Demo
from esws.directory.models import Location, Person
from esws.tokens import tokens

OpenLink = Callable[..., object]


def link(token: str) -> str:
    return f"/users/oneSyncUserLogin/{token}"


def page(person: Person) -> str:
    return f"/users/sync/{person.pk}/"


@pytest.fixture
def open_link(client: Client, demo: Demo) -> OpenLink:
    """Issue a token for the demo admin and open its link in the test client."""

    def open_(person: Person | None = None, location: Location | None = None):
        token = tokens.issue(demo.admin, person or demo.person, location)
        return client.get(link(token))

    return open_
