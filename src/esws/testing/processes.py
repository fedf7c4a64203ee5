"""Start gunicorn and task workers against the test database, as production runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """A URL for the database the test run is using right now."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def service_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "esws.settings",
            "ESWS_DATABASE_URL": database_url(),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("ESWS_TEST_DB_NAME", None)
    env.update(extra or {})
    return env


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_worker(env: dict[str, str], log: Path, queue: str = "default") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "esws.cli", "worker", "--interval", "0.05", "--queue", queue],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@contextmanager
def running_service(
    workdir: Path,
    web_workers: int = 2,
    task_workers: int = 1,
    extra_env: dict[str, str] | None = None,
    public_host: str = "127.0.0.1",
) -> Iterator[str]:
    """gunicorn plus task workers on a free port of loopback; yields the public base URL,
    on ``public_host`` (a name the test's client maps to loopback)."""
    port = free_port()
    base = f"http://{public_host}:{port}"
    env = service_env({"ESWS_PUBLIC_URL": base, **(extra_env or {})})
    log = workdir / "service.log"
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "esws.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--logger-class",
            "esws.gunicorn.RedactingLogger",
            "--no-control-socket",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    workers = [start_worker(env, log) for _ in range(task_workers)]
    try:
        wait_http(f"http://127.0.0.1:{port}/webservicesesws?wsdl", web)
        yield base
    finally:
        for proc in [web, *workers]:
            stop(proc)


def rss_bytes(base_url: str) -> int:
    """Resident memory of the gunicorn master and workers serving ``base_url``.

    Forked workers keep the master's command line, so its --bind finds them all.
    """
    bind = base_url.removeprefix("http://").encode()
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if bind not in (proc / "cmdline").read_bytes():
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
