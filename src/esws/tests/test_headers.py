"""Every response carries the security headers, whichever app answered it."""

from __future__ import annotations

import pytest

from esws.directory.demo import CODE
from esws.soap.tests.samples import seed_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/webservicesesws?wsdl"),
        ("post", "/webservicesesws"),
        ("get", "/iclock/cdata?SN=UNKNOWN1"),
        ("get", "/admin/login/"),
        ("get", "/no/such/page"),
        ("get", "/users/oneSyncUserLogin/" + "0" * 128),
    ],
)
def test_security_headers_on_every_page(client, demo, method, path):
    if method == "post":
        response = client.post(path, seed_request(CODE, "x", "y", "1"), content_type="text/xml")
    else:
        response = client.get(path)
    assert response.status_code < 500
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")


def test_sync_pages_keep_their_own_policy(client, demo):
    response = client.get("/users/oneSyncUserLogin/" + "0" * 128)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "style-src 'self' 'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_an_unknown_address_gets_a_readable_page(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_server_error_gets_a_readable_page_without_details(client, db, monkeypatch):
    from esws.console import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.tokens, "redeem", broken)
    client.raise_request_exception = False
    response = client.get("/users/oneSyncUserLogin/" + "0" * 128)
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong</h1>" in page
    assert "secret internal detail" not in page and "Traceback" not in page
