"""esws purge: old records go, anything still in use stays."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from esws.directory import throttle
from esws.directory.models import LoginThrottle
from esws.ops.retention import purge
from esws.sync import runs
from esws.sync.models import SyncRun, TerminalSync
from esws.terminals.models import PushCommand, RawUpload
from esws.tokens import tokens
from esws.tokens.models import SyncToken, TokenEvent

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=100)


def history(demo) -> dict[str, object]:
    """One of each record, all from 100 days ago."""
    old_token = tokens.issue(demo.admin, demo.person, demo.location)
    tokens.redeem(old_token)
    tokens.redeem("f" * 128)  # a refused link
    SyncToken.objects.update(issued_at=LONG_AGO, expires_at=LONG_AGO)
    TokenEvent.objects.update(at=LONG_AGO)
    done = runs.start(demo.admin, demo.person, demo.location)
    runs.execute(done.pk)
    SyncRun.objects.filter(pk=done.pk).update(created_at=LONG_AGO, finished_at=LONG_AGO)
    stuck = runs.start(demo.admin, demo.person, demo.other_location)
    SyncRun.objects.filter(pk=stuck.pk).update(created_at=LONG_AGO)
    terminal = demo.location.terminals.first()
    PushCommand.objects.create(terminal=terminal, user_id="1", text="x", settled_at=LONG_AGO)
    unconfirmed = PushCommand.objects.create(terminal=terminal, user_id="1", text="y")
    RawUpload.objects.create(terminal=terminal, table="ATTLOG", kind="ATTLOG", record="1\t2")
    RawUpload.objects.update(received_at=LONG_AGO)
    attempt = throttle.admit(
        throttle.limits(throttle.user_key(demo.company.pk, "guesser"), "10.0.0.9")
    )
    assert attempt is not None
    throttle.failed(attempt)
    LoginThrottle.objects.update(window_started_at=LONG_AGO)
    session = SessionStore()
    session.set_expiry(-1)
    session.create()
    return {"stuck": stuck, "unconfirmed": unconfirmed}


def test_old_records_go_and_what_is_in_use_stays(demo):
    kept = history(demo)
    fresh = tokens.issue(demo.admin, demo.person)
    counts = purge(days=90)
    assert (counts.tokens, counts.token_events, counts.sync_runs) == (1, 3, 1)
    assert (counts.push_commands, counts.sessions, counts.lockout_counters) == (1, 1, 2)
    assert counts.uploads == 0 and RawUpload.objects.count() == 1
    assert [t.digest for t in SyncToken.objects.all()] == [tokens.digest(fresh)]
    assert list(SyncRun.objects.all()) == [kept["stuck"]]
    assert TerminalSync.objects.filter(run=kept["stuck"]).exists()
    assert list(PushCommand.objects.all()) == [kept["unconfirmed"]]
    assert not LoginThrottle.objects.exists()


def test_a_running_lockout_is_kept(demo, settings):
    settings.ESWS_LOCKOUT_USER_FAILURES = 1
    attempt = throttle.admit(throttle.limits(throttle.user_key(demo.company.pk, "guesser"), ""))
    assert attempt is not None
    throttle.failed(attempt)
    LoginThrottle.objects.update(window_started_at=LONG_AGO)
    assert purge(days=90).lockout_counters == 0
    assert LoginThrottle.objects.get().locked_until > timezone.now()


def test_the_command_deletes_uploads_when_asked(demo):
    history(demo)
    out = StringIO()
    call_command("purge", "--days", "90", "--uploads", "--json", stdout=out)
    assert json.loads(out.getvalue())["uploads"] == 1
    assert not RawUpload.objects.exists()
