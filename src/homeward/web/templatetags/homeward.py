from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from homeward.accounts.models import Role
from homeward.obligations.models import Obligation
from homeward.records.kinds import for_duty

register = template.Library()

TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "open": ("Open", "govuk-tag--blue"),
    "scheduled": ("Scheduled", "govuk-tag--grey"),
    "done": ("Done", "govuk-tag--green"),
    "declined": ("Declined", "govuk-tag--orange"),
    "not_required": ("Not required", "govuk-tag--grey"),
    "cancelled": ("No longer needed", "govuk-tag--grey"),
}
RISK = {"high": "govuk-tag--red", "medium": "govuk-tag--orange", "low": "govuk-tag--yellow"}


@register.simple_tag
def status_tag(obligation: Obligation, now: datetime) -> SafeString:
    label, css = TAGS[obligation.status(now)]
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.simple_tag
def risk_tag(level: str, label: str) -> SafeString:
    if not level:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not graded")
    return format_html('<strong class="govuk-tag {}">{}</strong>', RISK.get(level, "govuk-tag--grey"), label)


@register.filter
def requirement_label(requirement: str) -> str:
    return "Must:" if requirement == "must" else "Consider:"


@register.filter
def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role or "Unassigned"


@register.filter
def hours(value: float) -> str:
    total = int(value)
    days, rest = divmod(total, 24)
    return f"{days}d {rest}h" if days else f"{rest}h {int((value - total) * 60)}m"


@register.filter
def outcome_url(obligation: Obligation) -> str:
    """Where "Record outcome" leads: a duty with a record of its own (a safe and well check, a
    senior notification ...) opens that record's form, offering the duty; any other, the close form."""
    kind = for_duty(obligation.kind, obligation.recipient)
    if kind is not None and obligation.episode_id is not None:
        return f"/episodes/{obligation.episode_id}/records/{kind.name}/new/?duty={obligation.pk}"
    return f"/obligations/{obligation.pk}/close/"
