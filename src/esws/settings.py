"""Django settings for esws. Operators configure it through ESWS_* variables (see README)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from esws import config

# Never on: Django's debug pages would show clients tracebacks and settings.
DEBUG = False
SECRET_KEY = config.secret_key()

CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in config.env("ESWS_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]

# The public base URL integrators' browsers reach; sync URLs are built on it.
ESWS_PUBLIC_URL = config.env("ESWS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Host names the service answers to: the public URL's and loopback, unless set.
ALLOWED_HOSTS = [
    h.strip()
    for h in config.env(
        "ESWS_ALLOWED_HOSTS", f"{urlsplit(ESWS_PUBLIC_URL).hostname},127.0.0.1,localhost,[::1]"
    ).split(",")
    if h.strip()
]
# How long a sync token may wait before it is redeemed.
ESWS_TOKEN_TTL_SECONDS = config.env_int("ESWS_TOKEN_TTL_SECONDS", 600, minimum=1)
# Largest SOAP request body accepted, in bytes.
ESWS_SOAP_MAX_BODY = config.env_int("ESWS_SOAP_MAX_BODY", 64 * 1024, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "esws.directory",
    "esws.tokens",
    "esws.soap",
    "esws.sync",
    "esws.terminals",
    "esws.console",
    "esws.ops",
]

MIDDLEWARE = [
    "esws.headers.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions, CSRF and X-Frame-Options: it rewrites what they add.
    "esws.console.middleware.ConsoleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "esws.urls"
WSGI_APPLICATION = "esws.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": config.database(
        config.env("ESWS_DATABASE_URL", f"sqlite:///{config.data_dir() / 'esws.sqlite3'}")
    )
}
# Tests use a file (SQLite) or a named database (PostgreSQL) that the service
# processes started by the end-to-end tests can open too; ESWS_TEST_DB_NAME
# lets several test runs share one machine without colliding.
_test_db = os.environ.get("ESWS_TEST_DB_NAME")
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    _test_db = _test_db or str(config.data_dir() / "test-esws.sqlite3")
if _test_db:
    DATABASES["default"]["TEST"] = {"NAME": _test_db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Syncs go to the queue ESWS_SYNC_QUEUE; `esws worker --queue` picks which to serve.
ESWS_SYNC_QUEUE = config.env("ESWS_SYNC_QUEUE", "default")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}

# Administrators' and operators' passwords: argon2id, parameters chosen in
# esws.directory.hashers (see the README's section on password hashing).
# Operators' logins to the admin site go through the same guessing limits.
AUTHENTICATION_BACKENDS = ["esws.directory.auth.ThrottledModelBackend"]
# (Django's own Argon2 hasher would be redundant: Django picks a stored hash's
# hasher by algorithm name, and the last one listed for "argon2" wins.)
PASSWORD_HASHERS = [
    "esws.directory.hashers.EswsArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.env("ESWS_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.data_dir() / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions and cookies: hardened by default. The console's session cookie must
# also work inside a cross-site iframe, so it is SameSite=None; Secure;
# Partitioned (see esws.console.middleware). Browsers drop Secure cookies sent
# over plain HTTP to any host but loopback: a service whose public URL is such
# (a sandbox on a LAN) sends ordinary SameSite=Lax cookies instead, so that the
# console works top-level there, though not in another site's frame
# (esws.console.checks warns).
ESWS_SECURE_COOKIES = config.secure_context(ESWS_PUBLIC_URL)
SESSION_COOKIE_NAME = "esws_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ESWS_SECURE_COOKIES
SESSION_COOKIE_SAMESITE = "None" if ESWS_SECURE_COOKIES else "Lax"
SESSION_COOKIE_AGE = config.env_int("ESWS_SESSION_AGE", 8 * 3600)
CSRF_COOKIE_SECURE = ESWS_SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE
# The CSRF token lives in the session: one (partitioned) cookie to carry in a
# cross-site iframe, and "Done" in the console invalidates both at once.
CSRF_USE_SESSIONS = True
# The admin site's messages (a new company's security code among them) stay
# on the server, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# A console session opened by a sync token ends after this long without a request.
ESWS_CONSOLE_IDLE_SECONDS = config.env_int("ESWS_CONSOLE_IDLE_SECONDS", 15 * 60, minimum=1)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if config.env_bool("ESWS_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "esws": {"level": config.env("ESWS_LOG_LEVEL", "INFO"), "propagate": True},
        "django.request": {"level": "ERROR"},
    },
}

# Password guessing: after this many failed logins within the window, further
# attempts for that (company, username) or from that address are refused for
# ESWS_LOCKOUT_SECONDS, without hashing (see esws.directory.throttle).
ESWS_LOCKOUT_USER_FAILURES = config.env_int("ESWS_LOCKOUT_USER_FAILURES", 5, minimum=1)
ESWS_LOCKOUT_ADDRESS_FAILURES = config.env_int("ESWS_LOCKOUT_ADDRESS_FAILURES", 30, minimum=1)
ESWS_LOCKOUT_WINDOW_SECONDS = config.env_int("ESWS_LOCKOUT_WINDOW_SECONDS", 900, minimum=1)
ESWS_LOCKOUT_SECONDS = config.env_int("ESWS_LOCKOUT_SECONDS", 900, minimum=1)
# argon2id cost of one password verification (esws.directory.hashers); the
# minimums are OWASP's for argon2id with one lane.
ESWS_ARGON2_MEMORY_KIB = config.env_int("ESWS_ARGON2_MEMORY_KIB", 46 * 1024, minimum=19 * 1024)
ESWS_ARGON2_TIME_COST = config.env_int("ESWS_ARGON2_TIME_COST", 2, minimum=2)
# Password verifications at once per web process (esws.directory.auth), each
# taking ESWS_ARGON2_MEMORY_KIB and a core. As many as the cores: clients'
# keep-alive connections may all land on one gunicorn process, which must then
# be able to keep every core verifying.
ESWS_PASSWORD_HASH_SLOTS = config.env_int("ESWS_PASSWORD_HASH_SLOTS", config.cpu_count(), minimum=1)

# Task workers beat every ESWS_WORKER_BEAT_SECONDS; one silent for
# ESWS_WORKER_DEAD_SECONDS is taken for dead and its running task is requeued.
ESWS_WORKER_BEAT_SECONDS = config.env_int("ESWS_WORKER_BEAT_SECONDS", 2, minimum=1)
# A live worker must never look dead: that would run its task twice.
ESWS_WORKER_DEAD_SECONDS = config.env_int(
    "ESWS_WORKER_DEAD_SECONDS", 15, minimum=2 * ESWS_WORKER_BEAT_SECONDS + 1
)

# Reverse proxies in front of gunicorn whose X-Forwarded-For is trusted (0: none).
ESWS_TRUSTED_PROXIES = config.env_int("ESWS_TRUSTED_PROXIES", 0)

# ZKTeco PUSH terminals (esws.terminals.push): seconds between a terminal's
# polls and before it reconnects after an error; when an unconfirmed command
# is sent again, and after how many sends it fails; the largest upload body;
# how many unknown serial numbers may wait for approval.
ESWS_PUSH_DELAY = config.env_int("ESWS_PUSH_DELAY", 10)
ESWS_PUSH_ERROR_DELAY = config.env_int("ESWS_PUSH_ERROR_DELAY", 30)
ESWS_PUSH_RESEND_SECONDS = config.env_int("ESWS_PUSH_RESEND_SECONDS", 60)
ESWS_PUSH_MAX_ATTEMPTS = config.env_int("ESWS_PUSH_MAX_ATTEMPTS", 5, minimum=1)
ESWS_PUSH_MAX_BODY = config.env_int("ESWS_PUSH_MAX_BODY", 2 * 1024 * 1024, minimum=1)
ESWS_PUSH_MAX_PENDING = config.env_int("ESWS_PUSH_MAX_PENDING", 500)
