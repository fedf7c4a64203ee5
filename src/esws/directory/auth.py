"""Password logins: a company's administrators (the SOAP calls' p_adminUsername
and p_adminPassword) and the admin site's operators.

Both go through ``guarded``: the login throttle first (esws.directory.throttle),
then the verification in one of the process's ``ESWS_PASSWORD_HASH_SLOTS``
hashing slots (by default as many as the cores). Argon2 costs 46 MiB and one
core per verification by default, and releases the GIL: the slots let one
process keep every core verifying, and bound the memory that hashing can take
(web processes x slots x 46 MiB, whatever the number of clients).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.http import HttpRequest

from esws.directory import throttle
from esws.directory.models import Admin
from esws.http import client_address

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

    def verify() -> bool:
        if admin is None:
            check_password(password, _dummy_hash())
            return False
        return admin.check_password(password)

    who = f"admin of company {company_id}"
    return guarded(throttle.user_key(company_id, username), client, verify, who)


def guarded(user: str, client: str, verify: Callable[[], bool], who: str) -> bool:
    """``verify()``, one password verification, under the throttle of ``user`` (a
    throttle key) and ``client``, in a hashing slot; False without verifying
    during a lockout. ``who`` names the login in the log, never the password."""
    with _hashing_slots():
        attempt = throttle.admit(throttle.limits(user, client))
        if attempt is None:
            logger.warning("login refused (locked out): %s, client %s", who, client or "-")
            return False
        if verify():
            throttle.succeeded(attempt)
            return True
        throttle.failed(attempt)
    logger.info("authentication failed: %s, client %s", who, client or "-")
    return False


class ThrottledModelBackend(ModelBackend):
    """The admin site's logins, under the same guessing limits as administrators'."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user: User | None = None

        def verify() -> bool:
            nonlocal user
            user = super(ThrottledModelBackend, self).authenticate(
                request, username=username, password=password, **kwargs
            )
            return user is not None

        client = client_address(request) if request is not None else ""
        guarded(throttle.operator_key(username), client, verify, f"operator {username!r}")
        return user
