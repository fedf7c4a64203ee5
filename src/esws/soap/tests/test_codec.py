"""The codec on its own: no database, no HTTP."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from esws.soap import codec
from esws.soap.codec import ESWS_NS, SOAP12_ENV, SOAP_ENC, SOAP_ENV, XSD, XSI, Call, SoapFault
from esws.soap.tests.samples import (
    billion_laughs,
    envelope,
    external_entity,
    nested,
    seed_request,
)

LIMIT = 64 * 1024

# The documentation's sample request as printed, with the namespace URIs it
# leaves empty filled in (soapenv 1.1, xsi and xsd of 2001).
SEED_SAMPLE = b"""<soapenv:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:uen="uen:esws">
   <soapenv:Header/>
   <soapenv:Body>
      <uen:Esws.getSyncToken soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
         <p_companyID xsi:type="xsd:string">^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0</p_companyID>
         <p_adminUsername xsi:type="xsd:string">username</p_adminUsername>
         <p_adminPassword xsi:type="xsd:string">password</p_adminPassword>
         <p_userId xsi:type="xsd:string">5</p_userId>
         <p_locationId xsi:type="xsd:string"></p_locationId>
      </uen:Esws.getSyncToken>
   </soapenv:Body>
</soapenv:Envelope>"""

SEED_PARAMS = {
    "p_companyid": "^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0",
    "p_adminusername": "username",
    "p_adminpassword": "password",
    "p_userid": "5",
    "p_locationid": None,
}


def fault_of(body: bytes, max_size: int = LIMIT) -> SoapFault:
    with pytest.raises(SoapFault) as info:
        codec.parse_request(body, max_size)
    return info.value


# --- requests as integrators send them ---------------------------------------


def test_seed_sample_as_printed():
    assert codec.parse_request(SEED_SAMPLE, LIMIT) == Call("getSyncToken", SEED_PARAMS)


@pytest.mark.parametrize("header", [True, False])
def test_with_and_without_header(header):
    body = seed_request(
        "^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0", "username", "password", "5", header=header
    )
    assert (b"<soapenv:Header/>" in body) is header
    assert codec.parse_request(body, LIMIT) == Call("getSyncToken", SEED_PARAMS)


def test_other_prefixes():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV}" xmlns:ns1="uen:esws" xmlns:x="{XSI}">
<SOAP-ENV:Body><ns1:Esws.getSyncToken>
<p_companyID>code</p_companyID><p_userId x:type="xsd:string">7</p_userId>
</ns1:Esws.getSyncToken></SOAP-ENV:Body></SOAP-ENV:Envelope>""".encode()
    assert codec.parse_request(body, LIMIT) == Call(
        "getSyncToken", {"p_companyid": "code", "p_userid": "7"}
    )


def test_default_namespaces_instead_of_prefixes():
    body = f"""<Envelope xmlns="{SOAP_ENV}"><Body>
<Esws.getSyncToken xmlns="uen:esws"><p_userId>7</p_userId></Esws.getSyncToken>
</Body></Envelope>""".encode()
    assert codec.parse_request(body, LIMIT) == Call("getSyncToken", {"p_userid": "7"})


def test_plain_operation_name_without_namespace():
    call = codec.parse_request(
        envelope("<getSyncToken><p_userId>7</p_userId></getSyncToken>"), LIMIT
    )
    assert call == Call("getSyncToken", {"p_userid": "7"})


def test_parameter_names_are_case_insensitive():
    body = envelope(
        '<u:Esws.getSyncToken xmlns:u="uen:esws">'
        "<P_COMPANYID>c</P_COMPANYID><p_locationID>3</p_locationID>"
        "</u:Esws.getSyncToken>"
    )
    assert codec.parse_request(body, LIMIT).params == {"p_companyid": "c", "p_locationid": "3"}


def test_both_spellings_of_location_id_at_once_are_refused():
    body = envelope(
        "<getSyncToken><p_locationID>3</p_locationID><p_locationId>4</p_locationId></getSyncToken>"
    )
    assert fault_of(body).code == "Client"
    assert "given twice" in fault_of(body).message


@pytest.mark.parametrize("content", ["", " ", "\n\t  \r\n", "<![CDATA[   ]]>"])
def test_empty_or_whitespace_is_not_provided(content):
    body = envelope(f"<getSyncToken><p_locationId>{content}</p_locationId></getSyncToken>")
    assert codec.parse_request(body, LIMIT).params == {"p_locationid": None}


def test_self_closing_element_is_not_provided():
    body = envelope("<getSyncToken><p_locationId/></getSyncToken>")
    assert codec.parse_request(body, LIMIT).params == {"p_locationid": None}


@pytest.mark.parametrize("nil", ["true", "1"])
def test_xsi_nil_is_not_provided(nil):
    body = envelope(
        f'<getSyncToken xmlns:xsi="{XSI}"><p_locationId xsi:nil="{nil}">5</p_locationId>'
        "</getSyncToken>"
    )
    assert codec.parse_request(body, LIMIT).params == {"p_locationid": None}


def test_values_keep_their_characters():
    body = envelope(
        "<getSyncToken><p_adminPassword> p&amp;ss &lt;w&gt; é </p_adminPassword>"
        "<p_companyID><![CDATA[a<b&c]]></p_companyID></getSyncToken>"
    )
    assert codec.parse_request(body, LIMIT).params == {
        "p_adminpassword": " p&ss <w> é ",
        "p_companyid": "a<b&c",
    }


def test_declared_encodings_are_honoured():
    latin1 = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><getSyncToken>'
        "<p_adminPassword>caf\xe9</p_adminPassword></getSyncToken></s:Body></s:Envelope>"
    ).encode("latin-1")
    utf16 = envelope("<getSyncToken><p_adminPassword>café</p_adminPassword></getSyncToken>")
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + utf16.decode()).encode("utf-16")
    for body in (latin1, utf16):
        assert codec.parse_request(body, LIMIT).params == {"p_adminpassword": "café"}


def test_a_compound_parameter_is_refused():
    body = envelope("<getSyncToken><p_userId><id>5</id></p_userId></getSyncToken>")
    assert fault_of(body).code == "Client"
    assert "simple value" in fault_of(body).message


# --- what is not a SOAP 1.1 call ---------------------------------------------


def test_empty_body():
    for body in (b"", b"  \r\n "):
        assert (fault_of(body).code, fault_of(body).message) == ("Client", "empty request")


def test_not_xml():
    fault = fault_of(b"p_companyID=abc&p_userId=5")
    assert fault.code == "Client"
    assert fault.message.startswith("request is not well-formed XML")


def test_not_an_envelope():
    assert fault_of(b"<getSyncToken/>").message == "not a SOAP envelope"


def test_soap_12_envelope_is_a_version_mismatch():
    fault = fault_of(envelope("<getSyncToken/>", namespace=SOAP12_ENV))
    assert fault.code == "VersionMismatch"
    assert "SOAP 1.2" in fault.message


def test_envelope_without_namespace_is_a_version_mismatch():
    assert fault_of(b"<Envelope><Body><getSyncToken/></Body></Envelope>").code == "VersionMismatch"


def test_no_body():
    body = f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Header/></s:Envelope>'.encode()
    assert (fault_of(body).code, fault_of(body).message) == ("Client", "no SOAP Body")


def test_no_operation():
    fault = fault_of(envelope("  "))
    assert (fault.code, fault.message) == ("Client", "no operation in the SOAP Body")


# --- hostile input ----------------------------------------------------------


def _timed_fault(body: bytes, max_size: int = LIMIT) -> SoapFault:
    started = time.perf_counter()
    fault = fault_of(body, max_size)
    assert time.perf_counter() - started < 2
    return fault


def test_billion_laughs():
    fault = _timed_fault(billion_laughs())
    assert fault.code == "Client"
    assert "lol" not in fault.message


def test_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for uri in ("file:///etc/passwd", secret.as_uri()):
        fault = _timed_fault(external_entity(uri))
        assert fault.code == "Client"
        assert "DOCTYPE" in fault.message
        for leaked in ("root:", "TOP-SECRET"):
            assert leaked not in fault.message
            assert leaked.encode() not in codec.build_fault(fault.code, fault.message)


def test_external_parameter_entity_is_refused():
    body = (
        '<!DOCTYPE s:Envelope [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]>'
        + envelope("<getSyncToken/>").decode()
    ).encode()
    assert _timed_fault(body).code == "Client"


def test_doctype_alone_is_refused():
    body = b"<!DOCTYPE Envelope>" + envelope("<getSyncToken/>")
    assert fault_of(body).message == "a DOCTYPE is not allowed in a SOAP message"


def test_undeclared_entity_is_refused():
    fault = fault_of(envelope("<getSyncToken><p_userId>&xxe;</p_userId></getSyncToken>"))
    assert fault.message.startswith("request is not well-formed XML")


def test_ten_megabyte_body_is_refused_before_parsing():
    body = envelope("<getSyncToken><p_userId>" + "5" * 10_000_000 + "</p_userId></getSyncToken>")
    fault = _timed_fault(body)
    assert (fault.code, fault.message) == ("Client", f"request too large (limit {LIMIT} bytes)")


def test_size_limit_is_exact():
    body = envelope("<getSyncToken/>")
    assert codec.parse_request(body, len(body)).operation == "getSyncToken"
    assert fault_of(body, len(body) - 1).message.startswith("request too large")


def test_hundred_thousand_deep_nesting():
    body = nested(100_000)
    assert _timed_fault(body, len(body)).code == "Client"


def test_nesting_deeper_than_a_call_needs():
    body = nested(codec.MAX_DEPTH)
    assert fault_of(body).message == f"elements nested deeper than {codec.MAX_DEPTH} levels"


def test_invalid_utf8():
    body = envelope("<getSyncToken><p_userId>X</p_userId></getSyncToken>").replace(
        b"X", b"\xff\xfe\xc3"
    )
    fault = fault_of(b'<?xml version="1.0" encoding="UTF-8"?>' + body)
    assert fault.code == "Client"
    assert fault.message.startswith("request is not well-formed XML")


def test_unknown_declared_encoding():
    body = b'<?xml version="1.0" encoding="x-no-such"?>' + envelope("<getSyncToken/>")
    assert fault_of(body).message.startswith("request is not well-formed XML")


def test_huge_attribute_count():
    attributes = " ".join(f'a{i}="1"' for i in range(100_000))
    body = envelope(f"<getSyncToken {attributes}><p_userId>5</p_userId></getSyncToken>")
    assert fault_of(body).message.startswith("request too large")
    # Even without the size limit, the parser copes in bounded time.
    started = time.perf_counter()
    assert codec.parse_request(body, len(body)).params == {"p_userid": "5"}
    assert time.perf_counter() - started < 2


def test_duplicate_attribute_is_refused():
    fault = fault_of(envelope('<getSyncToken a="1" a="2"/>'))
    assert fault.message.startswith("request is not well-formed XML")


# --- responses ----------------------------------------------------------------


def test_response_shape():
    token = "e4d8503e7d6df3b37dcaf5063576a11f" * 4
    raw = codec.build_response("getSyncToken", token)
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(raw)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    assert root.prefix == "SOAP-ENV"
    assert root.nsmap == {"SOAP-ENV": SOAP_ENV, "xsd": XSD, "xsi": XSI, "SOAP-ENC": SOAP_ENC}
    assert root.attrib == {f"{{{SOAP_ENV}}}encodingStyle": SOAP_ENC}
    [body] = root
    assert body.tag == f"{{{SOAP_ENV}}}Body"
    [response] = body
    assert response.tag == f"{{{ESWS_NS}}}Esws.getSyncTokenResponse"
    assert response.prefix == "ns1"
    assert b'<ns1:Esws.getSyncTokenResponse xmlns:ns1="uen:esws">' in raw
    [result] = response
    assert result.tag == "return"
    assert result.attrib == {f"{{{XSI}}}type": "xsd:string"}
    assert result.text == token
    assert len(result) == 0


def test_response_escapes_its_value():
    raw = codec.build_response("getSyncToken", "a<b&c>")
    assert etree.fromstring(raw).findtext(".//return") == "a<b&c>"


@pytest.mark.parametrize("code", ["Client", "Server", "VersionMismatch"])
def test_fault_shape(code):
    raw = codec.build_fault(code, "what <went> wrong")
    root = etree.fromstring(raw)
    [fault] = root.find(f"{{{SOAP_ENV}}}Body")
    assert fault.tag == f"{{{SOAP_ENV}}}Fault"
    assert [child.tag for child in fault] == ["faultcode", "faultstring"]
    assert fault.findtext("faultcode") == f"SOAP-ENV:{code}"
    assert fault.findtext("faultstring") == "what <went> wrong"
    # The faultcode is a QName: its prefix resolves to the SOAP 1.1 namespace.
    assert fault.find("faultcode").nsmap["SOAP-ENV"] == SOAP_ENV
