"""Password-guessing limits for logins: administrators (getSyncToken) and operators (admin site).

Failures are counted under two keys, the (company, username) and the client
address. A key that reached its limit within the window is locked: attempts
under it are refused before any password hashing, so a flood of guesses costs
one indexed SELECT each, not an Argon2 computation, and a correct password
during a lockout does not get through. Only failures count: any number of
concurrent logins with the right password pass.

The check and the verification run inside a hashing slot (esws.directory.auth),
so no more guesses than there are slots (web processes x
ESWS_PASSWORD_HASH_SLOTS) are checked at once: at most that number minus one
can pass a limit together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from esws.directory.models import USERNAME_LENGTH, LoginThrottle

log = logging.getLogger(__name__)
_TABLE = LoginThrottle._meta.db_table


@dataclass(frozen=True)
class Limit:
    key: str
    failures: int


@dataclass(frozen=True)
class Attempt:
    """An admitted login attempt; ``clean`` when no key had failures on record."""

    limits: list[Limit]
    clean: bool


# No admin has a longer username; guesses with longer ones share the key of
# their first characters, which keeps every key within its column.
_USERNAME_CHARS = USERNAME_LENGTH + 1


def user_key(company_id: int, username: str) -> str:
    """A company's administrator (getSyncToken)."""
    return f"user:{company_id}:{username.casefold()[:_USERNAME_CHARS]}"


def operator_key(username: str) -> str:
    """An operator of the admin site."""
    return f"operator:{username.casefold()[:_USERNAME_CHARS]}"


def address_key(address: str) -> str:
    return f"addr:{address}"


def limits(user: str, client: str) -> list[Limit]:
    """The limits of a login as ``user`` (a user_key or operator_key) from ``client``."""
    found = [Limit(user, settings.ESWS_LOCKOUT_USER_FAILURES)]
    if client:
        found.append(Limit(address_key(client), settings.ESWS_LOCKOUT_ADDRESS_FAILURES))
    return found


def admit(keys: list[Limit]) -> Attempt | None:
    """The attempt if no key is locked, else None (and no hashing must follow).

    One SELECT on every login, written out because building it through the
    ORM cost more CPU than the rest of a getSyncToken call's queries.
    """
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.ESWS_LOCKOUT_WINDOW_SECONDS)
    by_key = {limit.key: limit for limit in keys}
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "key", failures, window_started_at, locked_until FROM {_TABLE} '  # noqa: S608
            f'WHERE "key" IN ({", ".join(["%s"] * len(by_key))})',
            list(by_key),
        )
        rows = cursor.fetchall()
    clean = True
    for key, failures, window_started_at, locked_until in rows:
        if locked_until:
            if _aware(locked_until) > now:
                return None
            continue  # the lockout is over: a fresh start
        if _aware(window_started_at) > window_start and failures:
            if failures >= by_key[key].failures:
                return None
            clean = False
    return Attempt(keys, clean)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back the UTC time Django stored, without its zone.
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def failed(attempt: Attempt) -> None:
    """Count a failure under every key; lock the keys that reach their limit."""
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.ESWS_LOCKOUT_WINDOW_SECONDS)
    until = now + timedelta(seconds=settings.ESWS_LOCKOUT_SECONDS)
    with transaction.atomic():
        for limit in attempt.limits:
            row = _locked_row(limit.key, now)
            if row.window_started_at <= window_start or (
                row.locked_until and row.locked_until <= now
            ):
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit.failures and row.locked_until is None:
                row.locked_until = until
                log.warning(
                    "lockout: %s after %d failed logins, until %s",
                    limit.key, row.failures, until.isoformat(timespec="seconds"),
                )  # fmt: skip
            row.save(update_fields=["failures", "window_started_at", "locked_until"])


def succeeded(attempt: Attempt) -> None:
    """Forget the user's failures; the address keeps its count (one good password
    must not clear a guesser's record). Free when nothing was on record."""
    if attempt.clean:
        return
    LoginThrottle.objects.filter(key=attempt.limits[0].key, locked_until__isnull=True).delete()


def _locked_row(key: str, now: datetime) -> LoginThrottle:
    row = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return LoginThrottle.objects.create(key=key, window_started_at=now)
    except IntegrityError:
        return LoginThrottle.objects.select_for_update().get(key=key)


def lift(key: str) -> int:
    """Operator action: end the lockout and forget the failures under this key."""
    deleted, _ = LoginThrottle.objects.filter(key=key).delete()
    return deleted
