"""Issue and redeem one-time sync tokens.

A token is 64 bytes from the OS CSPRNG written as 128 lowercase hex
characters (the documented format). Only its SHA-256 digest is stored, so a
leaked database cannot be replayed. Redemption is one conditional UPDATE, so
of any number of concurrent attempts exactly one wins, on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from esws.directory.models import Admin, Location, Person
from esws.tokens.models import SyncToken, TokenEvent

TOKEN_BYTES = 64
TOKEN_RE = re.compile(r"[0-9a-f]{128}")
# Table names for the statements below (model metadata, never input).
_TOKENS = SyncToken._meta.db_table
_EVENTS = TokenEvent._meta.db_table


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue(admin: Admin, person: Person, location: Location | None = None, client: str = "") -> str:
    """Store a new token bound to admin, person and optional location; return it in clear.

    Two INSERTs written out, because building them through the ORM cost more
    CPU than PostgreSQL spent on them. No transaction around the two rows: a
    token whose audit row could not be written is never handed out, so it
    expires unused.
    """
    token = secrets.token_hex(TOKEN_BYTES)
    token_digest = digest(token)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    expires = now + timedelta(seconds=settings.ESWS_TOKEN_TTL_SECONDS)
    detail = f"admin {admin.username}, user {person.pk}" + (
        f", location {location.pk}" if location else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TOKENS} (digest, company_id, admin_id, person_id, location_id, "  # noqa: S608
            "issued_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [token_digest, admin.company_id, admin.pk, person.pk,
             location.pk if location else None, adapt(now), adapt(expires)],
        )  # fmt: skip
        cursor.execute(
            f"INSERT INTO {_EVENTS} (kind, token_id, company_id, at, client, detail) "  # noqa: S608
            f"SELECT %s, id, company_id, %s, %s, %s FROM {_TOKENS} WHERE digest = %s",
            [TokenEvent.Kind.ISSUED.value, adapt(now), client, detail[:200], token_digest],
        )
    return token


def redeem(token: str, client: str = "") -> SyncToken | None:
    """Consume the token: the SyncToken if this call redeemed it, else None.

    Unknown, malformed, expired and already-used tokens, and tokens of an
    administrator deactivated since, all give None: the caller cannot tell them
    apart, and neither can an attacker.
    """
    if not TOKEN_RE.fullmatch(token):
        _refused(None, client, "malformed token")
        return None
    now = timezone.now()
    token_digest = digest(token)
    # Every condition on the token row itself stays in the UPDATE's own WHERE
    # (the admin's is a subquery, not a join): PostgreSQL then re-checks them on
    # the row a concurrent winner just changed, and this attempt updates nothing.
    won = SyncToken.objects.filter(
        digest=token_digest,
        redeemed_at__isnull=True,
        expires_at__gt=now,
        admin_id__in=Admin.objects.filter(is_active=True).values("pk"),
    ).update(redeemed_at=now)
    row = (
        SyncToken.objects.filter(digest=token_digest)
        .select_related("admin", "person", "location", "company")
        .first()
    )
    if not won or row is None:
        reason = "unknown token"
        if row is not None:
            if row.redeemed_at:
                reason = "already used"
            elif not row.admin.is_active:
                reason = "administrator inactive"
            else:
                reason = "expired"
        _refused(row, client, reason)
        return None
    TokenEvent.objects.create(
        kind=TokenEvent.Kind.REDEEMED, token=row, company_id=row.company_id, client=client
    )
    return row


def _refused(row: SyncToken | None, client: str, reason: str) -> None:
    TokenEvent.objects.create(
        kind=TokenEvent.Kind.REFUSED,
        token=row,
        company_id=row.company_id if row else None,
        client=client,
        detail=reason,
    )
