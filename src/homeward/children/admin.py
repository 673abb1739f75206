from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from homeward.children.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "type", "provider", "area"]
    list_filter = ["type"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Its confirmation page would list the placements there, each naming the child.
        return False
