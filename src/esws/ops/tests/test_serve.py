"""``esws serve``, as the sandbox runs it: web and worker processes, a sync end to end."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from esws.directory.demo import ensure_demo
from esws.sync import runs
from esws.sync.models import SyncRun
from esws.testing.processes import free_port, service_env, wait_http

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_serve_runs_web_and_worker_and_stops_cleanly(settings):
    settings.ESWS_SYNC_QUEUE = "serve-test"  # out of reach of the session's service worker
    demo = ensure_demo()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "esws.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=service_env({"ESWS_SYNC_QUEUE": "serve-test"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/webservicesesws?wsdl", proc)
        run = runs.start(demo.admin, demo.person, demo.location)
        deadline = time.monotonic() + 60
        while SyncRun.objects.get(pk=run.pk).status != SyncRun.Status.DONE:
            assert time.monotonic() < deadline, "the worker did not finish the sync"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    assert proc.returncode == 0, output
    assert f"serving on http://127.0.0.1:{port}" in output
