"""Token properties: format, uniqueness, digest-only storage, expiry, one redemption."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from esws.tokens import tokens
from esws.tokens.models import SyncToken, TokenEvent


def test_format_is_128_lowercase_hex(demo):
    token = tokens.issue(demo.admin, demo.person, demo.location)
    assert tokens.TOKEN_RE.fullmatch(token)
    assert len(token) == 128


def test_unique_over_many_issues(demo):
    issued = {tokens.issue(demo.admin, demo.person) for _ in range(500)}
    assert len(issued) == 500


def test_only_the_digest_is_stored(demo):
    token = tokens.issue(demo.admin, demo.person, demo.location)
    row = SyncToken.objects.get()
    assert row.digest == tokens.digest(token) != token
    stored = " ".join(str(v) for v in SyncToken.objects.values_list().get())
    stored += " ".join(str(v) for e in TokenEvent.objects.values_list() for v in e)
    assert token not in stored


def test_binds_admin_user_and_location(demo):
    token = tokens.issue(demo.admin, demo.person, demo.location)
    row = tokens.redeem(token)
    assert row is not None
    assert (row.admin, row.person, row.location, row.company) == (
        demo.admin, demo.person, demo.location, demo.company,
    )  # fmt: skip


def test_redeems_once(demo):
    token = tokens.issue(demo.admin, demo.person)
    assert tokens.redeem(token) is not None
    assert tokens.redeem(token) is None
    assert TokenEvent.objects.filter(kind="refused", detail="already used").count() == 1


def test_expired_token_is_refused(demo, settings):
    token = tokens.issue(demo.admin, demo.person)
    SyncToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.redeem(token) is None
    assert TokenEvent.objects.filter(kind="refused", detail="expired").exists()


def test_default_lifetime_is_ten_minutes(demo):
    tokens.issue(demo.admin, demo.person)
    row = SyncToken.objects.get()
    assert row.expires_at - row.issued_at == timedelta(minutes=10)


@pytest.mark.parametrize("bad", ["", "abc", "G" * 128, "A" * 128, "a" * 127, "a" * 129])
def test_malformed_and_unknown_tokens_are_refused(demo, bad):
    assert tokens.redeem(bad) is None
    assert tokens.redeem("a" * 128) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_give_exactly_one_winner():
    from esws.directory.demo import ensure_demo

    demo = ensure_demo()
    token = tokens.issue(demo.admin, demo.person)
    winners: list[bool] = []
    barrier = threading.Barrier(10)

    def attempt() -> None:
        barrier.wait()
        try:
            winners.append(tokens.redeem(token) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(winners) == [False] * 9 + [True]
    assert TokenEvent.objects.filter(kind="redeemed").count() == 1


def test_token_of_a_deactivated_admin_is_refused_and_stays_unused(demo):
    token = tokens.issue(demo.admin, demo.person)
    demo.admin.is_active = False
    demo.admin.save()
    assert tokens.redeem(token) is None
    assert SyncToken.objects.get().redeemed_at is None
    assert TokenEvent.objects.filter(kind="refused", detail="administrator inactive").exists()
