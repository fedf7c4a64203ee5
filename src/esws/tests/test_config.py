"""Settings derived from the environment."""

from __future__ import annotations

import os
import subprocess
import sys

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


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"ESWS_TOKEN_TTL_SECONDS": "soon"},
            "ESWS_TOKEN_TTL_SECONDS must be a whole number >= 1, not 'soon'",
        ),
        (
            {"ESWS_WORKER_BEAT_SECONDS": "5", "ESWS_WORKER_DEAD_SECONDS": "8"},
            "ESWS_WORKER_DEAD_SECONDS must be a whole number >= 11, not '8'",
        ),
    ],
)
def test_a_bad_setting_is_one_line_and_a_non_zero_exit(variables, message, tmp_path):
    env = {**os.environ, "ESWS_DATA_DIR": str(tmp_path), **variables}
    done = subprocess.run(
        [sys.executable, "-m", "esws.cli", "check"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"esws: configuration error: {message}"]


def test_processes_starting_together_share_one_secret_key(tmp_path):
    script = "from esws import config; print(config.secret_key())"
    env = {**os.environ, "ESWS_DATA_DIR": str(tmp_path)}
    env.pop("ESWS_SECRET_KEY", None)
    procs = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and len(keys.pop()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
