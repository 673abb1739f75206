from django.contrib import admin

from homeward.children.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "type", "provider", "area"]
    list_filter = ["type"]
