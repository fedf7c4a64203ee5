"""Fuzzing the SOAP codec: any bytes give a Call or a SoapFault, never another exception.

The budget comes from ESWS_FUZZ_EXAMPLES (per strategy): small in the normal
suite, 100,000 with ./scripts/fuzz.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from esws.soap import codec
from esws.soap.tests.samples import seed_request

EXAMPLES = int(os.environ.get("ESWS_FUZZ_EXAMPLES", "300"))
LIMIT = 64 * 1024
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
VALID = seed_request("^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0", "admin", "secret", "5", "1")


def check(body: bytes) -> None:
    try:
        call = codec.parse_request(body, LIMIT)
    except codec.SoapFault as fault:
        assert fault.code in ("Client", "Server", "VersionMismatch")
        etree.fromstring(codec.build_fault(fault.code, fault.message))
        return
    assert isinstance(call.operation, str)
    for key, value in call.params.items():
        assert key == key.lower()
        assert value is None or value.strip()
        # Whatever was parsed can be answered.
        answer = codec.build_response(call.operation, value or "")
        assert etree.fromstring(answer).findtext(".//return") == (value or "")


@fuzz
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body: bytes) -> None:
    check(body)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The documented request with random bytes replaced, inserted and deleted."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "replace":
            data[at : at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        else:
            del data[at : at + len(chunk)]
    return bytes(data)


@fuzz
@given(mutated())
def test_mutated_documented_request(body: bytes) -> None:
    check(body)


NAMES = ["Envelope", "Body", "Header", "Esws.getSyncToken", "getSyncToken", "p_companyID",
         "p_userId", "p_locationId", "p_locationID", "return", "Fault", "x"]  # fmt: skip
NAMESPACES = [codec.SOAP_ENV, "http://www.w3.org/2003/05/soap-envelope", "uen:esws", codec.XSI, ""]
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["&amp;", "&lt;", "&#0;", "&#x10FFFF;", "&undefined;", "<![CDATA[x]]>", " "]),
)


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(NAMES))
    ns = draw(st.sampled_from(NAMESPACES))
    attrs = f' xmlns:p="{ns}"' if ns else ""
    attrs += "".join(
        f' a{i}="{draw(st.sampled_from(["true", "1", "", "xsd:string"]))}"'
        for i in range(draw(st.integers(0, 3)))
    )
    if draw(st.booleans()):
        attrs += f' p:nil="{draw(st.sampled_from(["true", "false"]))}"' if ns else ""
    tag = f"p:{name}" if ns else name
    if depth > 5 or draw(st.booleans()):
        inner = draw(TEXTS).replace("<", "&lt;") if draw(st.booleans()) else draw(TEXTS)
    else:
        inner = "".join(draw(st.lists(element(depth + 1), max_size=4)))
    return f"<{tag}{attrs}>{inner}</{tag}>"


@fuzz
@given(element(), st.sampled_from(["", "<?xml version='1.0'?>", "<!DOCTYPE x>", "\ufeff"]))
def test_generated_documents(doc: str, prolog: str) -> None:
    check((prolog + doc).encode("utf-8", "surrogatepass"))
