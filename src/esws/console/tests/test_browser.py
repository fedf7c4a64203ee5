"""The console in Debian's chromium against the real service (gunicorn + task worker).

Every sync is checked twice: on the page (the notification) and in the
simulated terminals' memory. Screenshots of each state go to
artifacts/console/ at the repository root.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from esws.console.tests.conftest import link
from esws.directory.demo import Demo
from esws.directory.models import Person, Terminal
from esws.sync.models import SyncRun
from esws.terminals.models import Simulator, TerminalUser
from esws.testing.processes import running_service
from esws.tokens import tokens
from esws.tokens.models import SyncToken

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: two cores, and other test runs share them.
WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
]

Shot = Callable[[Page, str], None]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread, which
    # makes Django refuse ORM calls; the test's own ORM calls are synchronous.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        expect.set_options(timeout=WAIT_MS)
        with sync_playwright() as p:
            yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot(pytestconfig: pytest.Config) -> Shot:
    folder = pytestconfig.rootpath / "artifacts" / "console"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=folder / f"{name}.png")

    return take


def credentials(person: Person, *kinds: str) -> list[dict[str, object]]:
    """The person's credentials of these kinds, as a terminal holds them (sorted)."""
    rows = person.credentials.filter(kind__in=kinds)
    return sorted(({"kind": c.kind, "slot": c.slot, "value": c.value} for c in rows), key=_order)


def _order(credential: dict[str, object]) -> tuple[str, int, str]:
    return (str(credential["kind"]), int(str(credential["slot"])), str(credential["value"]))


def memory(terminal: Terminal) -> list[tuple[str, str, str, str, list[dict[str, object]]]]:
    return [
        (u.user_id, u.name, u.role, u.pin_code, u.credentials)
        for u in TerminalUser.objects.filter(terminal=terminal)
    ]


def office_terminals(demo: Demo) -> list[Terminal]:
    return list(Terminal.objects.filter(location=demo.location).order_by("serial_number"))


ALICE_ALL = [
    ("card", 0),
    ("card", 1),
    ("face", 0),
    ("fingerprint", 1),
    ("fingerprint", 5),
    ("fingerprint", 6),
]
ALICE_NO_FINGERPRINTS = [("card", 0), ("card", 1), ("face", 0)]


def assert_synced(
    demo: Demo, terminals: list[Terminal], pin: str, slots: list[tuple[str, int]]
) -> None:
    """Each terminal holds Alice exactly so, with these credentials; the warehouse nothing."""
    alice = demo.person
    kinds = sorted({kind for kind, _ in slots})
    assert [(c["kind"], c["slot"]) for c in credentials(alice, *kinds)] == slots
    for terminal in terminals:
        assert memory(terminal) == [
            (str(alice.pk), "Alice Jansen", "user", pin, credentials(alice, *kinds))
        ], terminal
    warehouse = Terminal.objects.get(location=demo.other_location)
    assert memory(warehouse) == []


def toast_lines(page: Page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".toast__terminals li").all_inner_texts()]


def test_a_link_with_a_location_synchronizes_at_once(live_service, demo, page, shot):
    main_entrance, staff_door = office_terminals(demo)
    Simulator.objects.create(terminal=main_entrance, delay_ms=2500)
    token = tokens.issue(demo.admin, demo.person, demo.location)

    page.goto(live_service + link(token))
    assert page.url == f"{live_service}/users/sync/{demo.person.pk}/"
    toast = page.locator("#toast")
    expect(toast.locator(".toast__title")).to_have_text("Synchronizing…")
    expect(page.locator("#sync-form button")).to_be_disabled()
    shot(page, "automatic-running")

    expect(toast).to_have_class("toast toast--done")
    expect(toast.locator(".toast__title")).to_have_text("Synchronized")
    expect(toast.locator(".toast__message")).to_have_text(
        "All 2 terminals of Head office are up to date."
    )
    assert toast_lines(page) == ["Main entrance Done", "Staff door Done"]
    expect(page.locator("#sends li")).to_have_text(
        ["2 cards", "3 fingerprints", "1 face", "PIN code"]
    )
    expect(page.locator("#sync-form button")).to_be_enabled()
    shot(page, "automatic-done")
    assert_synced(demo, [main_entrance, staff_door], "1234", ALICE_ALL)

    page.reload()
    expect(toast.locator(".toast__title")).to_have_text("Synchronized")
    assert SyncRun.objects.count() == 1

    page.set_viewport_size(PHONE)
    shot(page, "automatic-done-phone")


def test_select_a_location_and_press_the_button(live_service, demo, browser, shot):
    sync_filter = demo.admin.sync_filter
    sync_filter.send_fingerprints = False
    sync_filter.send_pin = False
    sync_filter.save()
    token = tokens.issue(demo.admin, demo.person)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()

    page.goto(live_service + link(token))
    expect(page.locator("#toast")).to_be_hidden()
    expect(page.locator("#sends li")).to_have_text(["2 cards", "1 face"])
    expect(page.locator("#location")).to_have_value("")
    shot(page, "select-phone")
    assert not SyncRun.objects.exists()

    page.select_option("#location", str(demo.location.pk))
    page.get_by_role("button", name="Synchronize user").click()
    expect(page.locator("#toast .toast__title")).to_have_text("Synchronized")
    assert toast_lines(page) == ["Main entrance Done", "Staff door Done"]
    shot(page, "select-done-phone")
    assert_synced(demo, office_terminals(demo), "", ALICE_NO_FINGERPRINTS)
    run = SyncRun.objects.get()
    assert (run.admin, run.location) == (demo.admin, demo.location)

    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "select-done")
    context.close()


def test_a_terminal_that_fails_turns_the_notification_red(live_service, demo, page, shot):
    main_entrance, staff_door = office_terminals(demo)
    Simulator.objects.create(terminal=staff_door, online=False)
    token = tokens.issue(demo.admin, demo.person, demo.location)

    page.goto(live_service + link(token))
    toast = page.locator("#toast")
    expect(toast).to_have_class("toast toast--failed")
    expect(toast.locator(".toast__title")).to_have_text("Sync failed")
    expect(toast.locator(".toast__message")).to_have_text(
        "1 of 2 terminals failed. Staff door: The terminal did not answer (it is offline)."
    )
    assert toast_lines(page) == [
        "Main entrance Done",
        "Staff door Failed: The terminal did not answer (it is offline).",
    ]
    shot(page, "failed")
    assert_synced(demo, [main_entrance], "1234", ALICE_ALL)
    assert memory(staff_door) == []


def test_an_expired_link(live_service, demo, page, shot):
    token = tokens.issue(demo.admin, demo.person, demo.location)
    SyncToken.objects.update(expires_at=SyncToken.objects.get().issued_at)

    response = page.goto(live_service + link(token))
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is invalid or has expired")
    expect(page.locator("main p")).to_contain_text("for a new one")
    assert page.context.cookies() == []
    assert not SyncRun.objects.exists()
    shot(page, "expired")


def test_a_reused_link(live_service, demo, browser, page, shot):
    token = tokens.issue(demo.admin, demo.person)
    page.goto(live_service + link(token))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Jansen")

    other = browser.new_context()
    second = other.new_page()
    response = second.goto(live_service + link(token))
    assert response is not None and response.status == 410
    expect(second.get_by_role("heading", level=1)).to_have_text(
        "This link is invalid or has expired"
    )
    assert other.cookies() == []
    shot(second, "reused")
    other.close()

    # The first browser's session is untouched by the refused second use.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Jansen")


def test_done_ends_the_session(live_service, demo, page, shot):
    page.goto(live_service + link(tokens.issue(demo.admin, demo.person)))
    sync_page = page.url
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session closed")
    expect(page.locator("main p")).to_have_text("You can close this window.")
    shot(page, "closed")
    response = page.goto(sync_page)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session has ended")
    shot(page, "ended")


def test_pressing_the_button_after_the_session_ended_says_so(live_service, demo, page, shot):
    page.goto(live_service + link(tokens.issue(demo.admin, demo.person)))
    Session.objects.all().delete()  # as the idle timeout or clearsessions would
    page.select_option("#location", str(demo.location.pk))
    page.get_by_role("button", name="Synchronize user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session has ended")
    assert not SyncRun.objects.exists()


# A name for the service as a sandbox on a LAN serves it: plain HTTP, not
# loopback, so not a secure context; the browser maps it to 127.0.0.1.
LAN_HOST = "esws-sandbox.test"


@pytest.fixture(scope="module")
def plain_http_service(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The service with ESWS_PUBLIC_URL=http://<a LAN host>:<port>."""
    with (
        django_db_blocker.unblock(),
        running_service(tmp_path_factory.mktemp("plain-http"), public_host=LAN_HOST) as url,
    ):
        yield url


def test_a_sandbox_served_over_plain_http_to_the_lan_synchronizes(
    plain_http_service, transactional_db, demo, playwright, shot
):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*ARGS, f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1"],
    )
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(plain_http_service + link(tokens.issue(demo.admin, demo.person, demo.location)))
    expect(page.locator("#toast .toast__title")).to_have_text("Synchronized")
    shot(page, "plain-http-done")
    assert_synced(demo, office_terminals(demo), "1234", ALICE_ALL)
    (cookie,) = page.context.cookies()
    assert (cookie["secure"], cookie["sameSite"]) == (False, "Lax")
    browser.close()


class ParentSite(http.server.ThreadingHTTPServer):
    """Another site: pages that frame a URL, and a probe of the browser's cookie policy."""

    frame_url = ""


class ParentHandler(http.server.BaseHTTPRequestHandler):
    server: ParentSite

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        headers: list[tuple[str, str]] = [("Content-Type", "text/html; charset=utf-8")]
        if self.path == "/":
            src = self.server.frame_url
            status, body = 200, _parent_page("HR application", src)
        elif self.path == "/probe":
            status, body = 200, _parent_page("Probe", f"http://127.0.0.1:{port}/probe/set")
        elif self.path == "/probe/set":
            status, body = 303, ""
            headers += [
                ("Set-Cookie", "unpartitioned=1; Path=/; SameSite=None; Secure"),
                ("Set-Cookie", "partitioned=1; Path=/; SameSite=None; Secure; Partitioned"),
                ("Location", "/probe/check"),
            ]
        else:
            status, body = 200, json.dumps(self.headers.get("Cookie", ""))
        data = body.encode()
        self.send_response(status)
        for name, value in [*headers, ("Content-Length", str(len(data)))]:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _parent_page(title: str, src: str) -> str:
    return (
        f"<!doctype html><title>{title}</title><h1>{title}</h1>"
        f'<iframe src="{html.escape(src)}" width="1000" height="660"></iframe>'
    )


@pytest.fixture
def parent_site() -> Iterator[ParentSite]:
    server = ParentSite(("127.0.0.1", 0), ParentHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def blocking_context(playwright: Playwright, tmp_path: Path):
    """A profile with "Block third-party cookies" on (cookie_controls_mode 1)."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    preferences = {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        viewport={"width": 1100, "height": 800},
    )
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def test_in_an_iframe_of_another_site_with_third_party_cookies_blocked(
    live_service, demo, parent_site, blocking_context, shot
):
    # The service answers on 127.0.0.1, the parent page on localhost: another site.
    parent = f"http://localhost:{parent_site.server_address[1]}"
    page = blocking_context.new_page()

    # The browser really blocks third-party cookies: only a partitioned one survives.
    page.goto(parent + "/probe")
    expect(page.frame_locator("iframe").locator("body")).to_have_text('"partitioned=1"')

    demo.company.frame_ancestors = parent
    demo.company.save()
    parent_site.frame_url = live_service + link(
        tokens.issue(demo.admin, demo.person, demo.location)
    )
    page.goto(parent + "/")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#toast .toast__title")).to_have_text("Synchronized")
    assert [
        " ".join(t.split()) for t in frame.locator(".toast__terminals li").all_inner_texts()
    ] == ["Main entrance Done", "Staff door Done"]
    shot(page, "iframe-done")
    assert_synced(demo, office_terminals(demo), "1234", ALICE_ALL)

    # The session lives in the frame's partition: the Done button works there too.
    frame.get_by_role("button", name="Done").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Session closed")


def test_framing_by_an_unlisted_site_is_refused(live_service, demo, parent_site, page):
    parent = f"http://localhost:{parent_site.server_address[1]}"
    parent_site.frame_url = live_service + link(tokens.issue(demo.admin, demo.person))
    page.goto(parent + "/")
    page.wait_for_load_state("load")
    frame = page.frames[1]
    expect(page.frame_locator("iframe").locator("#console")).to_have_count(0)
    assert frame.url.startswith("chrome-error://"), frame.url
