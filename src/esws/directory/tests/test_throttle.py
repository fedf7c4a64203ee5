"""Lockout rules of esws.directory.throttle, on the real database."""

from __future__ import annotations

import pytest

from esws.directory import throttle
from esws.directory.models import LoginThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 3
    settings.ESWS_LOCKOUT_ADDRESS_FAILURES = 5
    return throttle.limits(1, "Alice", "10.0.0.1")


def fail(keys) -> bool:
    admitted = throttle.admit(keys)
    if admitted:
        throttle.failed(keys)
    return admitted


def test_user_is_locked_after_the_limit_and_success_cannot_pass(keys, caplog):
    assert [fail(keys) for _ in range(4)] == [True, True, True, False]
    assert LoginThrottle.objects.get(key="user:1:alice").locked_until is not None
    assert not throttle.admit(keys)  # a correct password would not even be checked
    assert "lockout: user:1:alice" in caplog.text


def test_success_resets_the_user_and_returns_the_address_slot(keys):
    fail(keys)
    fail(keys)
    assert throttle.admit(keys)
    throttle.succeeded(keys)
    assert LoginThrottle.objects.get(key="user:1:alice").failures == 0
    assert LoginThrottle.objects.get(key="addr:10.0.0.1").failures == 2


def test_address_limit_spans_usernames(settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 100
    settings.ESWS_LOCKOUT_ADDRESS_FAILURES = 4
    results = [fail(throttle.limits(1, f"user{i}", "10.0.0.9")) for i in range(6)]
    assert results == [True] * 4 + [False] * 2
    assert fail(throttle.limits(1, "user99", "10.0.0.10"))


def test_lift_ends_a_lockout(keys):
    for _ in range(3):
        fail(keys)
    assert not throttle.admit(keys)
    assert throttle.lift("user:1:alice") == 1
    assert throttle.admit(keys)


def test_username_case_does_not_evade_the_limit(keys, settings):
    for name in ("alice", "ALICE", "Alice"):
        fail(throttle.limits(1, name, ""))
    assert not throttle.admit(throttle.limits(1, "aLiCe", ""))
