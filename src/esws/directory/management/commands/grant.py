"""``esws grant``: let a user pass at a location (or, with --revoke, no longer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esws.directory.commandline import location_of, person_of
from esws.directory.models import Access


class Command(BaseCommand):
    help = "Grant a user access at a location; the next sync puts them on its terminals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument("--location", required=True)
        parser.add_argument("--revoke", action="store_true", help="Take the access away.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        import json

        person = person_of(None, o["user"])
        location = location_of(person.company, o["location"])
        if o["revoke"]:
            deleted, _ = Access.objects.filter(person=person, location=location).delete()
            if not deleted:
                raise CommandError(f"user {person.pk} has no access at location {location.pk}")
        else:
            Access.objects.get_or_create(person=person, location=location)
        has = not o["revoke"]
        data = {"user": person.pk, "location": location.pk, "access": has}
        verb = "may pass at" if has else "no longer has access at"
        self.stdout.write(
            json.dumps(data) if o["json"] else f"user {person.pk} {verb} location {location.pk}"
        )
