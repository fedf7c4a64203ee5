"""SOAP 1.1 RPC/encoded codec for ESWS: bytes in, a typed call out; a result in, bytes out.

Sans-I/O on purpose: no Django, no sockets, so every hostile input can be
tested as a plain function call. The parser is hardened: the size is checked
before parsing, no DTD is loaded, no entity is resolved, nothing is fetched
from the network, libxml2's own limits (depth, entity amplification) stay on,
and a document that carries a DOCTYPE is refused whatever it declares.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ESWS_NS = "uen:esws"
# ESWS names its operations "Esws.<function>" (a class-and-method style name).
OPERATION_PREFIX = "Esws."
# A call is Envelope/Body/operation/parameter; anything much deeper is not ESWS.
MAX_DEPTH = 16

FaultCode = Literal["Client", "Server", "VersionMismatch"]


class SoapFault(Exception):
    """Whatever must be answered with a SOAP Fault instead of a return value."""

    def __init__(self, code: FaultCode, message: str) -> None:
        super().__init__(message)
        self.code: FaultCode = code
        self.message = message


@dataclass(frozen=True)
class Call:
    """One RPC call: the operation without the ``Esws.`` prefix, and its parameters.

    Parameter names are lower-cased because integrators spell them both
    ``p_locationID`` and ``p_locationId``; an empty, all-whitespace or nil
    value is None, meaning "not provided".
    """

    operation: str
    params: dict[str, str | None]


_ENVELOPE_TAG = f"{{{SOAP_ENV}}}Envelope"
_BODY_TAG = f"{{{SOAP_ENV}}}Body"
_NIL_ATTR = f"{{{XSI}}}nil"
# True when some element lies deeper than MAX_DEPTH: one compiled XPath, no
# Python loop over the tree.
_TOO_DEEP = etree.XPath("boolean(/*" + "/*" * MAX_DEPTH + ")")


class _Parsers(threading.local):
    """One hardened parser per thread: lxml parsers may be reused one document
    after another, but should not be shared between threads."""

    def __init__(self) -> None:
        self.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            dtd_validation=False,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )


_parsers = _Parsers()


def _localname(tag: str) -> str:
    return tag.rpartition("}")[2]


def parse_request(body: bytes, max_size: int) -> Call:
    """The call in a SOAP 1.1 request body, or SoapFault for anything else."""
    if len(body) > max_size:
        raise SoapFault("Client", f"request too large (limit {max_size} bytes)")
    if not body.strip():
        raise SoapFault("Client", "empty request")
    try:
        root = etree.fromstring(body, _parsers.parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise SoapFault(
            "Client", f"request is not well-formed XML (line {line}, column {column})"
        ) from None
    # libxml2 records every DOCTYPE, with or without an internal subset, as one.
    if root.getroottree().docinfo.internalDTD is not None:
        raise SoapFault("Client", "a DOCTYPE is not allowed in a SOAP message")
    if _TOO_DEEP(root):
        raise SoapFault("Client", f"elements nested deeper than {MAX_DEPTH} levels")

    if root.tag != _ENVELOPE_TAG:
        envelope = etree.QName(root)
        if envelope.localname != "Envelope":
            raise SoapFault("Client", "not a SOAP envelope")
        version = "SOAP 1.2" if envelope.namespace == SOAP12_ENV else "an unknown SOAP version"
        raise SoapFault("VersionMismatch", f"version mismatch: {version}; ESWS speaks SOAP 1.1")
    body_element = root.find(_BODY_TAG)
    if body_element is None:
        raise SoapFault("Client", "no SOAP Body")
    operation = next(body_element.iterchildren(tag=etree.Element), None)
    if operation is None:
        raise SoapFault("Client", "no operation in the SOAP Body")
    # The operation's namespace is not checked: hand-written requests vary.
    name = _localname(operation.tag).removeprefix(OPERATION_PREFIX)
    return Call(operation=name, params=_params(operation))


def _params(operation: etree._Element) -> dict[str, str | None]:
    params: dict[str, str | None] = {}
    for element in operation.iterchildren(tag=etree.Element):
        name = _localname(element.tag)
        key = name.lower()
        if key in params:
            raise SoapFault("Client", f"parameter {name} given twice")
        if len(element):
            raise SoapFault("Client", f"parameter {name} must be a simple value")
        nil = element.get(_NIL_ATTR, "").strip() in ("true", "1")
        text = element.text
        params[key] = None if nil or text is None or not text.strip() else text
    return params


# Every answer and fault starts like the original service's.
_RESPONSE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV}" xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" '
    f'xmlns:SOAP-ENC="{SOAP_ENC}" SOAP-ENV:encodingStyle="{SOAP_ENC}"><SOAP-ENV:Body>'
).encode()


def build_response(operation: str, value: str) -> bytes:
    """The answer to ``Esws.<operation>``: one ``return`` string, shaped like the original's.

    Written from a template rather than a tree: an answer is fixed markup
    around one escaped string, and the error path answers thousands a second.
    ``operation`` is a name the parser produced, so it is a valid XML name.
    """
    element = OPERATION_PREFIX + operation + "Response"
    return b"".join(
        (
            _RESPONSE_HEAD,
            f'<ns1:{element} xmlns:ns1="{ESWS_NS}"><return xsi:type="xsd:string">'.encode(),
            _xml_text(value),
            f"</return></ns1:{element}></SOAP-ENV:Body></SOAP-ENV:Envelope>".encode(),
        )
    )


def _xml_text(value: str) -> bytes:
    # \r would come back as \n from any parser unless written as a reference.
    return escape(value, {"\r": "&#13;"}).encode()


def build_fault(code: FaultCode, message: str) -> bytes:
    """A SOAP 1.1 Fault; ``code`` is one of the SOAP-ENV fault codes."""
    return b"".join(
        (
            _RESPONSE_HEAD,
            f"<SOAP-ENV:Fault><faultcode>SOAP-ENV:{code}</faultcode><faultstring>".encode(),
            _xml_text(message),
            b"</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>",
        )
    )
