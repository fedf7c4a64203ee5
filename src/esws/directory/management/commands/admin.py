"""``esws admin``: administrators of a company and their sync filters."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from esws.directory.commandline import NounCommand, company_arg, location_of, read_password
from esws.directory.models import Admin, Company, Location, sync_filter_of

KINDS = ("pin", "card", "fingerprint", "face", "plate")


def _row(admin: Admin) -> dict[str, Any]:
    f = sync_filter_of(admin)
    return {
        "id": admin.pk,
        "company": admin.company_id,
        "username": admin.username,
        "active": admin.is_active,
        "locations": "all" if f.all_locations else sorted(f.locations.values_list("pk", flat=True)),
        "kinds": sorted(
            k
            for k, on in zip(
                KINDS,
                (f.send_pin, f.send_cards, f.send_fingerprints, f.send_faces, f.send_plates),
                strict=True,
            )
            if on
        ),
    }


def _text(row: dict[str, Any]) -> str:
    locations = (
        row["locations"] if row["locations"] == "all" else ",".join(map(str, row["locations"]))
    )
    state = "active" if row["active"] else "inactive"
    return (
        f"admin {row['id']} {row['username']!r} of company {row['company']} ({state}); "
        f"syncs locations: {locations or 'none'}; sends: {', '.join(row['kinds']) or 'nothing'}"
    )


class Command(NounCommand):
    help = "Manage the administrators who may log into the sync console."
    verbs = {
        "create": "Create an administrator (password from a prompt or --password-stdin).",
        "list": "List the administrators of a company.",
        "password": "Set an administrator's password.",
        "filter": "Set an administrator's sync filter.",
        "deactivate": "Stop an administrator from getting tokens.",
        "activate": "Let a deactivated administrator get tokens again.",
    }

    def _filter_args(self, p: CommandParser) -> None:
        p.add_argument("--locations", help="Comma-separated location ids, or 'all'.")
        p.add_argument(
            "--kinds", help=f"Comma-separated credential kinds to send: {','.join(KINDS)}"
        )

    def _filter_spec(
        self, company: Company, locations: str | None, kinds: str | None
    ) -> tuple[list[Location] | None, set[str] | None]:
        """The filter the options ask for (None: leave as is), checked before anything is written;
        an empty list of locations stands for all."""
        where = None
        if locations is not None and locations.strip() != "all":
            ids = [x.strip() for x in locations.split(",") if x.strip()]
            where = [location_of(company, x) for x in ids]
            if not where:
                raise CommandError("--locations names no location (give ids, or 'all')")
        elif locations is not None:
            where = []
        chosen = None
        if kinds is not None:
            chosen = {k.strip() for k in kinds.split(",") if k.strip()}
            unknown = chosen - set(KINDS)
            if unknown:
                raise CommandError(f"unknown credential kinds: {', '.join(sorted(unknown))}")
        return where, chosen

    def _apply_filter(
        self, admin: Admin, spec: tuple[list[Location] | None, set[str] | None]
    ) -> None:
        where, chosen = spec
        f = sync_filter_of(admin)
        if where is not None:
            f.all_locations = not where
            f.locations.set(where)
        if chosen is not None:
            f.send_pin, f.send_cards = "pin" in chosen, "card" in chosen
            f.send_fingerprints, f.send_faces = "fingerprint" in chosen, "face" in chosen
            f.send_plates = "plate" in chosen
        f.save()

    def _admin(self, company: Company, username: str) -> Admin:
        try:
            return Admin.objects.get(company=company, username=username)
        except Admin.DoesNotExist:
            raise CommandError(f"no admin {username!r} in company {company.pk}") from None

    def arguments_create(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--username", required=True)
        p.add_argument("--password-stdin", action="store_true")
        self._filter_args(p)

    def do_create(self, company: Company, username: str, **o: Any) -> tuple[Any, str]:
        username = username.strip()
        if not username:
            raise CommandError("the username is empty")
        if Admin.objects.filter(company=company, username=username).exists():
            raise CommandError(f"company {company.pk} already has an admin {username!r}")
        spec = self._filter_spec(company, o["locations"], o["kinds"])
        admin = Admin(company=company, username=username)
        admin.set_password(read_password(o))
        admin.full_clean()
        with transaction.atomic():
            admin.save()
            self._apply_filter(admin, spec)
        row = _row(admin)
        return row, _text(row)

    def arguments_list(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)

    def do_list(self, company: Company, **_: Any) -> tuple[Any, str]:
        rows = [_row(a) for a in company.admins.all()]
        return rows, "\n".join(_text(r) for r in rows) or "no admins"

    def _who(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--username", required=True)

    def arguments_password(self, p: CommandParser) -> None:
        self._who(p)
        p.add_argument("--password-stdin", action="store_true")

    def do_password(self, company: Company, username: str, **o: Any) -> tuple[Any, str]:
        admin = self._admin(company, username)
        admin.set_password(read_password(o))
        admin.save(update_fields=["password"])
        row = _row(admin)
        return row, f"password of {username!r} changed"

    def arguments_filter(self, p: CommandParser) -> None:
        self._who(p)
        self._filter_args(p)

    def do_filter(self, company: Company, username: str, **o: Any) -> tuple[Any, str]:
        admin = self._admin(company, username)
        spec = self._filter_spec(company, o["locations"], o["kinds"])
        with transaction.atomic():
            self._apply_filter(admin, spec)
        row = _row(admin)
        return row, _text(row)

    def arguments_deactivate(self, p: CommandParser) -> None:
        self._who(p)

    def do_deactivate(self, company: Company, username: str, **_: Any) -> tuple[Any, str]:
        return self._set_active(company, username, False)

    def arguments_activate(self, p: CommandParser) -> None:
        self._who(p)

    def do_activate(self, company: Company, username: str, **_: Any) -> tuple[Any, str]:
        return self._set_active(company, username, True)

    def _set_active(self, company: Company, username: str, active: bool) -> tuple[Any, str]:
        admin = self._admin(company, username)
        admin.is_active = active
        admin.save(update_fields=["is_active"])
        row = _row(admin)
        return row, _text(row)
