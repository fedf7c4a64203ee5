"""Read-only audit views of issued tokens and their events."""

from __future__ import annotations

from django.contrib import admin

from esws.adminsite import ReadOnly
from esws.tokens.models import SyncToken, TokenEvent


@admin.register(SyncToken)
class SyncTokenAdmin(ReadOnly, admin.ModelAdmin):
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
class TokenEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "kind", "company", "client", "detail"]
    list_filter = ["kind", "company"]
