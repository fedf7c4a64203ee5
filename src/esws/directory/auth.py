"""Authenticating a company's administrators (the SOAP calls' p_adminUsername/Password).

Every password verification in a web process runs in one of the process's
``ESWS_PASSWORD_HASH_SLOTS`` hashing slots (default 1). Argon2 costs 46 MiB
and one core per verification by default: the slots bound the memory that
hashing can take (web processes x slots x 46 MiB, whatever the number of
clients) and keep
the cores from thrashing between more verifications than they can run.
"""

from __future__ import annotations

import functools
import logging
import threading

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from esws.directory import throttle
from esws.directory.models import Admin

logger = logging.getLogger(__name__)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, made once per process."""
    return make_password("esws-no-such-admin")


@functools.cache
def _hashing_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings.ESWS_PASSWORD_HASH_SLOTS)


def verify_admin(
    company_id: int, username: str, admin: Admin | None, password: str, client: str = ""
) -> bool:
    """Whether ``admin``, the company's active admin of that username (None if
    there is none), has this password.

    An unknown or inactive username costs the same password verification as a
    wrong password, so response times do not tell which usernames exist. During
    a lockout (esws.directory.throttle) nothing is verified at all: the answer
    is the same False, and it costs no hashing.
    """
    limits = throttle.limits(company_id, username, client)
    with _hashing_slots():
        attempt = throttle.admit(limits)
        if attempt is None:
            logger.warning(
                "admin login refused (locked out): company %s, client %s",
                company_id, client or "-",
            )  # fmt: skip
            return False
        if admin is None:
            check_password(password, _dummy_hash())
        elif admin.check_password(password):
            throttle.succeeded(attempt)
            return True
        throttle.failed(attempt)
    logger.info("admin authentication failed: company %s, client %s", company_id, client or "-")
    return False
