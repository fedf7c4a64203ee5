"""Configuration read from the environment, in one place.

Every setting an operator may change is an ``ESWS_*`` environment variable;
this module turns them into typed values so settings.py stays declarative.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return number


# Hosts whose plain-HTTP pages browsers count as secure contexts (and so keep
# Secure cookies from): loopback, and *.localhost.
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def secure_context(url: str) -> bool:
    """Whether browsers keep Secure cookies from pages under ``url``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return (
        parts.scheme == "https"
        or host in _LOOPBACK_HOSTS
        or host.startswith("127.")
        or host.endswith(".localhost")
    )


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def data_dir() -> Path:
    """Where the embedded database and the generated secret key live."""
    path = Path(env("ESWS_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """ESWS_SECRET_KEY, or a key generated once and kept in the data dir."""
    key = env("ESWS_SECRET_KEY")
    if key:
        return key
    path = data_dir() / "secret_key"
    try:
        # Created readable by the owner only, and by one process: others that
        # start at the same moment find it and read the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # another process created the file and is writing it
    raise ImproperlyConfigured(f"{path} is empty: delete it, or set ESWS_SECRET_KEY")


def database(url: str) -> dict[str, object]:
    """Django DATABASES entry from a URL: sqlite:///path or postgresql://user@host:port/name."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as in SQLAlchemy.
        name = unquote(parts.path[1:])
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or str(data_dir() / "esws.sqlite3"),
            "OPTIONS": {
                # WAL lets the web processes read while a worker writes;
                # IMMEDIATE takes the write lock up front so concurrent
                # writers wait (busy_timeout) instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("ESWS_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # Server-side binding lets psycopg prepare a statement after its
            # fifth use on a connection, so PostgreSQL stops planning the hot
            # queries anew: a third of its CPU per getSyncToken (bench/).
            # ESWS_DB_PREPARED=0 behind a pooler that cannot keep them.
            "OPTIONS": (
                {"server_side_binding": True, "prepare_threshold": 5}
                if env_bool("ESWS_DB_PREPARED", True)
                else {}
            ),
        }
    raise ValueError(f"ESWS_DATABASE_URL: unsupported scheme {parts.scheme!r}")
