"""The sync page, its start (POST) and status (JSON) URLs, and the Done button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from esws.console.scope import KEY
from esws.console.tests.conftest import link, page
from esws.directory.models import Access, Company, Location, Person, Terminal
from esws.sync import runs
from esws.sync.models import SyncRun
from esws.terminals.models import Simulator
from esws.tokens import tokens

JSON = {"HTTP_ACCEPT": "application/json"}


def start(client: Client, person: Person, location_id: object, json: bool = True):
    return client.post(page(person) + "run", {"location": location_id}, **(JSON if json else {}))


def restrict(demo, *locations: Location, **sends: bool) -> None:
    sync_filter = demo.admin.sync_filter
    sync_filter.all_locations = not locations
    for name, value in sends.items():
        setattr(sync_filter, name, value)
    sync_filter.save()
    sync_filter.locations.set(locations)


def test_the_page_shows_who_what_and_where(client, demo, open_link):
    open_link()
    body = client.get(page(demo.person)).content.decode()
    assert "Alice Jansen" in body
    assert f"User ID {demo.person.pk}" in body
    sends = re.search(r'<ul class="chips" id="sends">(.*?)</ul>', body).group(1)
    assert re.findall(r'<li class="chip">(.*?)</li>', sends) == [
        "2 cards",
        "3 fingerprints",
        "1 face",
        "PIN code",
    ]
    assert "Not sent" not in body
    assert "Head office · 2 terminals" in body
    assert "Warehouse · 1 terminal<" in body
    assert '<option value="" selected disabled>Choose a location…</option>' in body
    assert "Synchronize user" in body
    assert "demo-admin" in body and "Demo Company" in body


def test_the_filters_decide_what_is_sent_and_where(client, demo, open_link):
    restrict(demo, demo.location, send_fingerprints=False, send_pin=False)
    open_link()
    body = client.get(page(demo.person)).content.decode()
    sends = re.search(r'<ul class="chips" id="sends">(.*?)</ul>', body).group(1)
    assert re.findall(r'<li class="chip">(.*?)</li>', sends) == ["2 cards", "1 face"]
    assert "Not sent" in body and "3 fingerprints" in body and "Left out by your sync" in body
    assert "Warehouse" not in body
    # The only location is preselected.
    assert f'<option value="{demo.location.pk}" selected>' in body


def test_a_location_synced_before_is_offered_to_remove_the_user(client, demo, open_link):
    """The user lost access to the warehouse: the admin can still take them off its terminals."""
    runs.start(demo.admin, demo.person, demo.other_location)
    Access.objects.filter(person=demo.person, location=demo.other_location).delete()
    open_link()
    body = client.get(page(demo.person)).content.decode()
    assert "Warehouse · 1 terminal · removes the user" in body
    assert "Head office · 2 terminals<" in body


def test_a_user_without_access_anywhere_is_shown_as_a_removal(client, demo, open_link):
    Access.objects.filter(person=demo.person).delete()
    open_link(location=demo.location)
    body = client.get(page(demo.person)).content.decode()
    assert "no access at these locations: a sync removes them" in body
    assert "Head office · 2 terminals · removes the user" in body


def test_an_expired_user_is_shown_as_a_removal(client, demo, open_link):
    demo.person.expires_at = timezone.now() - timedelta(days=1)
    demo.person.save()
    open_link()
    body = client.get(page(demo.person)).content.decode()
    assert "not valid now (expired or not started yet)" in body
    assert "Head office · 2 terminals · removes the user" in body


def test_a_user_with_nothing_to_send_gets_the_name_only(client, demo, open_link):
    chris = Person.objects.get(first_name="Chris")  # a card and a plate, no PIN
    restrict(demo, send_cards=False)
    open_link(person=chris)
    body = client.get(page(chris)).content.decode()
    assert "The user's name only" in body
    assert "removes the user" not in body
    assert "1 card" in body and "1 license plate" in body  # not sent


def test_status_is_idle_before_any_sync(client, demo, open_link):
    open_link()
    response = client.get(page(demo.person) + "status")
    assert response.status_code == 200
    assert response.json()["state"] == "idle"


def test_select_and_press_starts_a_run_and_reports_per_terminal(client, demo, open_link):
    open_link()
    response = start(client, demo.person, demo.location.pk)
    assert response.status_code == 202
    run = SyncRun.objects.get()
    assert (run.admin, run.person, run.location) == (demo.admin, demo.person, demo.location)
    assert client.session[KEY]["run"] == run.pk
    body = response.json()
    assert body["state"] == "queued"
    assert body["title"] == "Synchronizing…"
    assert body["message"] == "Head office: 0 of 2 terminals done."
    assert [(t["name"], t["text"]) for t in body["terminals"]] == [
        ("Main entrance", "Waiting for the terminal"),
        ("Staff door", "Waiting for the terminal"),
    ]
    # A second press while it runs starts nothing.
    again = start(client, demo.person, demo.location.pk)
    assert again.status_code == 409
    assert "already running" in again.json()["error"]
    assert SyncRun.objects.count() == 1

    runs.execute(run.pk)
    status = client.get(page(demo.person) + "status").json()
    assert status["state"] == "done"
    assert status["title"] == "Synchronized"
    assert status["message"] == "All 2 terminals of Head office are up to date."
    assert [t["text"] for t in status["terminals"]] == ["Done", "Done"]
    # The page shows the last result after a reload, with its location selected.
    body = client.get(page(demo.person)).content.decode()
    assert "toast toast--done" in body and "Synchronized" in body
    assert f'<option value="{demo.location.pk}" selected>' in body
    # Once finished, another sync may start.
    assert start(client, demo.person, demo.other_location.pk).status_code == 202
    assert SyncRun.objects.count() == 2


def test_a_failing_terminal_is_reported_in_words(client, demo, open_link):
    staff_door = Terminal.objects.get(serial_number="SIM-HQ-2")
    Simulator.objects.create(terminal=staff_door, online=False)
    open_link(location=demo.location)
    runs.execute(SyncRun.objects.get().pk)
    status = client.get(page(demo.person) + "status").json()
    assert status["state"] == "failed"
    assert status["title"] == "Sync failed"
    assert status["message"] == (
        "1 of 2 terminals failed. Staff door: The terminal did not answer (it is offline)."
    )
    assert [(t["name"], t["status"], t["text"]) for t in status["terminals"]] == [
        ("Main entrance", "done", "Done"),
        ("Staff door", "failed", "Failed: The terminal did not answer (it is offline)."),
    ]


def test_a_location_without_terminals_fails_with_the_reason(client, demo, open_link):
    empty = Location.objects.create(company=demo.company, name="Annex")
    Access.objects.create(person=demo.person, location=empty)
    open_link()
    assert "Annex · 0 terminals" in client.get(page(demo.person)).content.decode()
    start(client, demo.person, empty.pk)
    runs.execute(SyncRun.objects.get().pk)
    status = client.get(page(demo.person) + "status").json()
    assert (status["state"], status["message"]) == ("failed", "This location has no terminals.")


@pytest.mark.parametrize("json", [True, False])
def test_a_location_outside_the_filters_is_refused(client, demo, open_link, json):
    restrict(demo, demo.location)
    open_link()
    response = start(client, demo.person, demo.other_location.pk, json=json)
    assert not SyncRun.objects.exists()
    if json:
        assert response.status_code == 400
        assert response.json() == {"error": "Warehouse is outside your sync filters."}
    else:
        assert response.status_code == 303
        body = client.get(page(demo.person)).content.decode()
        assert "Warehouse is outside your sync filters." in body


@pytest.mark.parametrize("value", ["", "abc", "-1", "999999", "9" * 30, "²", "1 2"])
def test_a_missing_or_unknown_location_is_refused(client, demo, open_link, value):
    open_link()
    response = start(client, demo.person, value)
    assert response.status_code == 400
    assert response.json() == {"error": "Choose a location."}
    assert not SyncRun.objects.exists()


def test_another_companys_location_is_refused(client, demo, open_link):
    other, _ = Company.create("Other")
    foreign = Location.objects.create(company=other, name="Elsewhere")
    open_link()
    assert start(client, demo.person, foreign.pk).status_code == 400
    assert not SyncRun.objects.exists()


def test_without_script_the_form_posts_and_comes_back(client, demo, open_link):
    open_link()
    response = start(client, demo.person, demo.location.pk, json=False)
    assert response.status_code == 303
    assert response["Location"] == page(demo.person)
    body = client.get(page(demo.person)).content.decode()
    assert "toast toast--queued" in body


def test_the_csrf_token_travels_in_the_session(demo, open_link):
    client = Client(enforce_csrf_checks=True)
    client.get(link(tokens.issue(demo.admin, demo.person)))
    assert "csrftoken" not in client.cookies
    assert start(client, demo.person, demo.location.pk).status_code == 403
    body = client.get(page(demo.person)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = client.post(
        page(demo.person) + "run",
        {"location": demo.location.pk, "csrfmiddlewaretoken": csrf},
        **JSON,
    )
    assert response.status_code == 202
    assert "csrftoken" not in response.cookies


def test_done_ends_the_session(client, demo, open_link):
    open_link()
    response = client.post(page(demo.person) + "done")
    assert response.status_code == 303
    assert response["Location"] == "/users/sync/closed/"
    assert response.cookies["esws_session"]["max-age"] == 0
    closed = client.get(response["Location"])
    assert closed.status_code == 200
    assert "You can close this window." in closed.content.decode()
    assert KEY not in client.session
    assert client.get(page(demo.person)).status_code == 403


def test_done_must_be_posted(client, demo, open_link):
    open_link()
    assert client.get(page(demo.person) + "done").status_code == 405
    assert client.get(page(demo.person)).status_code == 200
