"""Requests as integrators send them, for the codec, endpoint and client tests."""

from __future__ import annotations

from xml.sax.saxutils import escape

from esws.soap.codec import SOAP_ENC, SOAP_ENV, XSD, XSI


def seed_request(
    code: str,
    username: str,
    password: str,
    user_id: str,
    location_id: str = "",
    *,
    header: bool = True,
) -> bytes:
    """The documentation's sample request, with the real namespace URIs filled in."""
    values = [
        ("p_companyID", code),
        ("p_adminUsername", username),
        ("p_adminPassword", password),
        ("p_userId", user_id),
        ("p_locationId", location_id),
    ]
    params = "\n".join(
        f'         <{name} xsi:type="xsd:string">{escape(value)}</{name}>' for name, value in values
    )
    return f"""<soapenv:Envelope xmlns:xsi="{XSI}" xmlns:xsd="{XSD}" \
xmlns:soapenv="{SOAP_ENV}" xmlns:uen="uen:esws">
   {"<soapenv:Header/>" if header else ""}
   <soapenv:Body>
      <uen:Esws.getSyncToken soapenv:encodingStyle="{SOAP_ENC}">
{params}
      </uen:Esws.getSyncToken>
   </soapenv:Body>
</soapenv:Envelope>
""".encode()


def envelope(body: str, namespace: str = SOAP_ENV) -> bytes:
    """Any Body content in a SOAP envelope."""
    return f'<s:Envelope xmlns:s="{namespace}"><s:Body>{body}</s:Body></s:Envelope>'.encode()


def billion_laughs() -> bytes:
    """Nine levels of entities, each ten of the one below: 10^9 "lol"s if expanded."""
    entities = "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10)
    )
    return (
        f"<!DOCTYPE s:Envelope [{entities}]>"
        + envelope("<getSyncToken><p_userId>&lol9;</p_userId></getSyncToken>").decode()
    ).encode()


def external_entity(uri: str) -> bytes:
    """A request whose user id would be the content of ``uri`` if entities were resolved."""
    return (
        f'<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "{uri}">]>'
        + envelope("<getSyncToken><p_userId>&xxe;</p_userId></getSyncToken>").decode()
    ).encode()


def nested(depth: int) -> bytes:
    """A call with ``depth`` elements nested inside its operation."""
    return envelope("<getSyncToken>" + "<a>" * depth + "</a>" * depth + "</getSyncToken>")
