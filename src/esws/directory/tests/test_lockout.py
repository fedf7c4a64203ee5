"""Password guessing through getSyncToken: locked out, same answer, no hashing, logged."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from lxml import etree

from esws.directory.demo import CODE, PASSWORD, USERNAME
from esws.soap.tests.samples import seed_request

NO_ADMIN = "NO ADMIN FOUND BASED ON USERNAME AND PASSWORD"
verifications = 0


class CountingHasher(Argon2PasswordHasher):
    """The real Argon2 hasher, counting verifications so the test can see hashing skipped."""

    time_cost, memory_cost, parallelism = 2, 19 * 1024, 1

    def verify(self, password: str, encoded: str) -> bool:
        global verifications
        verifications += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.ESWS_LOCKOUT_USER_FAILURES = 5
    global verifications
    verifications = 0


def call(client, password: str, address: str = "192.0.2.10") -> str:
    from esws.directory.models import Person

    user_id = str(Person.objects.get(first_name="Alice").pk)
    response = client.post(
        "/webservicesesws",
        seed_request(CODE, USERNAME, password, user_id),
        content_type="text/xml",
        REMOTE_ADDR=address,
    )
    assert response.status_code == 200
    return etree.fromstring(response.content).findtext(".//return")


def test_guessing_locks_the_admin_out_without_hashing(client, demo, counting, caplog):
    assert call(client, PASSWORD).isalnum()  # a token: the right password works first
    answers = [call(client, f"guess-{i}") for i in range(5)]
    assert answers == [NO_ADMIN] * 5
    hashed_before_lockout = verifications
    refused = [call(client, f"guess-more-{i}") for i in range(20)]
    assert refused == [NO_ADMIN] * 20
    assert call(client, PASSWORD) == NO_ADMIN  # correct password during the lockout
    assert call(client, PASSWORD, address="198.51.100.7") == NO_ADMIN  # from elsewhere too
    assert verifications == hashed_before_lockout  # refused attempts cost no hashing
    assert "lockout: user:" in caplog.text
    assert PASSWORD not in caplog.text and CODE not in caplog.text


def test_operator_lifts_the_lockout(client, demo, counting):
    from django.core.management import call_command

    for i in range(5):
        call(client, f"guess-{i}")
    assert call(client, PASSWORD) == NO_ADMIN
    call_command("lockout", "lift", "--company", str(demo.company.pk), "--username", USERNAME)
    assert len(call(client, PASSWORD)) == 128


def test_one_address_guessing_many_usernames_is_locked_out(client, demo, counting, settings):
    settings.ESWS_LOCKOUT_ADDRESS_FAILURES = 10
    for i in range(10):
        response = client.post(
            "/webservicesesws", seed_request(CODE, f"user{i}", "x", "1"),
            content_type="text/xml", REMOTE_ADDR="203.0.113.5",
        )  # fmt: skip
        assert NO_ADMIN.encode() in response.content
    hashed = verifications
    assert call(client, PASSWORD, address="203.0.113.5") == NO_ADMIN
    assert verifications == hashed
    assert len(call(client, PASSWORD, address="203.0.113.6")) == 128
