"""The admin site for the directory: operators manage companies and their data here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from esws.directory import codes
from esws.directory.models import (
    Access,
    Admin,
    Company,
    Credential,
    Group,
    Location,
    LoginThrottle,
    Person,
    SyncFilter,
    Terminal,
)
from esws.terminals.admin import PendingCommandInline, TerminalUserInline


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "code_hint", "code_rotated_at", "created_at"]
    search_fields = ["name"]
    fields = ["name", "frame_ancestors", "code_hint", "code_rotated_at"]
    readonly_fields = ["code_hint", "code_rotated_at"]
    actions = ["rotate_code"]

    def save_model(self, request: HttpRequest, obj: Company, form: Any, change: bool) -> None:
        if not change:
            code = codes.new_code()
            obj.set_code(code)
            super().save_model(request, obj, form, change)
            messages.warning(request, f"Security code of {obj.name}: {code} (shown only now).")
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Rotate the security code (the old one stops working)")
    def rotate_code(self, request: HttpRequest, queryset: QuerySet[Company]) -> None:
        for company in queryset:
            code = company.rotate_code()
            messages.warning(
                request, f"New security code of {company.name}: {code} (shown only now)."
            )


class SyncFilterInline(admin.StackedInline):
    model = SyncFilter
    can_delete = False
    filter_horizontal = ["locations"]


class AdminForm(forms.ModelForm):
    new_password = forms.CharField(
        required=False, min_length=8, widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password.",
    )  # fmt: skip

    class Meta:
        model = Admin
        fields = ["company", "username", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("new_password"):
            self.add_error("new_password", "A new administrator needs a password.")
        return data


@admin.register(Admin)
class AdminAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["username", "company", "is_active", "created_at"]
    list_filter = ["is_active", "company"]
    search_fields = ["username"]
    inlines = [SyncFilterInline]

    def save_model(self, request: HttpRequest, obj: Admin, form: Any, change: bool) -> None:
        if form.cleaned_data.get("new_password"):
            obj.set_password(form.cleaned_data["new_password"])
        super().save_model(request, obj, form, change)


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0


class AccessInline(admin.TabularInline):
    model = Access
    extra = 0


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "company", "first_name", "insertion", "last_name", "pin", "terminal_role",
            "start_at", "expires_at", "groups",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        company, groups = data.get("company"), data.get("groups")
        if company is not None and groups:
            foreign = [g.name for g in groups if g.company_id != company.pk]
            if foreign:
                self.add_error("groups", f"Groups of another company: {', '.join(foreign)}.")
        return data


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["id", "full_name", "company", "start_at", "expires_at"]
    list_filter = ["company"]
    search_fields = ["first_name", "last_name", "id"]
    filter_horizontal = ["groups"]
    inlines = [CredentialInline, AccessInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "company"]
    list_filter = ["company"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    list_display = [
        "serial_number",
        "name",
        "driver",
        "company",
        "location",
        "approved",
        "last_seen_at",
    ]
    list_filter = ["approved", "driver", "company"]
    search_fields = ["serial_number", "name"]
    readonly_fields = ["last_seen_at", "created_at"]
    # A pending terminal (one that called in unknown) goes into service when an
    # operator gives it a company and location and ticks "approved".
    inlines = [TerminalUserInline, PendingCommandInline]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed logins and lockouts; deleting a row lifts its lockout."""

    list_display = ["key", "failures", "window_started_at", "locked_until"]
    search_fields = ["key"]
    readonly_fields = ["key", "failures", "window_started_at", "locked_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
