"""Sync runs and their per-terminal results: what the console shows and operators look up."""

from __future__ import annotations

from django.db import models

from esws.directory.models import Admin, Company, Location, Person, Terminal


class SyncRun(models.Model):
    """One "synchronize this user to this location" request."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        REPLACED = "replaced"  # a later sync of the user took over before it finished

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    admin = models.ForeignKey(
        Admin, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sync_runs")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="sync_runs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sync #{self.pk}: user {self.person_id} to {self.location}"


class TerminalSync(models.Model):
    """The result of one sync run on one terminal."""

    class Status(models.TextChoices):
        PENDING = "pending"  # not yet handed to the terminal's driver
        WAITING = "waiting"  # queued for a terminal that has not confirmed yet
        DONE = "done"
        FAILED = "failed"
        REPLACED = "replaced"  # a later sync's commands took over before the terminal confirmed

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="terminals")
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="syncs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    detail = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "terminal__serial_number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "terminal"], name="terminalsync_unique")
        ]

    def __str__(self) -> str:
        return f"{self.terminal}: {self.status}"


class Worker(models.Model):
    """A running task worker and its heartbeat, so that others can tell it died."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_beat = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.hostname}:{self.pid})"
