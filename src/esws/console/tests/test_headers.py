"""Cookies that work in a cross-site iframe, and the console's framing and security headers."""

from __future__ import annotations

from django.http import HttpResponse

from esws.console.middleware import partition_cookies
from esws.console.tests.conftest import link, page
from esws.tokens import tokens


def csp(response) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))


def test_the_session_cookie_is_partitioned(client, demo):
    response = client.get(link(tokens.issue(demo.admin, demo.person)))
    header = response.cookies["esws_session"].output()
    for attribute in ("HttpOnly", "Secure", "SameSite=None", "Partitioned"):
        assert f"; {attribute}" in header
    assert header.endswith("; Partitioned")


def test_deleting_the_cookie_is_partitioned_too(client, demo, open_link):
    """Browsers only let a Partitioned Set-Cookie replace a partitioned cookie."""
    open_link()
    response = client.post(page(demo.person) + "done")
    header = response.cookies["esws_session"].output()
    assert "Max-Age=0" in header
    assert header.endswith("; Partitioned")


def test_only_secure_cookies_are_partitioned():
    response = HttpResponse()
    response.set_cookie("a", "1", secure=True, samesite="None")
    response.set_cookie("b", "2")
    partition_cookies(response, ["a", "b", "missing"])
    partition_cookies(response, ["a"])
    assert response.cookies["a"].output().count("Partitioned") == 1
    assert "Partitioned" not in response.cookies["b"].output()


def test_the_company_decides_who_may_frame_its_console(client, demo, open_link):
    demo.company.frame_ancestors = (
        "https://hr.example.com\n\n  http://127.0.0.1:8081/ \n"
        "https://evil.example; script-src *\nnot an origin\n"
    )
    demo.company.save()
    open_link()
    for url in (page(demo.person), page(demo.person) + "status"):
        response = client.get(url)
        policy = csp(response)
        assert policy["frame-ancestors"] == "'self' https://hr.example.com http://127.0.0.1:8081"
        assert "script-src" not in policy
        assert policy["default-src"] == "'self'"
        assert "X-Frame-Options" not in response


def test_by_default_only_this_site_may_frame_the_console(client, demo, open_link):
    open_link()
    response = client.get(page(demo.person))
    assert csp(response)["frame-ancestors"] == "'self'"
    assert "X-Frame-Options" not in response


def test_security_headers_of_the_sync_page(client, demo, open_link):
    open_link()
    response = client.get(page(demo.person))
    assert csp(response) == {
        "default-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "object-src": "'none'",
        "frame-ancestors": "'self'",
    }
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Same-origin requests keep their Origin header, which the CSRF check needs.
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()
    assert "style=" not in response.content.decode()


def test_the_token_url_sends_no_referrer(client, demo):
    ok = client.get(link(tokens.issue(demo.admin, demo.person)))
    refused = client.get(link("0" * 128))
    for response in (ok, refused):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert "X-Frame-Options" not in response


def test_message_pages_may_be_framed_by_anyone(client, demo):
    """They carry no data and no action; the integrator's frame should show them."""
    for response in (
        client.get(link("0" * 128)),
        client.get(page(demo.person)),
        client.get("/users/sync/closed/"),
    ):
        assert csp(response)["frame-ancestors"] == "*"
        assert "X-Frame-Options" not in response


def test_pages_outside_the_console_keep_x_frame_options(client, db):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"  # the site's default, not the console's
