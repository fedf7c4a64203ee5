"""The ESWS operations as domain functions: parameters in, the ``return`` string out."""

from __future__ import annotations

import logging

from esws.directory.auth import verify_admin
from esws.http import parse_id
from esws.soap import answers, lookup
from esws.soap.wsdl import Operation
from esws.tokens import tokens

logger = logging.getLogger("esws.soap")


def get_sync_token(params: dict[str, str | None], client: str) -> str:
    """A sync token for one user, or the documented error string; one log line per call."""
    answer, company = _get_sync_token(params, client)
    outcome = "token issued" if tokens.TOKEN_RE.fullmatch(answer) else answer
    logger.info(
        "getSyncToken: %s (company %s, client %s)",
        outcome,
        company or "-",
        client or "-",
    )
    return answer


def _get_sync_token(params: dict[str, str | None], client: str) -> tuple[str, int | None]:
    # Checked in the documentation's order: integrators rely on which error comes first.
    code = params.get("p_companyid")
    if code is None:
        return answers.NO_SECURITY_HASH, None
    username = params.get("p_adminusername")
    location_param = params.get("p_locationid")
    location_id = parse_id(location_param)
    facts = lookup.facts(code.strip(), username, parse_id(params.get("p_userid")), location_id)
    if facts is None:
        return answers.UNKNOWN_SECURITY_HASH, None
    company = facts.company_id
    if username is None:
        return answers.NO_USERNAME, company
    password = params.get("p_adminpassword")
    if password is None:
        return answers.NO_PASSWORD, company
    if params.get("p_userid") is None:
        return answers.NO_USERID, company
    if not verify_admin(company, username, facts.admin, password, client=client):
        return answers.NO_ADMIN, company
    assert facts.admin is not None  # verify_admin is False without an admin
    if facts.person is None:
        return answers.NO_USER, company
    if location_param is not None and facts.location is None:
        return answers.NO_LOCATION, company
    return tokens.issue(facts.admin, facts.person, facts.location, client=client), company


OPERATIONS = (
    Operation(
        "getSyncToken",
        ("p_companyID", "p_adminUsername", "p_adminPassword", "p_userId", "p_locationID"),
        "A one-time token for the sync URL of one user; or an error string.",
        get_sync_token,
    ),
)
