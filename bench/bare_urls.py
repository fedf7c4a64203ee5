"""The project's URLs plus /bare, a view that answers a fixed getSyncToken error
without reading the request: what Django and gunicorn cost before any SOAP work."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from esws.urls import urlpatterns as esws_urlpatterns

ANSWER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
    b'<SOAP-ENV:Body><ns1:Esws.getSyncTokenResponse xmlns:ns1="uen:esws">'
    b"<return>ERROR_NO_SECURITY_HASH</return>"
    b"</ns1:Esws.getSyncTokenResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
)


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ANSWER, content_type="text/xml; charset=utf-8")


urlpatterns = [path("bare", bare), *esws_urlpatterns]
