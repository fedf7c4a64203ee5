"""The sandbox's demo data, created idempotently.

The demo company uses the security code of the documentation's own sample
request, so the README's examples work against a fresh sandbox as printed.
Never run the demo on a production database: its code and password are public.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction

from esws.directory.models import (
    Access,
    Admin,
    Company,
    Credential,
    Location,
    Person,
    Terminal,
    sync_filter_of,
)

CODE = "^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0"
COMPANY = "Demo Company"
USERNAME = "demo-admin"
PASSWORD = "demo-password"  # noqa: S105 (public sandbox credential)


@dataclass(frozen=True)
class Demo:
    company: Company
    admin: Admin
    person: Person
    location: Location
    other_location: Location


def _template(label: str, size: int = 384) -> str:
    """A stand-in biometric template: deterministic bytes, base64 like real ones."""
    raw = b"".join(hashlib.sha256(f"{label}:{i}".encode()).digest() for i in range(size // 32))
    return base64.b64encode(raw).decode()


@transaction.atomic
def ensure_demo() -> Demo:
    company = Company.objects.filter(name=COMPANY).first()
    if company is None:
        company, _ = Company.create(COMPANY, code=CODE)
    elif Company.by_code(CODE) != company:
        company.set_code(CODE)
        company.save()
    admin, created = Admin.objects.get_or_create(company=company, username=USERNAME)
    if created or not admin.check_password(PASSWORD):
        admin.set_password(PASSWORD)
        admin.is_active = True
        admin.save()
    sync_filter_of(admin)

    office, _ = Location.objects.get_or_create(company=company, name="Head office")
    warehouse, _ = Location.objects.get_or_create(company=company, name="Warehouse")
    for serial, name, location in [
        ("SIM-HQ-1", "Main entrance", office),
        ("SIM-HQ-2", "Staff door", office),
        ("SIM-WH-1", "Warehouse gate", warehouse),
    ]:
        Terminal.objects.get_or_create(
            serial_number=serial,
            defaults={"company": company, "location": location, "name": name},
        )

    people: list[tuple[str, str, str, str, list[Location], list[tuple[str, int, str | None]]]] = [
        (
            "Alice",
            "",
            "Jansen",
            "1234",
            [office, warehouse],
            [
                ("card", 0, "123456789"),
                ("card", 1, "987654321"),
                ("fingerprint", 5, None),
                ("fingerprint", 6, None),
                ("fingerprint", 1, None),
                ("face", 0, None),
            ],
        ),
        ("Bram", "de", "Vries", "4321", [office], [("card", 0, "555000111")]),
        (
            "Chris",
            "",
            "Visser",
            "",
            [warehouse],
            [("card", 0, "777000222"), ("plate", 0, "XK-123-B")],
        ),
    ]
    persons = []
    for first, insertion, last, pin, locations, creds in people:
        person, _ = Person.objects.get_or_create(
            company=company,
            first_name=first,
            last_name=last,
            defaults={"insertion": insertion, "pin": pin},
        )
        for location in locations:
            Access.objects.get_or_create(person=person, location=location)
        for kind, slot, value in creds:
            Credential.objects.get_or_create(
                person=person,
                kind=kind,
                slot=slot,
                defaults={"value": value or _template(f"{first}:{kind}:{slot}")},
            )
        persons.append(person)
    return Demo(company, admin, persons[0], office, warehouse)
