from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from homeward.accounts.models import Role
from homeward.obligations.models import Obligation
from homeward.obligations.spans import span
from homeward.queries import duties
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
# Risk is a badge (the MOJ component), so it reads apart from a duty's status tag beside it.
RISK = {"high": "moj-badge--red", "medium": "hw-badge--amber", "low": "hw-badge--yellow"}


@register.simple_tag
def status_tag(obligation: Obligation, now: datetime) -> SafeString:
    label, css = TAGS[obligation.status(now)]
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.simple_tag
def risk_tag(level: str, label: str) -> SafeString:
    if not level:
        return format_html('<strong class="moj-badge moj-badge--grey">{}</strong>', "Not graded")
    return format_html('<strong class="moj-badge {}">{}</strong>', RISK.get(level, "moj-badge--grey"), label)


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
    whole = int(value)
    return span(whole * 60 + int((value - whole) * 60))


@register.filter
def late_by(due_at: datetime | None, now: datetime) -> str:
    """How long past its due time: 'by 3h 20m', 'by 2d 4h'."""
    if due_at is None or due_at >= now:
        return ""
    return "by " + hours((now - due_at).total_seconds() / 3600)


@register.filter
def falls_to(obligation: Obligation) -> str:
    return duties.falls_to(obligation)


@register.filter
def kind_label(kind: str) -> str:
    return duties.kind_label(kind)


@register.filter
def duty_label(obligation: Obligation) -> str:
    """What kind of duty, in practitioners' words ("Return home interview", "Tell the IRO"), or
    nothing when the duty's own title already says it ("Pre-placement ... risk assessment")."""
    label = duties.kind_label(obligation.kind, obligation.recipient)
    title = obligation.title.lower()
    words = [w for w in label.lower().replace("'s", "").split() if len(w) > 3 or w in ("iro", "cin")]
    return "" if words and all(w in title for w in words) else label


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.filter
def outcome_url(obligation: Obligation) -> str:
    """Where "Record outcome" leads: a duty with a record of its own (a safe and well check, a
    senior notification ...) opens that record's form, offering the duty; any other, the close form."""
    if obligation.kind == "plan_update":
        # A new version of the plan its rule names meets it (web.views.plans.duty_plan).
        return f"/obligations/{obligation.pk}/plan/"
    kind = for_duty(obligation.kind, obligation.recipient)
    if kind is not None and obligation.episode_id is not None:
        return f"/episodes/{obligation.episode_id}/records/{kind.name}/new/?duty={obligation.pk}"
    return f"/obligations/{obligation.pk}/close/"


def _why_text(why: duties.Why) -> SafeString:
    raised = (
        format_html(
            '<p class="govuk-body-s govuk-!-margin-bottom-1">{}{}</p>',
            why.raised,
            format_html(" The child's record shows: {}.", why.conditions) if why.conditions else "",
        )
        if why.raised
        else ""
    )
    note = format_html('<p class="govuk-body-s govuk-!-margin-bottom-1">{}</p>', why.note) if why.note else ""
    return format_html(
        '{}{}<p class="govuk-body-s govuk-!-margin-bottom-0">{}</p>\n', raised, note, why.cites
    )


@register.simple_tag
def why_details(why: duties.Why, about: str = "", duty: Obligation | None = None) -> SafeString:
    """Why a duty is owed, a click away (a details element: no script needed), and printed in full.

    A tag, not an included template: the board and the work lists show it on every row, and three
    inclusions a row were most of those pages' rendering time (BENCHMARKS.md, 2026-12-02).
    """
    text = _why_text(why)
    about_hidden = format_html(" for {}", about) if about else ""
    link = (
        format_html(
            '<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0"><a class="govuk-link" '
            'href="{}">Why is this due?<span class="govuk-visually-hidden"> {}{}</span></a>: the events, '
            "the rule and its version, how the due time was worked out</p>",
            reverse("why_obligation", args=[duty.pk]),
            duty.title,
            about_hidden,
        )
        if duty
        else ""
    )
    return format_html(
        '\n<details class="govuk-details hw-why">\n  <summary class="govuk-details__summary">'
        '<span class="govuk-details__summary-text">Why<span class="govuk-visually-hidden"> this is due{}'
        "</span></span></summary>\n"
        '  <div class="govuk-details__text">{}{}</div>\n</details>\n'
        '<div class="hw-print-only govuk-body-s">{}</div>\n',
        about_hidden,
        text,
        link,
        text,
    )


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, name: str, **values: Any) -> SafeString:
    """A Jinja2 fragment (the hot row loops: homeward.web.jinja) inside a page of Django's engine.

    The fragment sees this page's context (the request, now, the ids each row's links depend on)
    with ``values`` over it, as ``{% include ... with %}`` would; the Jinja2 backend adds
    ``csrf_input`` from the request. Its output is escaped by Jinja2 already, so it is safe here.
    """
    fragment = engines["jinja2"].get_template(name)
    # The fragment's own escaping made its HTML (homeward.web.jinja's _finalize): nothing to escape.
    seen = cast(dict[str, Any], context.flatten())
    return mark_safe(fragment.render({**seen, **values}, context.get("request")))
