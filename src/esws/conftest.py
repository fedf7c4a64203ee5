"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from esws.directory.demo import Demo, ensure_demo


@pytest.fixture
def demo(db) -> Demo:
    """The sandbox's demo data: company, admin, users with credentials, locations, terminals."""
    return ensure_demo()


@pytest.fixture(scope="session")
def service_processes(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn and a task worker, in their own processes, on the test database."""
    from esws.testing.processes import running_service

    with django_db_blocker.unblock(), running_service(tmp_path_factory.mktemp("service")) as url:
        yield url


@pytest.fixture
def live_service(service_processes, transactional_db) -> str:
    """Base URL of the running service; the test's data is committed so it can see it."""
    return service_processes


def _php_soap_available() -> bool:
    php = shutil.which("php")
    if php is None:
        return False
    out = subprocess.run([php, "-m"], capture_output=True, text=True, check=False).stdout
    return "soap" in out.lower().split()


def _chromium_available() -> bool:
    return Path("/usr/bin/chromium").exists()


_NEEDS = {
    "php": (_php_soap_available, "PHP's SoapClient (php-cli, php-soap) is not installed"),
    "browser": (_chromium_available, "Debian's chromium (/usr/bin/chromium) is not installed"),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip tests whose outside tool is missing; with ESWS_REQUIRE_ALL=1 (CI) fail them."""
    for marker, (available, why) in _NEEDS.items():
        if item.get_closest_marker(marker) and not available():
            if os.environ.get("ESWS_REQUIRE_ALL") == "1":
                pytest.fail(f"{why}, and ESWS_REQUIRE_ALL=1 requires it")
            pytest.skip(why)
