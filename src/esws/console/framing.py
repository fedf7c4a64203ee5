"""Who may put the console in a frame: the Content-Security-Policy of its pages.

A company's sync pages may be framed by this site and by the origins the
company configured. The pages that carry nothing but a message (invalid link,
session ended, closed) may be framed by anyone: they hold no data and no
action to click-jack, and an integrator's iframe should show the message
rather than the browser's "refused to connect".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from esws.directory.models import ORIGIN_RE, Company

log = logging.getLogger(__name__)

SELF_ONLY = ("'self'",)
ANYONE = ("*",)


def content_security_policy(frame_ancestors: Iterable[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "frame-ancestors " + " ".join(frame_ancestors),
        ]
    )


def company_frame_ancestors(company: Company) -> list[str]:
    """'self' plus the company's configured origins. The model refuses malformed
    entries (Company.clean); any written around it are skipped here, so that
    none can add CSP directives."""
    origins = ["'self'"]
    for origin in company.allowed_frame_ancestors():
        if ORIGIN_RE.fullmatch(origin):
            origins.append(origin.rstrip("/"))
        else:
            log.warning("company %s: ignoring frame ancestor %r", company.pk, origin)
    return origins
