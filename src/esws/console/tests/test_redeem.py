"""GET /users/oneSyncUserLogin/<token>: used once, a fresh scoped session, 303 off the token."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from esws.console.scope import KEY
from esws.console.tests.conftest import link, page
from esws.directory.models import Terminal
from esws.sync.models import SyncRun, TerminalSync
from esws.tokens import tokens
from esws.tokens.models import SyncToken, TokenEvent

INVALID = "This link is invalid or has expired"


def test_redeem_opens_a_scoped_session_and_redirects_away_from_the_token(client, demo):
    token = tokens.issue(demo.admin, demo.person)
    response = client.get(link(token))
    assert response.status_code == 303
    assert response["Location"] == page(demo.person)
    assert token not in response["Location"]
    scope = client.session[KEY]
    row = SyncToken.objects.get()
    assert scope["company"] == demo.company.pk
    assert scope["admin"] == demo.admin.pk
    assert scope["person"] == demo.person.pk
    assert scope["location"] is None
    assert scope["token"] == row.pk
    assert scope["run"] is None
    assert TokenEvent.objects.filter(kind="redeemed", token=row).count() == 1
    assert not SyncRun.objects.exists()
    assert client.get(response["Location"]).status_code == 200


def test_a_redeemed_token_is_refused_the_second_time(client, demo):
    token = tokens.issue(demo.admin, demo.person)
    assert client.get(link(token)).status_code == 303
    client.cookies.clear()
    again = client.get(link(token))
    assert again.status_code == 410
    assert "esws_session" not in again.cookies
    assert TokenEvent.objects.filter(kind="redeemed").count() == 1
    assert TokenEvent.objects.get(kind="refused").detail == "already used"


@pytest.mark.parametrize(
    "token",
    [
        "0" * 128,  # unknown
        "abc",  # too short
        "A" * 128,  # not lowercase hex
        "0" * 127 + "g",
        "0" * 128 + "/extra",
        "%20",
        "",  # the address without a token
    ],
)
def test_unknown_and_malformed_tokens_get_the_invalid_link_page(client, demo, token):
    response = client.get(link(token))
    assert response.status_code == 410
    body = response.content.decode()
    assert INVALID in body
    assert "ask the application you came from for a new one" in body.lower()
    assert "esws_session" not in response.cookies
    assert TokenEvent.objects.filter(kind="refused").count() == 1


def test_an_expired_token_is_refused(client, demo):
    token = tokens.issue(demo.admin, demo.person)
    SyncToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link(token))
    assert response.status_code == 410
    assert "esws_session" not in response.cookies
    assert TokenEvent.objects.get(kind="refused").detail == "expired"


def test_a_refused_link_leaves_an_open_session_alone(client, demo, open_link):
    open_link()
    key = client.session.session_key
    response = client.get(link("f" * 128))
    assert response.status_code == 410
    assert "esws_session" not in response.cookies
    assert client.session.session_key == key
    assert client.get(page(demo.person)).status_code == 200


def test_the_token_of_an_inactive_admin_is_refused(client, demo):
    token = tokens.issue(demo.admin, demo.person)
    demo.admin.is_active = False
    demo.admin.save()
    response = client.get(link(token))
    assert response.status_code == 410
    assert "esws_session" not in response.cookies


def test_head_does_not_consume_the_token(client, demo):
    """Link checkers that only HEAD a URL must not burn it."""
    token = tokens.issue(demo.admin, demo.person)
    assert client.head(link(token)).status_code == 405
    assert client.get(link(token)).status_code == 303


def test_a_planted_session_id_is_replaced(client, demo):
    """Session fixation: whatever session the browser brought, redeem issues a new one."""
    planted = SessionStore()
    planted["_auth_user_id"] = "1"
    planted.create()
    client.cookies["esws_session"] = planted.session_key
    response = client.get(link(tokens.issue(demo.admin, demo.person)))
    assert response.status_code == 303
    new_key = response.cookies["esws_session"].value
    assert new_key != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    assert "_auth_user_id" not in client.session


def test_a_token_with_a_location_starts_the_sync_once(client, demo):
    response = client.get(link(tokens.issue(demo.admin, demo.person, demo.location)))
    assert response.status_code == 303
    run = SyncRun.objects.get()
    assert (run.admin, run.person, run.location) == (demo.admin, demo.person, demo.location)
    assert client.session[KEY]["run"] == run.pk
    terminals = set(Terminal.objects.filter(location=demo.location))
    assert {s.terminal for s in TerminalSync.objects.filter(run=run)} == terminals
    for _ in range(2):  # reloading shows the run, it does not start another
        assert client.get(page(demo.person)).status_code == 200
        assert client.get(page(demo.person) + "status").json()["state"] == "queued"
    assert SyncRun.objects.count() == 1


def test_a_token_location_outside_the_filters_starts_nothing_and_says_why(client, demo):
    sync_filter = demo.admin.sync_filter
    sync_filter.all_locations = False
    sync_filter.save()
    sync_filter.locations.set([demo.other_location])
    response = client.get(link(tokens.issue(demo.admin, demo.person, demo.location)))
    assert response.status_code == 303
    assert not SyncRun.objects.exists()
    body = client.get(page(demo.person)).content.decode()
    assert "Head office is outside your sync filters." in body
    assert "Warehouse" in body


def test_the_token_is_never_logged(client, demo, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.request")
    used = tokens.issue(demo.admin, demo.person, demo.location)
    expired = tokens.issue(demo.admin, demo.person)
    SyncToken.objects.filter(digest=tokens.digest(expired)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(link(used)).status_code == 303
    assert client.get(link(used)).status_code == 410
    assert client.get(link(expired)).status_code == 410
    assert client.get(link(used + "/x")).status_code == 410
    text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert used not in text
    assert expired not in text
    assert "[redacted]" in caplog.text  # django.request did log the 410s, redacted
    assert TokenEvent.objects.filter(kind="redeemed").count() == 1
