"""A corpus of hostile requests against the real server: clean faults, bounded memory."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlsplit

import pytest
from lxml import etree

from esws.soap.tests.samples import billion_laughs, envelope, external_entity, nested, seed_request
from esws.testing.processes import rss_bytes

pytestmark = pytest.mark.e2e

CODE = "^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


def corpus() -> list[tuple[str, bytes, str]]:
    """(name, body, content type): every one must be refused with a fault."""
    laughs_quadratic = (
        f'<!DOCTYPE s [<!ENTITY a "{"x" * 50_000}">]>'
        + envelope(
            "<getSyncToken><p_userId>" + "&a;" * 1000 + "</p_userId></getSyncToken>"
        ).decode()
    ).encode()
    many_attributes = envelope(
        "<getSyncToken " + " ".join(f'a{i}="1"' for i in range(100_000)) + "/>"
    )
    return [
        ("billion laughs", billion_laughs(), "text/xml"),
        ("quadratic blowup", laughs_quadratic, "text/xml"),
        ("external entity (file)", external_entity("file:///etc/passwd"), "text/xml"),
        ("external entity (network)", external_entity("http://127.0.0.1:9/x"), "text/xml"),
        (
            "external DTD",
            b'<!DOCTYPE s SYSTEM "http://127.0.0.1:9/x.dtd">' + envelope(""),
            "text/xml",
        ),
        (
            "parameter entity",
            b'<!DOCTYPE s [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + envelope(""),
            "text/xml",
        ),
        ("10 MB body", seed_request(CODE, "a", "b", "1") + b" " * 10_000_000, "text/xml"),
        ("100,000-deep nesting", nested(100_000), "text/xml"),
        ("100,000 attributes", many_attributes, "text/xml"),
        (
            "invalid UTF-8",
            envelope("<getSyncToken><p_userId>\xff\xfe</p_userId></getSyncToken>").replace(
                b"\xc3\xbf\xc3\xbe", b"\xff\xfe"
            ),
            "text/xml",
        ),
        ("SOAP 1.2 envelope", envelope("<getSyncToken/>", namespace=SOAP12), "text/xml"),
        ("SOAP 1.2 content type", seed_request(CODE, "a", "b", "1"), "application/soap+xml"),
        ("not XML", b"p_companyID=x&p_userId=1", "application/x-www-form-urlencoded"),
        ("JSON", b'{"p_companyID": "x"}', "application/json"),
        ("empty", b"", "text/xml"),
    ]


def post(base: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", "/webservicesesws", body, {"Content-Type": content_type})
        response = conn.getresponse()
        return response.status, response.read()
    except (ConnectionResetError, BrokenPipeError):
        # The server may close the connection on a body it will not read to the end.
        return 0, b""
    finally:
        conn.close()


def test_hostile_corpus_gets_faults_with_bounded_memory(live_service):
    peak = [rss_bytes(live_service)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak.append(rss_bytes(live_service))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        results = {name: post(live_service, body, ctype) for name, body, ctype in corpus()}
    finally:
        done.set()
        sampler.join()

    for name, (status, body) in results.items():
        if name == "10 MB body" and status == 0:
            continue  # refused before reading: the connection closed, nothing parsed
        assert status == 500, name
        fault = etree.fromstring(body).find(".//faultcode")
        assert fault is not None and fault.text in (
            "SOAP-ENV:Client",
            "SOAP-ENV:VersionMismatch",
        ), name
        assert b"Traceback" not in body and b"root:" not in body, name
    # Still serving, and memory stayed bounded: no document was expanded or held whole.
    status, _ = post(live_service, seed_request(CODE, "a", "b", "1"), "text/xml")
    assert status == 200
    print(f"service RSS: start {peak[0] / 2**20:.0f} MiB, peak {max(peak) / 2**20:.0f} MiB")
    assert max(peak) < 400 * 2**20
