"""Browsers racing with one token against the real server: exactly one gets in."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from esws.console.tests.conftest import link, page
from esws.tokens import tokens
from esws.tokens.models import TokenEvent

pytestmark = pytest.mark.e2e


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("racers", [20, 100])
def test_simultaneous_requests_give_exactly_one_login(live_service, demo, racers):
    url = live_service + link(tokens.issue(demo.admin, demo.person))
    opener = urllib.request.build_opener(NoRedirect)
    barrier = threading.Barrier(racers)
    results: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def race() -> None:
        barrier.wait()
        try:
            response = opener.open(url, timeout=60)
            status, headers = response.status, response.headers
        except urllib.error.HTTPError as error:
            status, headers = error.code, error.headers
        with lock:
            results.append((status, headers.get("Location", ""), headers.get("Set-Cookie", "")))

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [303] + [410] * (racers - 1)
    winner = next(r for r in results if r[0] == 303)
    assert winner[1].endswith(page(demo.person))
    assert "esws_session=" in winner[2] and "Partitioned" in winner[2]
    assert all(not cookie for status, _, cookie in results if status == 410)
    assert TokenEvent.objects.filter(kind="redeemed").count() == 1
    assert TokenEvent.objects.filter(kind="refused").count() == racers - 1
