"""Fixtures shared by every app's tests."""

from __future__ import annotations

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
