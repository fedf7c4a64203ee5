"""Read-only audit views of issued tokens and their events."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from esws.tokens.models import SyncToken, TokenEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncToken)
class SyncTokenAdmin(ReadOnly):
    list_display = [
        "issued_at",
        "company",
        "admin",
        "person",
        "location",
        "expires_at",
        "redeemed_at",
    ]
    list_filter = ["company"]
    exclude = ["digest"]


@admin.register(TokenEvent)
class TokenEventAdmin(ReadOnly):
    list_display = ["at", "kind", "company", "client", "detail"]
    list_filter = ["kind", "company"]
