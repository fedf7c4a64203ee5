"""The HTTP shell around the codec: POST a SOAP call, GET ?wsdl for the description."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from esws.http import BodyError, client_address, read_body
from esws.soap import codec, service
from esws.soap.codec import OPERATION_PREFIX
from esws.soap.wsdl import Operation, build_wsdl

logger = logging.getLogger("esws.soap")

XML = "text/xml; charset=utf-8"
PATH = "/webservicesesws"

# Operation name (without "Esws.") -> the operation.
OPERATIONS: dict[str, Operation] = {op.name: op for op in service.OPERATIONS}


@functools.cache
def _wsdl(service_url: str) -> bytes:
    return build_wsdl(service_url, service.OPERATIONS)


def _fault(code: codec.FaultCode, message: str) -> HttpResponse:
    # SOAP 1.1 over HTTP: a Fault travels with status 500.
    response = HttpResponse(codec.build_fault(code, message), content_type=XML, status=500)
    # Logged here already, at its true level: django.request would log every
    # 500 as a server error, a client's malformed call included.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _call(request: HttpRequest) -> HttpResponse:
    if request.content_type == "application/soap+xml":
        raise codec.SoapFault("VersionMismatch", "version mismatch: SOAP 1.2; ESWS speaks SOAP 1.1")
    limit = settings.ESWS_SOAP_MAX_BODY
    try:
        body = read_body(request, limit)
    except BodyError as exc:
        raise codec.SoapFault("Client", f"request {exc.message}") from None
    call = codec.parse_request(body, limit)
    operation = OPERATIONS.get(call.operation)
    if operation is None:
        raise codec.SoapFault(
            "Client",
            f"unknown operation {OPERATION_PREFIX}{call.operation}; this service answers "
            + ", ".join(OPERATION_PREFIX + name for name in OPERATIONS),
        )
    answer = operation.call(call.params, client_address(request))
    return HttpResponse(codec.build_response(call.operation, answer), content_type=XML)


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        if any(key.lower() == "wsdl" for key in request.GET):
            return HttpResponse(_wsdl(settings.ESWS_PUBLIC_URL + PATH), content_type=XML)
        return _not_allowed()
    if request.method != "POST":
        return _not_allowed()
    try:
        return _call(request)
    except codec.SoapFault as fault:
        logger.info(
            "SOAP fault %s: %s (client %s)",
            fault.code,
            fault.message,
            client_address(request) or "-",
        )
        return _fault(fault.code, fault.message)
    except Exception:
        logger.exception("SOAP call failed")
        return _fault("Server", "internal error")


def _not_allowed() -> HttpResponse:
    response = HttpResponse(
        "POST SOAP 1.1 calls here; GET ?wsdl for the WSDL.\n",
        content_type="text/plain; charset=utf-8",
        status=405,
    )
    response["Allow"] = "GET, HEAD, POST"
    return response
