"""State kept per terminal by the drivers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from esws.directory.models import Terminal


class Simulator(models.Model):
    """Settings of a simulated terminal: how slow it is and whether it answers."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="simulator")
    delay_ms = models.PositiveIntegerField(default=0)
    online = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"simulator of {self.terminal}"


class TerminalUser(models.Model):
    """One user in a simulated terminal's memory, exactly as the terminal holds it."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="memory")
    user_id = models.CharField(max_length=32)
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=10)
    pin_code = models.CharField(max_length=8, blank=True)
    # [{"kind": "card", "slot": 0, "value": "123"}, ...], sorted.
    credentials = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terminal", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "user_id"], name="terminaluser_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.name} on {self.terminal}"

    def kinds_text(self) -> str:
        return kinds_text(self.credentials)


def kinds_text(credentials: Iterable[Mapping[str, Any]]) -> str:
    """How many credentials of each kind, as operators read it: "2 card, 1 face"."""
    counts = Counter(str(c["kind"]) for c in credentials)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


class PushState(models.Model):
    """What a PUSH terminal told the server about itself, and where its uploads stand."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="push_state")
    push_version = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=8, blank=True)
    firmware = models.CharField(max_length=100, blank=True)
    # The last INFO of a poll (users, templates, punches held...) and table=options.
    info = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    # Upload resume markers per table, handed back in the handshake.
    stamps = models.JSONField(default=dict, blank=True)
    handshake_at = models.DateTimeField(null=True, blank=True)
    # Lines the terminal sent that did not follow the protocol and were skipped.
    malformed_lines = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "PUSH terminal state"

    def __str__(self) -> str:
        return f"PUSH state of {self.terminal}"


class PushCommand(models.Model):
    """One command queued for a PUSH terminal; its primary key is the command ID on the wire.

    Queued commands wait for the terminal's next poll; the poll marks them
    sent; the terminal's result line settles them. A sent command that is not
    confirmed in time is sent again (DATA UPDATE is an upsert and DATA DELETE
    repeatable, so that is harmless).
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"  # replaced by a later sync of the same user

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="push_commands")
    terminal_sync = models.ForeignKey(
        "sync.TerminalSync",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="push_commands",
    )
    user_id = models.CharField(max_length=32)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    return_code = models.IntegerField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["terminal", "pk"]
        indexes = [models.Index(fields=["terminal", "status"], name="pushcommand_terminal_status")]

    def __str__(self) -> str:
        return f"C:{self.pk} to {self.terminal}: {self.status}"


class RawUpload(models.Model):
    """One record a PUSH terminal uploaded (a punch, an audit entry, a template...), as sent.

    Terminals deliver at least once, so punches are deduplicated on
    (terminal, PIN, time).
    """

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="uploads")
    table = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)
    pin = models.CharField(max_length=32, blank=True)
    # The terminal's local time of the record, as sent ("YYYY-MM-DD HH:MM:SS"; no zone).
    device_time = models.CharField(max_length=19, blank=True)
    record = models.TextField()
    stamp = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal", "pin", "device_time"],
                condition=models.Q(kind="ATTLOG"),
                name="rawupload_punch_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pin} from {self.terminal}"
