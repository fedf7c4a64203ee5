"""What getSyncToken must know of the directory, read in one query.

The answers are decided in the documented order (esws.soap.service), but the
facts behind them come from one SELECT: the company by the digest of its
code; its active administrator of that username, with the sync filter;
whether the company has the user; whether the location is the company's and
within that administrator's filter. Through the ORM these were four queries,
and building them cost more CPU than PostgreSQL spent answering them
(bench/ measures the call). The statement is plain SQL that SQLite and
PostgreSQL both run; the tests run it on both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from esws.directory import codes
from esws.directory.models import Admin, Company, Location, Person, SyncFilter


@dataclass(frozen=True)
class Facts:
    """A company's answer to one call. ``admin`` is None when no active admin
    has the username; its password hash is loaded, nothing else is."""

    company_id: int
    admin: Admin | None
    person: Person | None
    location: Location | None


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


@functools.cache
def _sql() -> str:
    filter_locations = SyncFilter.locations.through
    # Only table names from model metadata are interpolated; values are parameters.
    return f"""
SELECT c.id, a.id, a.password,
  EXISTS (SELECT 1 FROM {_table(Person)} p WHERE p.company_id = c.id AND p.id = %s),
  EXISTS (SELECT 1 FROM {_table(Location)} l WHERE l.company_id = c.id AND l.id = %s
          AND (f.id IS NULL OR f.all_locations OR EXISTS (
            SELECT 1 FROM {_table(filter_locations)} fl
            WHERE fl.syncfilter_id = f.id AND fl.location_id = l.id)))
FROM {_table(Company)} c
LEFT JOIN {_table(Admin)} a ON a.company_id = c.id AND a.username = %s AND a.is_active
LEFT JOIN {_table(SyncFilter)} f ON f.admin_id = a.id
WHERE c.code_digest = %s
"""  # noqa: S608


def facts(
    code: str, username: str | None, user_id: int | None, location_id: int | None
) -> Facts | None:
    """The facts for the company with this security code, or None if there is none.

    An admin without a sync filter may sync every location of the company,
    as ``sync_filter_of`` has it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user_id, location_id, username, codes.digest(code)])
        row = cursor.fetchone()
    if row is None:
        return None
    company_id, admin_id, password, has_user, has_location = row
    db = connection.alias
    admin = None
    if admin_id is not None:
        admin = Admin.from_db(
            db, ["id", "company_id", "username", "password", "is_active"],
            [admin_id, company_id, username, password, True],
        )  # fmt: skip
    return Facts(
        company_id=company_id,
        admin=admin,
        person=Person.from_db(db, ["id", "company_id"], [user_id, company_id])
        if has_user
        else None,
        location=Location.from_db(db, ["id", "company_id"], [location_id, company_id])
        if has_location
        else None,
    )
