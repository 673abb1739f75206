from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from homeward.accounts.models import Organisation, Team, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "protocol"]
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
