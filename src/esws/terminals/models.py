"""State kept per terminal by the drivers."""

from __future__ import annotations

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
