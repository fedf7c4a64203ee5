"""SOAP 1.1 RPC/encoded codec for ESWS: bytes in, a typed call out; a result in, bytes out.

Sans-I/O on purpose: no Django, no sockets, so every hostile input can be
tested as a plain function call. The parser is hardened: the size is checked
before parsing, no DTD is loaded, no entity is resolved, nothing is fetched
from the network, libxml2's own limits (depth, entity amplification) stay on,
and a document that carries a DOCTYPE is refused whatever it declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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

_NSMAP = {"SOAP-ENV": SOAP_ENV, "xsd": XSD, "xsi": XSI, "SOAP-ENC": SOAP_ENC}


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


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_request(body: bytes, max_size: int) -> Call:
    """The call in a SOAP 1.1 request body, or SoapFault for anything else."""
    if len(body) > max_size:
        raise SoapFault("Client", f"request too large (limit {max_size} bytes)")
    if not body.strip():
        raise SoapFault("Client", "empty request")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise SoapFault(
            "Client", f"request is not well-formed XML (line {line}, column {column})"
        ) from None
    # libxml2 records every DOCTYPE, with or without an internal subset, as one.
    if root.getroottree().docinfo.internalDTD is not None:
        raise SoapFault("Client", "a DOCTYPE is not allowed in a SOAP message")
    _check_depth(root)

    envelope = etree.QName(root)
    if envelope.localname != "Envelope":
        raise SoapFault("Client", "not a SOAP envelope")
    if envelope.namespace != SOAP_ENV:
        version = "SOAP 1.2" if envelope.namespace == SOAP12_ENV else "an unknown SOAP version"
        raise SoapFault("VersionMismatch", f"version mismatch: {version}; ESWS speaks SOAP 1.1")
    body_element = root.find(f"{{{SOAP_ENV}}}Body")
    if body_element is None:
        raise SoapFault("Client", "no SOAP Body")
    operation = next(body_element.iterchildren(tag=etree.Element), None)
    if operation is None:
        raise SoapFault("Client", "no operation in the SOAP Body")
    # The operation's namespace is not checked: hand-written requests vary.
    name = etree.QName(operation).localname.removeprefix(OPERATION_PREFIX)
    return Call(operation=name, params=_params(operation))


def _check_depth(root: etree._Element) -> None:
    level = [root]
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise SoapFault("Client", f"elements nested deeper than {MAX_DEPTH} levels")
        level = [child for element in level for child in element.iterchildren(tag=etree.Element)]
        depth += 1


def _params(operation: etree._Element) -> dict[str, str | None]:
    params: dict[str, str | None] = {}
    for element in operation.iterchildren(tag=etree.Element):
        name = etree.QName(element).localname
        key = name.lower()
        if key in params:
            raise SoapFault("Client", f"parameter {name} given twice")
        if len(element):
            raise SoapFault("Client", f"parameter {name} must be a simple value")
        nil = element.get(f"{{{XSI}}}nil", "").strip() in ("true", "1")
        text = element.text
        params[key] = None if nil or text is None or not text.strip() else text
    return params


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=_NSMAP)
    envelope.set(f"{{{SOAP_ENV}}}encodingStyle", SOAP_ENC)
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def _serialize(envelope: etree._Element) -> bytes:
    # The declaration written out in the usual double-quoted form lxml does not use.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(envelope, encoding="UTF-8")


def build_response(operation: str, value: str) -> bytes:
    """The answer to ``Esws.<operation>``: one ``return`` string, shaped like the original's."""
    envelope, body = _envelope()
    response = etree.SubElement(
        body, f"{{{ESWS_NS}}}{OPERATION_PREFIX}{operation}Response", nsmap={"ns1": ESWS_NS}
    )
    result = etree.SubElement(response, "return")
    result.set(f"{{{XSI}}}type", "xsd:string")
    result.text = value
    return _serialize(envelope)


def build_fault(code: FaultCode, message: str) -> bytes:
    """A SOAP 1.1 Fault; ``code`` is one of the SOAP-ENV fault codes."""
    envelope, body = _envelope()
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"SOAP-ENV:{code}"
    etree.SubElement(fault, "faultstring").text = message
    return _serialize(envelope)
