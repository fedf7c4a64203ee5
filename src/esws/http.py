"""What every view needs of HTTP: the client's address, and a bounded request body."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest

# Ids are ASCII digits that fit a 64-bit primary key; int() alone would also
# take "+5", "1_000" and non-ASCII digits, and overflow the database column.
_ID_RE = re.compile(r"[0-9]{1,18}")


def parse_id(value: str | None) -> int | None:
    """The id in a request parameter, or None when it is missing or not an id."""
    value = (value or "").strip()
    return int(value) if _ID_RE.fullmatch(value) else None


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


class BodyError(Exception):
    """A body that cannot be read: too large (413), without a length the server
    can honour (411), or with a Content-Length that is not a number (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused past ``limit`` bytes before more than that is read.

    A chunked body has no Content-Length, so Django reads it as empty: it is
    read from the server's input stream instead when the server decodes chunks
    and marks the stream's end (``wsgi.input_terminated``, as gunicorn does),
    and refused otherwise, so that a client learns of it instead of being
    answered as if it had sent nothing.
    """
    meta = request.META
    if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
        if not meta.get("wsgi.input_terminated"):
            raise BodyError(411, "without Content-Length, which this server needs")
        data: bytes = meta["wsgi.input"].read(limit + 1)
    else:
        declared = meta.get("CONTENT_LENGTH") or "0"
        if not declared.isascii() or not declared.isdigit():
            raise BodyError(400, "with a Content-Length that is not a number")
        if int(declared) > limit:
            raise BodyError(413, f"too large (limit {limit} bytes)")
        data = request.read(limit + 1)
    if len(data) > limit:
        raise BodyError(413, f"too large (limit {limit} bytes)")
    return data
