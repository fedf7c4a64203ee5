"""Cookies and headers that let the console work inside another site's iframe.

Browsers that block third-party cookies still accept a cookie marked
``Partitioned`` (CHIPS) in an embedded frame: it is kept per top-level site.
Python before 3.14 cannot write that attribute, so the session (and CSRF)
cookie's Morsel is swapped for one that appends it. The console's own pages
also get their framing policy here: CSP frame-ancestors instead of the
site-wide X-Frame-Options DENY, which would forbid every frame.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import Morsel
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from esws.console.framing import SELF_ONLY, content_security_policy


class PartitionedMorsel(Morsel[str]):
    def OutputString(self, attrs: Any = None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


def partition_cookies(response: HttpResponse, names: list[str]) -> None:
    """Mark the named cookies Partitioned; only Secure ones, as browsers require."""
    for name in names:
        morsel = response.cookies.get(name)
        if morsel is None or isinstance(morsel, PartitionedMorsel) or not morsel["secure"]:
            continue
        partitioned = PartitionedMorsel()
        partitioned.set(morsel.key, morsel.value, morsel.coded_value)
        partitioned.update(morsel)
        dict.__setitem__(response.cookies, name, partitioned)


def secure_console_response(response: HttpResponse) -> None:
    """Headers for every console response; a view may have set its own CSP and
    referrer policy (the default keeps the token URL out of Referer headers)."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy(SELF_ONLY))
    response.headers.pop("X-Frame-Options", None)
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)


class ConsoleMiddleware:
    """Place it above SessionMiddleware and XFrameOptionsMiddleware, so that it
    sees the cookies and headers they add."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookie_names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.namespace == "console":
            secure_console_response(response)
        partition_cookies(response, self.cookie_names)
        return response
