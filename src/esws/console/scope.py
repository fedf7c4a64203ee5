"""The console session a sync token opens: what it may reach, and for how long.

The session holds the token's scope (company, admin, person, optional
location) plus the run it started, and nothing else. Opening it flushes what
the browser's session held and issues a new key, so a planted session id is
worthless (fixation) and no operator login carries over into it. ``load``
checks the URL's person against the scope, ends the session after
ESWS_CONSOLE_IDLE_SECONDS without a request, and reads every row through the
scope's company.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from esws.directory.models import Admin, Company, Person
from esws.tokens.models import SyncToken

KEY = "esws_console"
# The idle clock is written at most this often, not on every status poll.
SEEN_RESOLUTION_SECONDS = 10


@dataclass(frozen=True)
class Console:
    company: Company
    admin: Admin
    person: Person
    token_location_id: int | None
    run_id: int | None
    notice: str


def open_console(request: HttpRequest, token: SyncToken) -> None:
    request.session.flush()
    request.session[KEY] = {
        "company": token.company_id,
        "admin": token.admin_id,
        "person": token.person_id,
        "location": token.location_id,
        "token": token.pk,
        "run": None,
        "notice": "",
        "seen": time.time(),
    }


def remember(request: HttpRequest, run_id: int | None, notice: str = "") -> None:
    """Keep the latest run (what a reload shows) or why none started."""
    data = request.session[KEY]
    data["run"] = run_id if run_id is not None else data["run"]
    data["notice"] = notice
    request.session.modified = True


def opened_for(request: HttpRequest) -> int | None:
    """The person this browser's console session was opened for, if it has one."""
    data = request.session.get(KEY)
    return data["person"] if data else None


def load(request: HttpRequest, person_id: int) -> Console | None:
    """The console for this person if the session is scoped to them and alive."""
    data = request.session.get(KEY)
    if not data or data["person"] != person_id:
        return None
    now = time.time()
    if now - data["seen"] > settings.ESWS_CONSOLE_IDLE_SECONDS:
        request.session.flush()
        return None
    company_id = data["company"]
    admin = (
        Admin.objects.select_related("company")
        .filter(pk=data["admin"], company_id=company_id, is_active=True)
        .first()
    )
    person = Person.objects.filter(pk=person_id, company_id=company_id).first()
    if admin is None or person is None:
        request.session.flush()
        return None
    if now - data["seen"] >= SEEN_RESOLUTION_SECONDS:
        data["seen"] = now
        request.session.modified = True
    return Console(admin.company, admin, person, data["location"], data["run"], data["notice"])
