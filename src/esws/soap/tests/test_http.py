"""The endpoint as HTTP clients reach it under gunicorn: bodies sent in chunks."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest
from lxml import etree

from esws.directory.demo import CODE, PASSWORD, USERNAME
from esws.soap.tests.samples import seed_request

pytestmark = pytest.mark.e2e


def post_chunked(base_url: str, body: bytes, chunk: int = 100) -> tuple[int, bytes]:
    """POST with Transfer-Encoding: chunked and no Content-Length, as Axis2 and others do."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        parts = (body[i : i + chunk] for i in range(0, len(body), chunk))
        conn.request(
            "POST",
            "/webservicesesws",
            body=parts,
            headers={"Content-Type": "text/xml; charset=utf-8"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_chunked_request_gets_its_token(live_service, demo):
    status, answer = post_chunked(
        live_service, seed_request(CODE, USERNAME, PASSWORD, str(demo.person.pk))
    )
    assert status == 200
    assert re.fullmatch(r"[0-9a-f]{128}", etree.fromstring(answer).findtext(".//return") or "")


def test_a_chunked_request_past_the_limit_is_a_client_fault(live_service, demo):
    status, answer = post_chunked(live_service, b"<a>" + b" " * 70_000 + b"</a>", chunk=8192)
    assert status == 500
    fault = etree.fromstring(answer)
    assert fault.findtext(".//faultcode") == "SOAP-ENV:Client"
    assert fault.findtext(".//faultstring") == "request too large (limit 65536 bytes)"
