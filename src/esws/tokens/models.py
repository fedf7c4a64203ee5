"""Issued sync tokens (only their digests) and the audit trail of their life."""

from __future__ import annotations

from django.db import models

from esws.directory.models import Admin, Company, Location, Person


class SyncToken(models.Model):
    digest = models.CharField(max_length=64, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    admin = models.ForeignKey(Admin, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"token {self.digest[:12]}… for user {self.person_id}"


class TokenEvent(models.Model):
    """Audit trail: who was issued a token, and what became of each redemption attempt."""

    class Kind(models.TextChoices):
        ISSUED = "issued"
        REDEEMED = "redeemed"
        REFUSED = "refused"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    token = models.ForeignKey(
        SyncToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.detail}"
