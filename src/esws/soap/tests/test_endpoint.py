"""The HTTP endpoint through Django's test client."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace

import pytest
from django.test import Client
from lxml import etree

from esws.directory import demo as demo_data
from esws.soap import answers, views
from esws.soap.codec import SOAP12_ENV, SOAP_ENV
from esws.soap.tests.samples import billion_laughs, envelope, external_entity, nested, seed_request
from esws.soap.wsdl import WSDL, WSDL_SOAP
from esws.tokens.models import SyncToken, TokenEvent

URL = "/webservicesesws"
XML = "text/xml; charset=utf-8"


def post(client: Client, body: bytes, content_type: str = XML, **extra) -> tuple[int, str, bytes]:
    response = client.generic("POST", URL, body, content_type=content_type, **extra)
    return response.status_code, response["Content-Type"], response.content


def answer_of(content: bytes) -> str:
    root = etree.fromstring(content)
    return root.findtext(f"{{{SOAP_ENV}}}Body/{{uen:esws}}Esws.getSyncTokenResponse/return")


def fault_of(content: bytes) -> tuple[str, str]:
    fault = etree.fromstring(content).find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    return fault.findtext("faultcode"), fault.findtext("faultstring")


@pytest.fixture
def sample(demo) -> bytes:
    return seed_request(demo_data.CODE, demo_data.USERNAME, demo_data.PASSWORD, str(demo.person.pk))


def test_seed_sample_gets_a_token(client, demo, sample):
    status, content_type, content = post(
        client,
        sample,
        headers={"SOAPAction": '"uen:esws#Esws.getSyncToken"'},
        REMOTE_ADDR="203.0.113.7",
    )
    assert (status, content_type) == (200, XML)
    token = answer_of(content)
    assert re.fullmatch(r"[0-9a-f]{128}", token)
    row = SyncToken.objects.get(digest=hashlib.sha256(token.encode()).hexdigest())
    assert (row.person, row.admin, row.location) == (demo.person, demo.admin, None)
    assert TokenEvent.objects.get(token=row).client == "203.0.113.7"


def test_without_header_soapaction_or_content_type(client, demo):
    body = seed_request(
        demo_data.CODE,
        demo_data.USERNAME,
        demo_data.PASSWORD,
        str(demo.person.pk),
        str(demo.location.pk),
        header=False,
    )
    status, _, content = post(client, body, CONTENT_TYPE="")
    assert status == 200
    row = SyncToken.objects.get(digest=hashlib.sha256(answer_of(content).encode()).hexdigest())
    assert row.location == demo.location


def test_trailing_slash_and_csrf_free(demo, sample):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL + "/", sample, content_type="text/xml")
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{128}", answer_of(response.content))


def test_error_strings_are_answers_with_http_200(client, demo):
    body = seed_request(demo_data.CODE, demo_data.USERNAME, "wrong", str(demo.person.pk))
    status, _, content = post(client, body)
    assert (status, answer_of(content)) == (200, answers.NO_ADMIN)
    body = seed_request("", "", "", "")
    assert answer_of(post(client, body)[2]) == answers.NO_SECURITY_HASH


# --- faults -------------------------------------------------------------------


def assert_fault(result: tuple[int, str, bytes], code: str, message: str) -> None:
    status, content_type, content = result
    assert (status, content_type) == (500, XML)
    assert fault_of(content) == (f"SOAP-ENV:{code}", message)
    for leak in (b"Traceback", b"File ", b"django", b"lxml"):
        assert leak not in content


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty request"),
        (
            b"<!DOCTYPE x>" + envelope("<getSyncToken/>"),
            "a DOCTYPE is not allowed in a SOAP message",
        ),
        (external_entity("file:///etc/passwd"), "a DOCTYPE is not allowed in a SOAP message"),
        (nested(100), "elements nested deeper than 16 levels"),
        (
            envelope("<Esws.getTotalSyncToken/>"),
            "unknown operation Esws.getTotalSyncToken; this service answers Esws.getSyncToken",
        ),
        (envelope(""), "no operation in the SOAP Body"),
        (b"<a>" * 100_000, "request too large (limit 65536 bytes)"),
    ],
)
def test_client_faults(db, client, settings, body, message):
    settings.ESWS_SOAP_MAX_BODY = 65536
    assert_fault(post(client, body), "Client", message)


def test_a_client_fault_is_logged_as_the_clients_mistake(db, client, caplog):
    caplog.set_level(logging.INFO)
    assert_fault(
        post(client, b"<not xml"), "Client", "request is not well-formed XML (line 1, column 9)"
    )
    assert [(r.name, r.levelname) for r in caplog.records] == [("esws.soap", "INFO")]


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe<not xml",
        billion_laughs(),
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + envelope("<getSyncToken><p_userId>X</p_userId></getSyncToken>").replace(
            b"X", b"\xff\xc3"
        ),
        nested(5_000),
    ],
    ids=["not-xml", "billion-laughs", "invalid-utf8", "deep-nesting"],
)
def test_not_well_formed(db, client, settings, body):
    settings.ESWS_SOAP_MAX_BODY = 65536
    status, _, content = post(client, body)
    assert status == 500
    code, message = fault_of(content)
    assert code == "SOAP-ENV:Client"
    assert message.startswith("request is not well-formed XML")
    assert b"lol" not in content


def test_ten_megabyte_body(db, client, settings):
    settings.ESWS_SOAP_MAX_BODY = 65536
    body = envelope("<getSyncToken><p_userId>" + "5" * 10_000_000 + "</p_userId></getSyncToken>")
    assert_fault(post(client, body), "Client", "request too large (limit 65536 bytes)")


def test_limit_follows_the_setting(db, client, settings, sample):
    settings.ESWS_SOAP_MAX_BODY = len(sample) - 1
    assert_fault(
        post(client, sample), "Client", f"request too large (limit {len(sample) - 1} bytes)"
    )


def test_soap_12_is_a_version_mismatch(db, client, sample):
    message = "version mismatch: SOAP 1.2; ESWS speaks SOAP 1.1"
    assert_fault(
        post(client, sample, "application/soap+xml; charset=utf-8"), "VersionMismatch", message
    )
    assert_fault(post(client, envelope("<getSyncToken/>", SOAP12_ENV)), "VersionMismatch", message)


def test_unexpected_error_is_a_server_fault_without_details(
    client, sample, monkeypatch, settings, caplog
):
    def broken(params, client):
        raise RuntimeError("secret internal detail")

    operation = views.OPERATIONS["getSyncToken"]
    monkeypatch.setitem(views.OPERATIONS, "getSyncToken", replace(operation, call=broken))
    settings.DEBUG = True
    result = post(client, sample)
    assert_fault(result, "Server", "internal error")
    assert b"secret internal detail" not in result[2]
    assert "secret internal detail" in caplog.text


# --- other methods and the WSDL -------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_not_allowed(client, method):
    response = client.generic(method, URL)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_get_without_wsdl_is_not_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("query", ["?wsdl", "?WSDL", "?wsdl=", "?Wsdl=1"])
def test_wsdl(client, settings, query):
    settings.ESWS_PUBLIC_URL = "https://esws.example.com"
    response = client.get(URL + query)
    assert (response.status_code, response["Content-Type"]) == (200, XML)
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == "uen:esws"
    address = root.find(f"{{{WSDL}}}service/{{{WSDL}}}port/{{{WSDL_SOAP}}}address")
    assert address.get("location") == "https://esws.example.com/webservicesesws"


def test_wsdl_describes_get_sync_token(client):
    root = etree.fromstring(client.get(URL + "?wsdl").content)
    ns = {"w": WSDL, "s": WSDL_SOAP}
    parts = root.xpath("w:message[@name='getSyncTokenRequest']/w:part", namespaces=ns)
    assert [(p.get("name"), p.get("type")) for p in parts] == [
        ("p_companyID", "xsd:string"),
        ("p_adminUsername", "xsd:string"),
        ("p_adminPassword", "xsd:string"),
        ("p_userId", "xsd:string"),
        ("p_locationID", "xsd:string"),
    ]
    [output] = root.xpath("w:message[@name='getSyncTokenResponse']/w:part", namespaces=ns)
    assert (output.get("name"), output.get("type")) == ("return", "xsd:string")
    assert root.xpath("w:portType/w:operation/@name", namespaces=ns) == ["Esws.getSyncToken"]
    assert root.xpath("w:binding/s:binding/@style", namespaces=ns) == ["rpc"]
    bodies = root.xpath("w:binding/w:operation/*/s:body", namespaces=ns)
    assert [(b.get("use"), b.get("namespace")) for b in bodies] == [("encoded", "uen:esws")] * 2
