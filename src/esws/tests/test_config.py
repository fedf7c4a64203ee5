"""Settings derived from the environment."""

from __future__ import annotations

import pytest
from django.core import checks

from esws import config


@pytest.mark.parametrize(
    ("url", "secure"),
    [
        ("https://esws.example.com", True),
        ("http://127.0.0.1:8000", True),
        ("http://127.0.0.2:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://sandbox.localhost", True),
        ("http://192.0.2.2:8080", False),
        ("http://myhost:8080", False),
        ("http://localhost.example.com", False),
    ],
)
def test_secure_context(url, secure):
    assert config.secure_context(url) is secure


def test_a_plain_http_public_url_off_loopback_is_warned_about(settings):
    settings.ESWS_PUBLIC_URL = "http://myhost:8080"
    settings.ESWS_SECURE_COOKIES = False
    (warning,) = [m for m in checks.run_checks() if m.id == "esws.W001"]
    assert "http://myhost:8080" in warning.msg
    assert "iframe" in warning.msg

    settings.ESWS_SECURE_COOKIES = True
    assert not [m for m in checks.run_checks() if m.id == "esws.W001"]
