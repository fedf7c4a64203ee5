"""Lockout rules of esws.directory.throttle, on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from esws.directory import throttle
from esws.directory.models import LoginThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 3
    settings.ESWS_LOCKOUT_ADDRESS_FAILURES = 5
    return throttle.limits(throttle.user_key(1, "Alice"), "10.0.0.1")


def fail(keys) -> bool:
    attempt = throttle.admit(keys)
    if attempt:
        throttle.failed(attempt)
    return attempt is not None


def test_user_is_locked_after_the_limit_and_success_cannot_pass(keys, caplog):
    assert [fail(keys) for _ in range(4)] == [True, True, True, False]
    assert LoginThrottle.objects.get(key="user:1:alice").locked_until is not None
    assert throttle.admit(keys) is None  # a correct password would not even be checked
    assert "lockout: user:1:alice" in caplog.text


def test_success_forgets_the_user_failures_not_the_address_ones(keys):
    fail(keys)
    fail(keys)
    attempt = throttle.admit(keys)
    assert attempt is not None and not attempt.clean
    throttle.succeeded(attempt)
    assert not LoginThrottle.objects.filter(key="user:1:alice").exists()
    assert LoginThrottle.objects.get(key="addr:10.0.0.1").failures == 2


def test_successes_alone_write_nothing(keys):
    for _ in range(10):
        attempt = throttle.admit(keys)
        assert attempt is not None and attempt.clean
        throttle.succeeded(attempt)
    assert not LoginThrottle.objects.exists()


def test_address_limit_spans_usernames(settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 100
    settings.ESWS_LOCKOUT_ADDRESS_FAILURES = 4
    results = [
        fail(throttle.limits(throttle.user_key(1, f"user{i}"), "10.0.0.9")) for i in range(6)
    ]
    assert results == [True] * 4 + [False] * 2
    assert fail(throttle.limits(throttle.user_key(1, "user99"), "10.0.0.10"))


def test_lift_ends_a_lockout_of_that_key_only(keys):
    for _ in range(3):
        fail(keys)
    other = throttle.limits(throttle.user_key(1, "alice2"), "10.0.0.11")
    for _ in range(3):
        fail(other)
    assert throttle.admit(keys) is None
    assert throttle.lift("user:1:alice") == 1
    assert throttle.lift("addr:10.0.0.1") == 1
    assert throttle.admit(keys) is not None
    assert throttle.admit(other) is None


def test_a_lockout_ends_by_itself(keys):
    for _ in range(3):
        fail(keys)
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert fail(keys)  # admitted again, and counting starts afresh
    assert LoginThrottle.objects.get(key="user:1:alice").failures == 1


def test_username_case_does_not_evade_the_limit(keys, settings):
    for name in ("alice", "ALICE", "Alice"):
        fail(throttle.limits(throttle.user_key(1, name), ""))
    assert throttle.admit(throttle.limits(throttle.user_key(1, "aLiCe"), "")) is None


def test_an_overlong_username_is_counted_and_locked_like_any_other(settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 3
    # casefold() makes each "ß" two characters: 2,000 of them would not fit the key column.
    keys = throttle.limits(throttle.user_key(1, "ß" * 1000), "10.0.0.2")
    assert [fail(keys) for _ in range(4)] == [True, True, True, False]
    assert LoginThrottle.objects.get(key="addr:10.0.0.2").failures == 3
