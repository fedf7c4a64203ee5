"""The Content-Security-Policy every response carries unless its app sets its own.

Django 5.2 has no CSP of its own; SecurityMiddleware adds nosniff, the
referrer policy and COOP. The default forbids framing and loading anything
from elsewhere; the admin site's inline style attributes are allowed. The
console sets a stricter policy on its pages (esws.console.framing).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """First in MIDDLEWARE, so it sees the response after every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", DEFAULT_POLICY)
        return response
