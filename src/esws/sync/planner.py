"""What a terminal must hold for one person: the pure part of a sync.

The planner reads the directory and the administrator's sync filter and
returns a value (UserImage or Removal); drivers then make a terminal match
it. Keeping this apart from I/O makes syncs idempotent by construction: a
driver only ever converges a terminal to the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from esws.directory.models import Person, SyncFilter


@dataclass(frozen=True, order=True)
class CredentialImage:
    kind: str
    slot: int
    value: str


@dataclass(frozen=True)
class UserImage:
    """The person as a terminal must hold them."""

    user_id: str
    name: str
    role: str
    pin_code: str
    credentials: tuple[CredentialImage, ...]

    def kinds_summary(self) -> dict[str, int]:
        return dict(Counter(cred.kind for cred in self.credentials))


@dataclass(frozen=True)
class Removal:
    """The person must not be on the terminal."""

    user_id: str


Plan = UserImage | Removal


def plan(person: Person, location_id: int, sync_filter: SyncFilter, now: datetime) -> Plan:
    user_id = str(person.pk)
    has_access = person.access.filter(location_id=location_id).exists()
    if not has_access or not person.is_valid_at(now):
        return Removal(user_id)
    kinds = sync_filter.credential_kinds()
    credentials = tuple(
        sorted(
            CredentialImage(c.kind, c.slot, c.value)
            for c in person.credentials.all()
            if c.kind in kinds
        )
    )
    return UserImage(
        user_id=user_id,
        name=person.full_name,
        role=person.terminal_role,
        pin_code=person.pin if sync_filter.send_pin else "",
        credentials=credentials,
    )
