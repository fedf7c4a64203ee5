"""The WSDL 1.1 description of the service, so clients need no hand-written XML.

RPC/encoded like the original, operations named ``Esws.<function>`` in
namespace ``uen:esws``. Every parameter is an xsd:string, even the location
id the documentation calls an integer: integrators send an empty string when
they have no location, and an xsd:int could not carry one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from esws.soap.codec import ESWS_NS, OPERATION_PREFIX, SOAP_ENC, XSD

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


@dataclass(frozen=True)
class Operation:
    """One operation: its name without ``Esws.``, its parameters in the documented
    order, and the function that answers it (parameters, client address) -> string."""

    name: str
    params: tuple[str, ...]
    doc: str
    call: Callable[[dict[str, str | None], str], str]


def _el(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{WSDL}}}{tag}", attrib)


def _soap(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{WSDL_SOAP}}}{tag}", attrib)


def build_wsdl(service_url: str, operations: Iterable[Operation]) -> bytes:
    """The WSDL of these operations with ``service_url`` as the endpoint address."""
    operations = tuple(operations)
    root = etree.Element(
        f"{{{WSDL}}}definitions",
        {"name": "Esws", "targetNamespace": ESWS_NS},
        nsmap={"wsdl": WSDL, "soap": WSDL_SOAP, "xsd": XSD, "tns": ESWS_NS},
    )
    for op in operations:
        request = _el(root, "message", name=f"{op.name}Request")
        for param in op.params:
            _el(request, "part", name=param, type="xsd:string")
        response = _el(root, "message", name=f"{op.name}Response")
        _el(response, "part", name="return", type="xsd:string")

    port_type = _el(root, "portType", name="EswsPortType")
    for op in operations:
        operation = _el(port_type, "operation", name=OPERATION_PREFIX + op.name)
        _el(operation, "documentation").text = op.doc
        _el(operation, "input", message=f"tns:{op.name}Request")
        _el(operation, "output", message=f"tns:{op.name}Response")

    binding = _el(root, "binding", name="EswsBinding", type="tns:EswsPortType")
    _soap(binding, "binding", style="rpc", transport=HTTP_TRANSPORT)
    for op in operations:
        operation = _el(binding, "operation", name=OPERATION_PREFIX + op.name)
        _soap(
            operation, "operation", soapAction=f"{ESWS_NS}#{OPERATION_PREFIX}{op.name}", style="rpc"
        )
        for direction in ("input", "output"):
            _soap(
                _el(operation, direction),
                "body",
                use="encoded",
                namespace=ESWS_NS,
                encodingStyle=SOAP_ENC,
            )

    service = _el(root, "service", name="Esws")
    port = _el(service, "port", name="EswsPort", binding="tns:EswsBinding")
    _soap(port, "address", location=service_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
