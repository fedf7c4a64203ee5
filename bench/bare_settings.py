"""The project's settings with a bare view added: the floor for one request through
the same Django middleware and gunicorn as the SOAP endpoint (bench/bench.py)."""

from esws.settings import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
