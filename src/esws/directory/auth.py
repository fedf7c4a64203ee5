"""Authenticating a company's administrators (the SOAP calls' p_adminUsername/Password)."""

from __future__ import annotations

import functools
import logging

from django.contrib.auth.hashers import check_password, make_password

from esws.directory import throttle
from esws.directory.models import Admin, Company

logger = logging.getLogger(__name__)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, made once per process."""
    return make_password("esws-no-such-admin")


def authenticate_admin(
    company: Company, username: str, password: str, client: str = ""
) -> Admin | None:
    """The company's active admin with these credentials, or None.

    An unknown or inactive username costs the same password verification as a
    wrong password, so response times do not tell which usernames exist. During
    a lockout (esws.directory.throttle) nothing is verified at all: the answer
    is the same None, and it costs no hashing.
    """
    limits = throttle.limits(company.pk, username, client)
    if not throttle.admit(limits):
        logger.warning(
            "admin login refused (locked out): company %s, client %s", company.pk, client or "-"
        )
        return None
    admin = Admin.objects.filter(company=company, username=username, is_active=True).first()
    if admin is None:
        check_password(password, _dummy_hash())
    elif admin.check_password(password):
        throttle.succeeded(limits)
        return admin
    throttle.failed(limits)
    logger.info("admin authentication failed: company %s, client %s", company.pk, client or "-")
    return None
