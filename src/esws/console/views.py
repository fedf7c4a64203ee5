"""The sync console: the pages a sync token opens (seed, notes 1 to 4).

The token is redeemed once, the browser gets a fresh session scoped to one
user, and is sent on (303) to that user's sync page so the token leaves the
address bar. Syncs run in task workers; the page polls a JSON status URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from esws.console import display, scope
from esws.console.framing import ANYONE, company_frame_ancestors, content_security_policy
from esws.console.scope import Console
from esws.directory.models import Admin, Location, Person, sync_filter_of
from esws.http import client_address, parse_id
from esws.sync import runs
from esws.sync.models import SyncRun
from esws.tokens import tokens

log = logging.getLogger(__name__)

INVALID_LINK = (
    "This link is invalid or has expired",
    "A sync link works once, for a few minutes. Ask the application you came from for a new one.",
    "warning",
)
SESSION_ENDED = (
    "Your session has ended",
    "It ended after a while without activity, or because another sync was opened in "
    "this browser. To synchronize again, ask the application for a new link.",
    "info",
)
OTHER_USER = (
    "Not part of this session",
    "A sync link opens the console for one user only. To synchronize another user, "
    "ask the application for a link for that user.",
    "warning",
)
CLOSED = ("Session closed", "You can close this window.", "ok")


def _message(request: HttpRequest, page: tuple[str, str, str], status: int) -> HttpResponse:
    title, text, tone = page
    context = {"title": title, "text": text, "tone": tone}
    response = render(request, "console/message.html", context, status=status)
    response.headers["Content-Security-Policy"] = content_security_policy(ANYONE)
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _refused(request: HttpRequest, page: tuple[str, str, str]) -> HttpResponse:
    if not _wants_json(request):
        return _message(request, page, 403)
    title, text, _ = page
    response = JsonResponse({"state": "ended", "title": title, "message": text}, status=403)
    response.headers["Content-Security-Policy"] = content_security_policy(ANYONE)
    return response


def scoped(
    view: Callable[[HttpRequest, Console], HttpResponse],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """Only the person the session was opened for, while the session lives;
    framing as the person's company allows. Referrers stay on for this origin:
    with no-referrer, browsers send "Origin: null" on same-origin POSTs, which
    the CSRF check rightly refuses."""

    @wraps(view)
    def wrapper(request: HttpRequest, person_id: int) -> HttpResponse:
        console = scope.load(request, person_id)
        if console is None:
            opened_for = scope.opened_for(request)
            other = opened_for is not None and opened_for != person_id
            return _refused(request, OTHER_USER if other else SESSION_ENDED)
        response = view(request, console)
        ancestors = company_frame_ancestors(console.company)
        response.headers["Content-Security-Policy"] = content_security_policy(ancestors)
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _start(request: HttpRequest, admin: Admin, person: Person, location: Location) -> SyncRun:
    run = runs.start(admin, person, location)
    scope.remember(request, run.pk)
    return run


def _current_run(console: Console) -> SyncRun | None:
    if console.run_id is None:
        return None
    return (
        SyncRun.objects.filter(pk=console.run_id, company=console.company, person=console.person)
        .select_related("location")
        .first()
    )


def _location(console: Console, value: str) -> Location | None:
    """The company's location with this id; None for anything else, however malformed."""
    location_id = parse_id(value)
    if location_id is None:
        return None
    return Location.objects.filter(company=console.company, pk=location_id).first()


@require_GET
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """Redeem once; on any failure answer 410 and leave the session alone."""
    client = client_address(request)
    row = tokens.redeem(token, client=client)
    if row is None:
        log.info("console: sync link refused (client %s)", client)
        return _message(request, INVALID_LINK, 410)
    scope.open_console(request, row)
    log.info("console: admin %s opened user %s (token #%s)", row.admin_id, row.person_id, row.pk)
    if row.location is not None:
        try:
            _start(request, row.admin, row.person, row.location)
        except runs.LocationNotAllowed:
            scope.remember(request, None, f"{row.location} is outside your sync filters.")
    return _see_other(reverse("console:sync", args=[row.person_id]))


@require_GET
@scoped
def sync_page(request: HttpRequest, console: Console) -> HttpResponse:
    overview = display.overview(console, sync_filter_of(console.admin))
    run = _current_run(console)
    option_ids = [option.id for option in overview.options]
    if run is not None and run.location_id in option_ids:
        selected: int | None = run.location_id
    elif console.token_location_id in option_ids:
        selected = console.token_location_id
    else:
        selected = option_ids[0] if len(option_ids) == 1 else None
    return render(
        request,
        "console/sync.html",
        {
            "console": console,
            "overview": overview,
            "selected": selected,
            "status": display.run_status(run),
            "busy": run is not None and run.status in display.ACTIVE,
            "idle_seconds": settings.ESWS_CONSOLE_IDLE_SECONDS,
        },
    )


@require_POST
@scoped
def start_sync(request: HttpRequest, console: Console) -> HttpResponse:
    """Start a run for the chosen location: JSON for the page's script, 303 without it."""
    current = _current_run(console)
    location = _location(console, request.POST.get("location", ""))
    run = None
    if current is not None and current.status in display.ACTIVE:
        error, status = "A sync is already running; wait for it to finish.", 409
    elif location is None:
        error, status = "Choose a location.", 400
    else:
        try:
            run = _start(request, console.admin, console.person, location)
            error, status = "", 202
        except runs.LocationNotAllowed:
            error, status = f"{location} is outside your sync filters.", 400
    if _wants_json(request):
        body = {"error": error} if error else display.run_status(run)
        return JsonResponse(body, status=status)
    if error:
        scope.remember(request, None, error)
    return _see_other(reverse("console:sync", args=[console.person.pk]))


@require_GET
@scoped
def status(request: HttpRequest, console: Console) -> HttpResponse:
    return JsonResponse(display.run_status(_current_run(console)))


@require_POST
@scoped
def done(request: HttpRequest, console: Console) -> HttpResponse:
    request.session.flush()
    return _see_other(reverse("console:closed"))


@require_GET
def closed(request: HttpRequest) -> HttpResponse:
    return _message(request, CLOSED, 200)
