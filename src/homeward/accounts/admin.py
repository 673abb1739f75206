from typing import Any

from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from homeward.accounts.models import AuditEntry, Organisation, Team, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "protocol", "police_force"]
    list_filter = ["kind"]


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


# auditlog registers its own admin for the swapped-in model; ours may only read, whoever asks.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):  # type: ignore[misc]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
