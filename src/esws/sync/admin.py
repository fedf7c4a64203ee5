"""Sync results for operators: every run and what each terminal answered."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from esws.sync.models import SyncRun, TerminalSync
from esws.tokens.admin import ReadOnly


class TerminalSyncInline(admin.TabularInline):
    model = TerminalSync
    extra = 0
    can_delete = False
    readonly_fields = ["terminal", "status", "detail", "updated_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnly):
    list_display = ["id", "created_at", "company", "person", "location", "admin", "status"]
    list_filter = ["status", "company"]
    inlines = [TerminalSyncInline]
