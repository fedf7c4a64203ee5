"""Password-guessing limits for administrator logins (getSyncToken).

Each attempt first reserves a slot under two keys, the (company, username)
and the client address, inside one transaction. A key over its limit refuses
the attempt before any password hashing, so a flood of guesses costs one
indexed UPDATE each, not an Argon2 computation, and a correct password during
a lockout does not get through. The reservation is taken before hashing, so
concurrent guesses cannot slip past the limit together. Success clears the
user's count and gives back the address's slot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from esws.directory.models import LoginThrottle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    key: str
    failures: int


def limits(company_id: int, username: str, client: str) -> list[Limit]:
    found = [Limit(f"user:{company_id}:{username.casefold()}", settings.ESWS_LOCKOUT_USER_FAILURES)]
    if client:
        found.append(Limit(f"addr:{client}", settings.ESWS_LOCKOUT_ADDRESS_FAILURES))
    return found


def _window() -> timedelta:
    return timedelta(seconds=settings.ESWS_LOCKOUT_WINDOW_SECONDS)


def _row(key: str, now: datetime) -> LoginThrottle:
    row = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return LoginThrottle.objects.create(key=key, window_started_at=now)
    except IntegrityError:
        return LoginThrottle.objects.select_for_update().get(key=key)


def admit(keys: list[Limit]) -> bool:
    """Reserve an attempt under every key, or refuse it (no hashing must follow)."""
    now = timezone.now()
    with transaction.atomic():
        rows = [(limit, _row(limit.key, now)) for limit in keys]
        for limit, row in rows:
            if row.locked_until and row.locked_until > now:
                return False
            if row.window_started_at <= now - _window():
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            if row.failures >= limit.failures:
                return False
        for _, row in rows:
            row.failures += 1
            row.save(update_fields=["failures", "window_started_at", "locked_until"])
    return True


def failed(keys: list[Limit]) -> None:
    """The reserved attempt failed: lock keys that reached their limit."""
    now = timezone.now()
    until = now + timedelta(seconds=settings.ESWS_LOCKOUT_SECONDS)
    for limit in keys:
        locked = LoginThrottle.objects.filter(
            key=limit.key, failures__gte=limit.failures, locked_until__isnull=True
        ).update(locked_until=until)
        if locked:
            log.warning(
                "lockout: %s after %d failed logins, until %s",
                limit.key, limit.failures, until.isoformat(timespec="seconds"),
            )  # fmt: skip


def succeeded(keys: list[Limit]) -> None:
    """The reserved attempt succeeded: forget the user's failures, return the address's slot."""
    for limit in keys:
        if limit.key.startswith("user:"):
            LoginThrottle.objects.filter(key=limit.key).update(failures=0)
        else:
            LoginThrottle.objects.filter(key=limit.key, failures__gt=0).update(
                failures=F("failures") - 1
            )


def lift(key_prefix: str) -> int:
    """Operator action: end lockouts and counts whose key starts with the prefix."""
    deleted, _ = LoginThrottle.objects.filter(key__startswith=key_prefix).delete()
    return deleted
