"""The directory: companies (tenants) and what belongs to each of them.

Every model below except Company carries a ``company`` foreign key, and every
lookup that starts from outside (a SOAP call, a console session, a CLI
command) goes through ``Company`` first, so nothing of company A is reachable
with company B's code.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from esws.directory import codes

# An origin that may frame the console: scheme, host (optionally *.domain),
# optional port; a trailing slash is forgiven. Nothing else, so that an entry
# cannot add directives to the Content-Security-Policy it is written into.
ORIGIN_RE = re.compile(r"https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?/?", re.IGNORECASE)


class Company(models.Model):
    name = models.CharField(max_length=200)
    # SHA-256 of the 32-character security code; the code itself is shown once.
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    code_hint = models.CharField(max_length=8, editable=False)
    code_rotated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Origins allowed to frame the sync console (CSP frame-ancestors), one per line.
    frame_ancestors = models.TextField(
        blank=True,
        help_text="Origins allowed to embed the sync console in an iframe, one per line, "
        "e.g. https://hr.example.com. Empty: only this site.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_code(self, code: str) -> None:
        self.code_digest = codes.digest(code)
        self.code_hint = codes.hint(code)
        self.code_rotated_at = timezone.now()

    def rotate_code(self) -> str:
        """Give the company a new security code; the old one stops working at once."""
        code = codes.new_code()
        self.set_code(code)
        self.save(update_fields=["code_digest", "code_hint", "code_rotated_at"])
        return code

    @classmethod
    def create(cls, name: str, code: str | None = None) -> tuple[Company, str]:
        code = code or codes.new_code()
        company = cls(name=name)
        company.set_code(code)
        company.full_clean()
        company.save()
        return company, code

    @classmethod
    def by_code(cls, code: str) -> Company | None:
        return cls.objects.filter(code_digest=codes.digest(code)).first()

    def allowed_frame_ancestors(self) -> list[str]:
        return [o.strip() for o in self.frame_ancestors.splitlines() if o.strip()]

    def clean(self) -> None:
        wrong = [o for o in self.allowed_frame_ancestors() if not ORIGIN_RE.fullmatch(o)]
        if wrong:
            raise ValidationError(
                {
                    "frame_ancestors": f"not an origin: {', '.join(wrong)} "
                    "(one per line, like https://hr.example.com)"
                }
            )


USERNAME_LENGTH = 150


class Admin(models.Model):
    """An administrator of a company's console (the "I3 admin" of the seed)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="admins")
    username = models.CharField(max_length=USERNAME_LENGTH)
    password = models.CharField(max_length=256, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "username"], name="admin_unique_username")
        ]
        ordering = ["company", "username"]

    def __str__(self) -> str:
        return f"{self.username} ({self.company})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        def upgrade(raw: str) -> None:
            self.set_password(raw)
            self.save(update_fields=["password"])

        return check_password(raw, self.password, setter=upgrade)


class Group(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="group_unique")]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A user in the seed's sense: a person who must be recognised by terminals.

    Named Person in code to keep it apart from Django's auth User (operators).
    Its primary key is the ``p_userId`` integrators send, and the user's ID
    (ZKTeco's PIN) on terminals.
    """

    class Role(models.TextChoices):
        USER = "user", "user"
        ENROLLER = "enroller", "enroller"
        ADMIN = "admin", "terminal administrator"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField(max_length=100)
    insertion = models.CharField(max_length=30, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    pin = models.CharField(
        "PIN code", max_length=8, blank=True, help_text="Keypad code, digits only."
    )
    terminal_role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    start_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="people")
    locations = models.ManyToManyField(
        Location, through="Access", blank=True, related_name="people"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user"
        ordering = ["company", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.insertion, self.last_name) if p)

    def clean(self) -> None:
        if self.pin and not self.pin.isdigit():
            raise ValidationError({"pin": "The PIN code must be digits only."})
        if self.start_at and self.expires_at and self.expires_at <= self.start_at:
            raise ValidationError({"expires_at": "Expiry must be after start."})

    def is_valid_at(self, moment: datetime) -> bool:
        if self.start_at and moment < self.start_at:
            return False
        return not (self.expires_at and moment >= self.expires_at)


class Credential(models.Model):
    """Something a terminal recognises a person by."""

    class Kind(models.TextChoices):
        CARD = "card", "card"
        FINGERPRINT = "fingerprint", "fingerprint"
        FACE = "face", "face"
        PLATE = "plate", "license plate"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Card order, finger number (0-9) or face template index.
    slot = models.PositiveSmallIntegerField(default=0)
    # Card number (decimal), plate text, or a base64 template.
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "slot"], name="credential_slot")
        ]
        ordering = ["person", "kind", "slot"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.slot}"

    def clean(self) -> None:
        if self.kind == self.Kind.CARD and not self.value.isdigit():
            raise ValidationError({"value": "A card number is decimal digits."})
        if self.kind == self.Kind.FINGERPRINT and self.slot > 9:
            raise ValidationError({"slot": "Fingers are numbered 0 to 9."})


class Access(models.Model):
    """A person may pass at a location, so the location's terminals must know them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="access")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "access"
        constraints = [models.UniqueConstraint(fields=["person", "location"], name="access_unique")]

    def __str__(self) -> str:
        return f"{self.person} at {self.location}"

    def clean(self) -> None:
        if self.person.company_id != self.location.company_id:
            raise ValidationError("The user and the location belong to different companies.")


class Terminal(models.Model):
    """A card or biometric terminal. Pending terminals (unknown serials that
    called in) have no company until an operator approves them."""

    class Driver(models.TextChoices):
        SIMULATED = "simulated", "simulated terminal"
        PUSH = "push", "ZKTeco PUSH"

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="terminals"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="terminals"
    )
    serial_number = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    driver = models.CharField(max_length=12, choices=Driver.choices, default=Driver.SIMULATED)
    approved = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["serial_number"]

    def __str__(self) -> str:
        return self.name or self.serial_number

    def clean(self) -> None:
        if self.location and self.location.company_id != self.company_id:
            raise ValidationError({"location": "The location belongs to another company."})


class SyncFilter(models.Model):
    """What an administrator's syncs may touch: which locations, which credential kinds.

    The token from getSyncToken brings these along into the console (seed, note 2).
    """

    admin = models.OneToOneField(Admin, on_delete=models.CASCADE, related_name="sync_filter")
    all_locations = models.BooleanField(default=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="+")
    send_pin = models.BooleanField("send PIN code", default=True)
    send_cards = models.BooleanField(default=True)
    send_fingerprints = models.BooleanField(default=True)
    send_faces = models.BooleanField(default=True)
    send_plates = models.BooleanField("send license plates", default=False)

    def __str__(self) -> str:
        return f"sync filter of {self.admin}"

    def credential_kinds(self) -> set[str]:
        kinds = {
            Credential.Kind.CARD: self.send_cards,
            Credential.Kind.FINGERPRINT: self.send_fingerprints,
            Credential.Kind.FACE: self.send_faces,
            Credential.Kind.PLATE: self.send_plates,
        }
        return {str(kind) for kind, on in kinds.items() if on}

    def allowed_locations(self) -> models.QuerySet[Location]:
        qs = Location.objects.filter(company_id=self.admin.company_id)
        return qs if self.all_locations else qs.filter(pk__in=self.locations.all())


def sync_filter_of(admin: Admin) -> SyncFilter:
    """The admin's filter; an admin without one may sync everything (the default filter).

    Free when the admin was fetched with select_related("sync_filter").
    """
    try:
        return admin.sync_filter
    except SyncFilter.DoesNotExist:
        sync_filter, _ = SyncFilter.objects.get_or_create(admin=admin)
        return sync_filter


class LoginThrottle(models.Model):
    """Failed password attempts per (company, username) and per client address.

    Kept in the database so that every web process sees the same counts.
    """

    key = models.CharField(max_length=300, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-locked_until", "key"]

    def __str__(self) -> str:
        return self.key
