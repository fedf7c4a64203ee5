"""``esws user``: the people terminals must recognise, and their credentials."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from esws.directory.commandline import NounCommand, company_arg, location_of, moment, person_of
from esws.directory.models import Access, Company, Credential, Person


def person_row(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "company": person.company_id,
        "name": person.full_name,
        "pin_code_set": bool(person.pin),
        "start_at": person.start_at,
        "expires_at": person.expires_at,
        "locations": sorted(person.access.values_list("location_id", flat=True)),
        "credentials": [
            {"kind": c.kind, "slot": c.slot}
            | ({"value": c.value} if c.kind in ("card", "plate") else {})
            for c in person.credentials.all()
        ],
    }


def person_text(row: dict[str, Any]) -> str:
    creds = ", ".join(
        f"{c['kind']} {c['slot']}" + (f" ({c['value']})" if "value" in c else "")
        for c in row["credentials"]
    )
    return (
        f"user {row['id']} {row['name']!r} of company {row['company']}\n"
        f"  valid: {row['start_at'] or '-'} .. {row['expires_at'] or '-'}\n"
        f"  locations: {', '.join(map(str, row['locations'])) or 'none'}\n"
        f"  credentials: {creds or 'none'}"
    )


class Command(NounCommand):
    help = "Manage users (people) and their credentials."
    verbs = {
        "create": "Create a user.",
        "show": "Show a user with credentials and locations.",
        "card": "Add or replace a card number (--slot orders several cards).",
        "template": "Add or replace a fingerprint or face template from a base64 or binary file.",
        "remove-credential": "Remove one credential.",
    }

    def arguments_create(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--first-name", required=True)
        p.add_argument("--insertion", default="")
        p.add_argument("--last-name", default="")
        p.add_argument("--pin", default="", help="Keypad code, digits only.")
        p.add_argument("--start", help="Valid from (ISO date or date-time).")
        p.add_argument("--expires", help="Valid until (ISO date or date-time).")
        p.add_argument("--card", action="append", default=[], help="Card number; repeatable.")
        p.add_argument("--location", action="append", default=[], help="Grant access; repeatable.")

    def do_create(self, company: Company, **o: Any) -> tuple[Any, str]:
        person = Person(
            company=company,
            first_name=o["first_name"].strip(),
            insertion=o["insertion"].strip(),
            last_name=o["last_name"].strip(),
            pin=o["pin"].strip(),
            start_at=moment(o["start"]),
            expires_at=moment(o["expires"]),
        )
        if not person.first_name:
            raise CommandError("the first name is empty")
        person.full_clean()
        locations = [location_of(company, x) for x in o["location"]]
        with transaction.atomic():
            person.save()
            for slot, number in enumerate(o["card"]):
                self._save_credential(person, Credential.Kind.CARD, slot, number.strip())
            for location in locations:
                Access.objects.create(person=person, location=location)
        row = person_row(person)
        return row, person_text(row)

    def _save_credential(self, person: Person, kind: str, slot: int, value: str) -> None:
        cred = Credential.objects.filter(person=person, kind=kind, slot=slot).first() or Credential(
            person=person, kind=kind, slot=slot
        )
        cred.value = value
        cred.full_clean()
        cred.save()

    def arguments_show(self, p: CommandParser) -> None:
        p.add_argument("user", help="User id.")

    def do_show(self, user: str, **_: Any) -> tuple[Any, str]:
        row = person_row(person_of(None, user))
        return row, person_text(row)

    def arguments_card(self, p: CommandParser) -> None:
        p.add_argument("user", help="User id.")
        p.add_argument("number", help="Card number, decimal.")
        p.add_argument("--slot", type=int, default=0)

    def do_card(self, user: str, number: str, slot: int, **_: Any) -> tuple[Any, str]:
        person = person_of(None, user)
        self._save_credential(person, Credential.Kind.CARD, slot, number.strip())
        row = person_row(person)
        return row, person_text(row)

    def arguments_template(self, p: CommandParser) -> None:
        p.add_argument("user", help="User id.")
        p.add_argument("kind", choices=["fingerprint", "face"])
        p.add_argument("file", type=Path, help="Template file (base64 text or raw bytes).")
        p.add_argument("--slot", type=int, default=0, help="Finger 0-9 or face index.")

    def do_template(self, user: str, kind: str, file: Path, slot: int, **_: Any) -> tuple[Any, str]:
        person = person_of(None, user)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            text = raw.decode("ascii").strip()
            base64.b64decode(text, validate=True)
        except (UnicodeDecodeError, binascii.Error):
            text = base64.b64encode(raw).decode()
        if not text:
            raise CommandError(f"{file} is empty")
        self._save_credential(person, kind, slot, text)
        row = person_row(person)
        return row, person_text(row)

    def arguments_remove_credential(self, p: CommandParser) -> None:
        p.add_argument("user", help="User id.")
        p.add_argument("kind", choices=[k for k, _ in Credential.Kind.choices])
        p.add_argument("--slot", type=int, default=0)

    def do_remove_credential(self, user: str, kind: str, slot: int, **_: Any) -> tuple[Any, str]:
        person = person_of(None, user)
        deleted, _ = Credential.objects.filter(person=person, kind=kind, slot=slot).delete()
        if not deleted:
            raise CommandError(f"user {person.pk} has no {kind} in slot {slot}")
        row = person_row(person)
        return row, person_text(row)
