from django.contrib import admin

from homeward.notifications.models import Message, OutOfHours


@admin.register(OutOfHours)
class OutOfHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["organisation", "emergency_duty_team", "working_day_starts", "working_day_ends"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["subject", "recipient", "kind", "delivery", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["kind", "delivery"]
    readonly_fields = ["message_id", "claimed_by", "lease_until", "last_error"]
