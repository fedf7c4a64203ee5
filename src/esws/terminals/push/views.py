"""The /iclock/ endpoints that PUSH terminals call.

Thin on purpose: the codec reads and writes the wire format; registry, queue
and uploads do the work. Every reply is text/plain with a GMT ``Date`` (the
terminal sets its clock from it). Bad input gets a 4xx with a short reason,
never a 500: a terminal keeps what it could not deliver and retries after its
ErrorDelay. Malformed lines inside a body are skipped and counted.

Unknown serial numbers are recorded as pending terminals (see registry). The
spec's advice is to refuse them; instead their handshake is answered like any
other, so they keep calling, the operator sees their last contact, and once
approved their first commands are one poll away rather than a reconnect away.
Until then polls get ``OK`` (no commands) and uploads 403, so the terminal
keeps its records and delivers them after approval.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from esws.directory.models import Terminal
from esws.http import BodyError, read_body
from esws.terminals.push import codec, queue, registry, uploads

# Uploads acknowledged without being stored: attendance photos and error logs
# (not asked for in TransFlag, but acknowledged so a terminal never loops on them).
IGNORED_TABLES = ("ATTPHOTO", "ERRORLOG")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def max_body() -> int:
    return int(settings.ESWS_PUSH_MAX_BODY)


def server_options(sn: str, stamps: Mapping[str, str]) -> codec.ServerOptions:
    """The handshake's options; the terminal's clock follows the server's TIME_ZONE."""
    offset = timezone.localtime().utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return codec.ServerOptions(
        sn=sn,
        delay=int(settings.ESWS_PUSH_DELAY),
        error_delay=int(settings.ESWS_PUSH_ERROR_DELAY),
        time_zone=codec.time_zone_value(minutes),
        stamps=stamps,
    )


def _reply(request: HttpRequest, body: bytes | str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain", status=status)
    # gunicorn always adds a Date header; a second one could confuse a
    # terminal's small HTTP parser. Other servers may add none.
    if not request.META.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        response.headers["Date"] = http_date()
    return response


def _body(request: HttpRequest) -> bytes:
    """The request body; a refusal (413, 411) makes the terminal keep the data and retry."""
    try:
        return read_body(request, max_body())
    except BodyError as exc:
        raise Refused(exc.status, exc.message) from None


Handler = Callable[[HttpRequest, codec.DeviceQuery, Terminal], bytes]


def endpoint(*methods: str) -> Callable[[Handler], Callable[[HttpRequest], HttpResponse]]:
    """Read the URL, identify the terminal, note the contact; refusals become 4xx replies."""

    def decorate(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        @functools.wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Refused(405, "method not allowed")
                query = codec.parse_query(request.META.get("QUERY_STRING", ""))
                terminal = registry.identify(query.sn)
                if terminal is None:
                    raise Refused(403, "unknown terminal")
                if terminal.driver != Terminal.Driver.PUSH:
                    raise Refused(403, "not a PUSH terminal")
                registry.seen(terminal)
                return _reply(request, handler(request, query, terminal))
            except codec.ProtocolError as exc:
                return _reply(request, f"bad request: {exc}", 400)
            except Refused as exc:
                response = _reply(request, exc.reason, exc.status)
                if exc.status == 405:
                    response.headers["Allow"] = ", ".join(methods)
                return response

        return view

    return decorate


@endpoint("GET", "POST")
def cdata(request: HttpRequest, query: codec.DeviceQuery, terminal: Terminal) -> bytes:
    """GET ``options=all``: the handshake. POST ``table=...``: uploads and the device's options."""
    if request.method == "GET":
        if not query.is_handshake:
            raise Refused(400, "expected options=all")
        state = registry.record_handshake(terminal, query)
        return codec.build_handshake(server_options(terminal.serial_number, state.stamps))
    body = _body(request)
    if not registry.in_service(terminal):
        raise Refused(403, "terminal not approved")
    table = query.table.upper()
    if table == "OPTIONS":
        options = codec.parse_device_options(body)
        registry.count_malformed(terminal, options.errors)
        registry.record_options(terminal, options.items)
        return codec.OK
    if table in IGNORED_TABLES:
        return codec.OK
    if table not in codec.PARSED_TABLES:
        raise Refused(400, "unknown table")
    upload = codec.parse_upload(table, body)
    registry.count_malformed(terminal, upload.errors)
    return codec.build_ack(uploads.store(terminal, table, query.stamp, upload.items))


@endpoint("GET", "POST")
def getrequest(request: HttpRequest, query: codec.DeviceQuery, terminal: Terminal) -> bytes:
    """The poll: the commands due, marked sent, or ``OK``."""
    if query.info is not None:
        registry.record_info(terminal, query.info)
    if not registry.in_service(terminal):
        return codec.OK
    return codec.build_commands((str(c.pk), c.text) for c in queue.take_due(terminal))


@endpoint("POST")
def devicecmd(request: HttpRequest, query: codec.DeviceQuery, terminal: Terminal) -> bytes:
    """The terminal's results for commands it was sent."""
    results = codec.parse_results(_body(request))
    registry.count_malformed(terminal, results.errors)
    if registry.in_service(terminal):
        queue.settle(terminal, results.items)
    return codec.OK


@endpoint("GET", "POST")
def ping(request: HttpRequest, query: codec.DeviceQuery, terminal: Terminal) -> bytes:
    """A heartbeat during long uploads: only the contact counts."""
    return codec.OK
