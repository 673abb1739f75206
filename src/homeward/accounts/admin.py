"""The admin manages organisations, teams and people; it shows nothing of a child's record.

An administrator has no relationship to any child (README "Who sees what"), and the admin keeps
it so: its audit trail lists only rows about people, organisations, teams, authenticators and API
tokens (rows about a child's record carry the child's name and old and new values); nothing that
would list children (deleting an organisation, a home or a person) is offered; authenticator
secrets are never shown or set; and nobody changes their own role, organisation or powers here
(``User.save`` refuses it on every other path too).
"""

from typing import Any

from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import AuditEntry, Organisation, Team, User

# The audit rows an administrator may read: about accounts and the organisations, teams and homes
# they belong to, never about a child's record.
ADMIN_AUDIT_MODELS = (
    ("accounts", "user"),
    ("accounts", "organisation"),
    ("accounts", "team"),
    ("otp_totp", "totpdevice"),
    ("api", "apitoken"),
    ("children", "establishment"),
    ("notifications", "outofhours"),
)
# What a person may not change on their own account in the admin (User.SELF_LOCKED, and powers).
OWN_ACCOUNT_READ_ONLY = (
    "role",
    "organisation",
    "team",
    "establishment",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "protocol", "police_force"]
    list_filter = ["kind"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Its confirmation page would list its children by name; an organisation is never removed.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organisation", "manager"]


@admin.register(User)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "role", "organisation", "team"]
    list_filter = ["role", "organisation"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Homeward", {"fields": ("organisation", "team", "role", "job_title", "phone", "establishment")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += [f for f in OWN_ACCOUNT_READ_ONLY if f not in fields]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deactivate instead: a person stays on the audit trail (whose rows the confirmation page
        # would list, children's names in them).
        return False


# auditlog registers its own admin for the swapped-in model; ours may only read, whoever asks.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):  # type: ignore[misc]
    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        # Only rows about accounts: a child's rows name the child and hold the record's old and new
        # values, and the people who may read them do so on the child's own audit page.
        about_accounts = Q(pk__in=[])
        for app_label, model in ADMIN_AUDIT_MODELS:
            about_accounts |= Q(content_type__app_label=app_label, content_type__model=model)
        rows: QuerySet[AuditEntry] = super().get_queryset(request).filter(about_accounts)
        return rows

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-otp's own admin shows each authenticator's secret and its QR code, and lets a key be set
# (so an administrator would hold the code of anyone's app). Ours lists them and may remove one
# (a lost phone: the person sets up a new one at their next sign-in); nothing more.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
