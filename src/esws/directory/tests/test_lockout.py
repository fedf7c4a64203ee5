"""Password guessing through getSyncToken: locked out, same answer, no hashing, logged."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from lxml import etree

from esws.directory import auth
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
    # The process's hash for unknown usernames is made once, by the hasher of the day.
    auth._dummy_hash.cache_clear()
    yield
    auth._dummy_hash.cache_clear()


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


def _race(url: str, bodies: list[bytes]) -> list[str]:
    """POST every body at once from its own thread; the return strings in order."""
    import threading
    import urllib.request

    barrier = threading.Barrier(len(bodies))
    answers: list[str] = [""] * len(bodies)

    def post(i: int) -> None:
        request = urllib.request.Request(url, data=bodies[i], headers={"Content-Type": "text/xml"})
        barrier.wait()
        with urllib.request.urlopen(request, timeout=120) as response:
            answers[i] = etree.fromstring(response.read()).findtext(".//return")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return answers


@pytest.mark.e2e
def test_simultaneous_logins_with_the_right_password_all_pass(live_service, demo):
    user_id = str(demo.person.pk)
    answers = _race(
        live_service + "/webservicesesws",
        [seed_request(CODE, USERNAME, PASSWORD, user_id)] * 24,
    )
    assert all(len(answer) == 128 for answer in answers), answers


@pytest.mark.e2e
def test_simultaneous_guesses_cannot_slip_past_the_limit(live_service, demo):
    from esws.directory.models import LoginThrottle

    user_id = str(demo.person.pk)
    guesses = [seed_request(CODE, USERNAME, f"guess-{i}", user_id) for i in range(24)]
    answers = _race(live_service + "/webservicesesws", guesses)
    assert answers == [NO_ADMIN] * 24
    # Each counted failure is one verified guess: the guesses verified at once
    # (2 web processes x their hashing slots) may pass the limit of 5 together.
    at_once = 2 * django_settings.ESWS_PASSWORD_HASH_SLOTS  # the service's default, as here
    row = LoginThrottle.objects.get(key=f"user:{demo.company.pk}:{USERNAME}")
    assert 5 <= row.failures <= 5 + at_once - 1 and row.locked_until is not None
    right = seed_request(CODE, USERNAME, PASSWORD, user_id)
    assert _race(live_service + "/webservicesesws", [right]) == [NO_ADMIN]


def admin_site_login(client, password: str) -> bool:
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "operator", "password": password},
        REMOTE_ADDR="192.0.2.30",
    )
    return response.status_code == 302


def test_operators_guessing_at_the_admin_site_are_locked_out(client, db, counting, caplog):
    from django.contrib.auth.models import User

    from esws.directory import throttle
    from esws.directory.models import LoginThrottle

    User.objects.create_superuser("operator", password="operator-password")
    assert admin_site_login(client, "operator-password")
    client.logout()
    assert [admin_site_login(client, f"guess-{i}") for i in range(5)] == [False] * 5
    hashed_before_lockout = verifications
    assert not admin_site_login(client, "operator-password")  # refused during the lockout
    assert verifications == hashed_before_lockout  # without hashing
    assert "lockout: operator:operator" in caplog.text
    assert "operator-password" not in caplog.text

    throttle.lift(throttle.operator_key("operator"))
    LoginThrottle.objects.filter(key="addr:192.0.2.30").delete()
    assert admin_site_login(client, "operator-password")
