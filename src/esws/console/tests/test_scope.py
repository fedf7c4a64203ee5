"""A token-opened session reaches this user's sync page and its URLs, nothing else, for a while."""

from __future__ import annotations

import pytest

from esws.console.scope import KEY, SEEN_RESOLUTION_SECONDS
from esws.console.tests.conftest import page
from esws.directory.models import Company, Location, Person
from esws.sync import runs
from esws.sync.models import SyncRun

ENDED = "Your session has ended"


def urls(person: Person) -> list[tuple[str, str]]:
    base = page(person)
    return [
        ("get", base),
        ("get", base + "status"),
        ("post", base + "run"),
        ("post", base + "done"),
    ]


def age_session(client, seconds: float) -> None:
    session = client.session
    session[KEY] = {**session[KEY], "seen": session[KEY]["seen"] - seconds}
    session.save()


def test_without_a_session_every_console_url_says_it_ended(client, demo):
    for method, url in urls(demo.person):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert ENDED in response.content.decode()


def test_other_people_are_out_of_reach(client, demo, open_link):
    open_link()
    bram = Person.objects.get(first_name="Bram")
    for method, url in urls(bram):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "A sync link opens the console for one user only" in response.content.decode()
    assert not SyncRun.objects.exists()
    # The session itself is not harmed by the attempt.
    assert client.get(page(demo.person)).status_code == 200


def test_the_status_url_answers_json_when_the_session_ended(client, demo):
    response = client.get(page(demo.person) + "status", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["state"] == "ended"


def test_the_session_ends_after_the_idle_time(client, demo, open_link, settings):
    settings.ESWS_CONSOLE_IDLE_SECONDS = 60
    open_link()
    age_session(client, 59)
    assert client.get(page(demo.person)).status_code == 200
    age_session(client, 61)
    response = client.get(page(demo.person))
    assert response.status_code == 403
    assert ENDED in response.content.decode()
    assert KEY not in client.session
    assert client.get(page(demo.person)).status_code == 403


def test_requests_keep_the_session_alive(client, demo, open_link, settings):
    settings.ESWS_CONSOLE_IDLE_SECONDS = 60
    open_link()
    seen = client.session[KEY]["seen"]
    client.get(page(demo.person) + "status")
    assert client.session[KEY]["seen"] == seen  # not rewritten on every poll
    age_session(client, SEEN_RESOLUTION_SECONDS + 1)
    client.get(page(demo.person) + "status")
    assert client.session[KEY]["seen"] >= seen
    age_session(client, 59)
    assert client.get(page(demo.person) + "status").status_code == 200


def test_a_second_link_in_the_same_browser_replaces_the_first(client, demo, open_link):
    open_link()
    bram = Person.objects.get(first_name="Bram")
    open_link(person=bram)
    assert client.get(page(bram)).status_code == 200
    assert client.get(page(demo.person)).status_code == 403


def test_the_session_ends_when_the_admin_is_deactivated(client, demo, open_link):
    open_link()
    demo.admin.is_active = False
    demo.admin.save()
    assert client.get(page(demo.person)).status_code == 403
    assert KEY not in client.session


def test_runs_are_read_through_the_sessions_company(client, demo, open_link):
    """Even a tampered run id in the session cannot show another company's sync."""
    other, _ = Company.create("Other")
    stranger = Person.objects.create(company=other, first_name="Eve")
    foreign = runs.start(None, stranger, Location.objects.create(company=other, name="There"))
    open_link()
    session = client.session
    session[KEY] = {**session[KEY], "run": foreign.pk}
    session.save()
    assert client.get(page(demo.person) + "status").json()["state"] == "idle"


def test_the_session_is_no_login_to_the_admin_site(client, demo, open_link):
    open_link()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_and_status_are_read_only(client, demo, open_link, method):
    open_link()
    for url in (page(demo.person), page(demo.person) + "status"):
        assert getattr(client, method)(url).status_code == 405
