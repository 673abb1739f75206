from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from homeward.notifications.models import Message, OutOfHours

# What the admin shows of a message: who it is for and how its delivery went.
SHOWN = (
    "message_id",
    "recipient",
    "kind",
    "created_at",
    "read_at",
    "delivery",
    "attempts",
    "next_attempt_at",
    "claimed_by",
    "lease_until",
    "last_error",
    "sent_at",
)


@admin.register(OutOfHours)
class OutOfHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["organisation", "emergency_duty_team", "working_day_starts", "working_day_ends"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Whether messages are getting through, and to whom: never what they say, and never changed.

    A message's subject, body and link are about a child's work (a body names the child); an
    administrator has no relationship to any child, and a message edited here would go out as
    Homeward's own (a planted link)."""

    list_display = ["message_id", "recipient", "kind", "delivery", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["kind", "delivery"]
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
