"""``esws location``: the sites whose terminals users are synchronized to."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from esws.directory.commandline import NounCommand, company_arg
from esws.directory.models import Company, Location


def _row(location: Location) -> dict[str, Any]:
    return {
        "id": location.pk,
        "company": location.company_id,
        "name": location.name,
        "terminals": sorted(location.terminals.values_list("serial_number", flat=True)),
    }


class Command(NounCommand):
    help = "Manage locations."
    verbs = {"create": "Create a location.", "list": "List a company's locations."}

    def arguments_create(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--name", required=True)

    def do_create(self, company: Company, name: str, **_: Any) -> tuple[Any, str]:
        if not name.strip():
            raise CommandError("the name is empty")
        location = Location(company=company, name=name.strip())
        location.full_clean()
        location.save()
        return _row(location), f"location {location.pk} {location.name!r} of company {company.pk}"

    def arguments_list(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)

    def do_list(self, company: Company, **_: Any) -> tuple[Any, str]:
        rows = [_row(x) for x in company.locations.all()]
        text = "\n".join(
            f"{r['id']:>4}  {r['name']}  terminals: {', '.join(r['terminals']) or 'none'}"
            for r in rows
        )
        return rows, text or "no locations"
