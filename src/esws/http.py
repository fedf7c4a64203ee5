"""Facts about the HTTP client shared by every view."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's IP address: REMOTE_ADDR, or behind trusted proxies what they saw.

    With ESWS_TRUSTED_PROXIES=n (the number of reverse proxies in front of
    gunicorn), the address is the n-th entry from the right of
    X-Forwarded-For, the one the outermost trusted proxy appended; entries
    further left are the client's own claims and are ignored.
    """
    hops = settings.ESWS_TRUSTED_PROXIES
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
