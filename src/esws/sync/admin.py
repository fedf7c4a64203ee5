"""Sync results for operators: every run and what each terminal answered."""

from __future__ import annotations

from django.contrib import admin

from esws.adminsite import ReadOnly
from esws.sync.models import SyncRun, TerminalSync


class TerminalSyncInline(ReadOnly, admin.TabularInline):
    model = TerminalSync
    extra = 0
    fields = readonly_fields = ("terminal", "status", "detail", "updated_at")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "created_at", "company", "person", "location", "admin", "status"]
    list_filter = ["status", "company"]
    inlines = [TerminalSyncInline]
