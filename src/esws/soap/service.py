"""The ESWS operations as domain functions: parameters in, the ``return`` string out."""

from __future__ import annotations

import logging
import re
from typing import TypeVar

from django.db import models

from esws.directory.auth import authenticate_admin
from esws.directory.models import Company, Location, Person, sync_filter_of
from esws.soap import answers
from esws.tokens import tokens

logger = logging.getLogger("esws.soap")

# Ids are ASCII digits that fit a 64-bit primary key; int() alone would also
# take "+5", "1_000" and non-ASCII digits, and overflow the database column.
_ID_RE = re.compile(r"[0-9]{1,18}")

M = TypeVar("M", bound=models.Model)


def _by_id(queryset: models.QuerySet[M], value: str) -> M | None:
    value = value.strip()
    return (
        queryset.filter(pk=int(value)).order_by("pk").first() if _ID_RE.fullmatch(value) else None
    )


def get_sync_token(params: dict[str, str | None], client: str) -> str:
    """A sync token for one user, or the documented error string; one log line per call."""
    answer, company = _get_sync_token(params, client)
    outcome = "token issued" if tokens.TOKEN_RE.fullmatch(answer) else answer
    logger.info(
        "getSyncToken: %s (company %s, client %s)",
        outcome,
        company.pk if company else "-",
        client or "-",
    )
    return answer


def _get_sync_token(params: dict[str, str | None], client: str) -> tuple[str, Company | None]:
    # Checked in the documentation's order: integrators rely on which error comes first.
    code = params.get("p_companyid")
    if code is None:
        return answers.NO_SECURITY_HASH, None
    company = Company.by_code(code.strip())
    if company is None:
        return answers.UNKNOWN_SECURITY_HASH, None
    username = params.get("p_adminusername")
    if username is None:
        return answers.NO_USERNAME, company
    password = params.get("p_adminpassword")
    if password is None:
        return answers.NO_PASSWORD, company
    user_id = params.get("p_userid")
    if user_id is None:
        return answers.NO_USERID, company
    admin = authenticate_admin(company, username, password, client=client)
    if admin is None:
        return answers.NO_ADMIN, company
    person = _by_id(Person.objects.filter(company=company), user_id)
    if person is None:
        return answers.NO_USER, company

    location: Location | None = None
    location_id = params.get("p_locationid")
    if location_id is not None:
        # allowed_locations() is already limited to the admin's company.
        location = _by_id(sync_filter_of(admin).allowed_locations(), location_id)
        if location is None:
            return answers.NO_LOCATION, company
    return tokens.issue(admin, person, location, client=client), company
