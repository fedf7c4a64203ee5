"""Admin views of what drivers keep per terminal: read-only, since terminals and syncs write it.

The inlines at the end are for the directory's Terminal admin to include.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from esws.adminsite import ReadOnly
from esws.terminals.models import PushCommand, PushState, RawUpload, Simulator, TerminalUser
from esws.terminals.push import codec


@admin.register(PushCommand)
class PushCommandAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "terminal", "user_id", "summary", "status", "result", "attempts"]
    list_display_links = ["pk", "summary"]
    list_filter = ["status", "terminal"]
    search_fields = ["terminal__serial_number", "terminal__name", "user_id"]
    list_select_related = ["terminal"]
    readonly_fields = [
        "terminal",
        "terminal_sync",
        "user_id",
        "text",
        "status",
        "result",
        "detail",
        "attempts",
        "created_at",
        "sent_at",
        "settled_at",
    ]
    exclude = ["return_code"]

    @admin.display(description="command")
    def summary(self, obj: PushCommand) -> str:
        return codec.describe_text(obj.text)

    @admin.display(description="result")
    def result(self, obj: PushCommand) -> str:
        return "" if obj.return_code is None else codec.describe_return(obj.return_code)


@admin.register(RawUpload)
class RawUploadAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["received_at", "terminal", "table", "kind", "pin", "device_time"]
    list_filter = ["table", "kind", "terminal"]
    search_fields = ["pin", "terminal__serial_number"]
    list_select_related = ["terminal"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "terminal",
        "table",
        "kind",
        "pin",
        "device_time",
        "record",
        "stamp",
        "received_at",
    ]


@admin.register(PushState)
class PushStateAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["terminal", "firmware", "push_version", "handshake_at", "malformed_lines"]
    list_select_related = ["terminal"]
    readonly_fields = [
        "terminal",
        "push_version",
        "language",
        "firmware",
        "info",
        "options",
        "stamps",
        "handshake_at",
        "malformed_lines",
    ]


@admin.register(Simulator)
class SimulatorAdmin(admin.ModelAdmin):
    """A simulated terminal's delay and whether it answers: the demo's switches."""

    list_display = ["terminal", "online", "delay_ms"]
    list_editable = ["online", "delay_ms"]
    readonly_fields = ["terminal"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TerminalUser)
class TerminalUserAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["terminal", "user_id", "name", "role", "credential_kinds", "updated_at"]
    list_filter = ["terminal"]
    search_fields = ["user_id", "name"]
    readonly_fields = ["terminal", "user_id", "name", "role", "pin_code", "credentials"]

    @admin.display(description="credentials")
    def credential_kinds(self, obj: TerminalUser) -> str:
        return obj.kinds_text() or "none"


class TerminalUserInline(ReadOnly, admin.TabularInline):
    """The simulated terminal's memory, on the terminal's page."""

    model = TerminalUser
    fields = ("user_id", "name", "role", "pin_code", "credentials")
    readonly_fields = fields
    extra = 0


class PendingCommandInline(ReadOnly, admin.TabularInline):
    """A PUSH terminal's commands not yet confirmed, on the terminal's page."""

    model = PushCommand
    fk_name = "terminal"
    fields = ("user_id", "text_start", "status", "attempts", "sent_at")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "pending commands"

    def get_queryset(self, request: HttpRequest) -> Any:
        statuses = [PushCommand.Status.QUEUED, PushCommand.Status.SENT]
        return super().get_queryset(request).filter(status__in=statuses)

    @admin.display(description="command")
    def text_start(self, obj: PushCommand) -> str:
        return obj.text[:80]
