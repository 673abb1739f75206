"""The child's Philomena profile (Part 1: the Find Me plan and photograph) as the episode's page,
its printed sheet and the partner API show it, and whether it is past the authority's review period.

The review period is the pack's (``definitions.profile_review_after``), never a number here: an
authority that sets none raises no reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from homeward.children.models import Child, FindMePlan
from homeward.obligations.evaluation import pack_of

# What the police are given of the plan, in the order the sheet prints it (Philomena Part 1;
# Wakefield s.10).
FIELDS = (
    "description",
    "contacts",
    "likely_places",
    "addresses",
    "phone_and_social_media",
    "medical_needs",
    "transport_habits",
    "people_not_to_associate_with",
    "triggers",
    "return_to",
)

LABELS = {field.name: str(field.verbose_name) for field in FindMePlan._meta.fields if field.name in FIELDS}


@dataclass(frozen=True)
class Review:
    """When the profile was last confirmed current, when it is next due, and the pack's period."""

    reviewed_at: datetime | None
    due_at: datetime | None
    period: str

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at <= now


def review(child: Child, plan: FindMePlan | None) -> Review:
    span = pack_of(child).definitions.profile_review_after
    reviewed = (plan.reviewed_at or plan.updated_at) if plan is not None else None
    due = span.after(reviewed) if reviewed is not None and span is not None else None
    period = f"{span.amount} {span.unit.replace('_', ' ')}" if span is not None else ""
    return Review(reviewed, due, period)


@dataclass(frozen=True)
class Profile:
    child: Child
    plan: FindMePlan | None
    review: Review
    has_photo: bool

    def rows(self) -> list[tuple[str, str]]:
        """(label, text) for each part of the plan, as the sheet and the page print them."""
        if self.plan is None:
            return []
        return [(LABELS[name], getattr(self.plan, name)) for name in FIELDS]


def profile_of(child: Child) -> Profile:
    plan = FindMePlan.objects.filter(child=child).select_related("updated_by").first()
    return Profile(child, plan, review(child, plan), bool(child.photo))


def profiles_due(children: QuerySet[Child], now: datetime) -> list[tuple[Child, Review]]:
    """The children among ``children`` whose profile is past its review period (the reminder on
    the data-quality page; a child with no plan at all is shown "Not written" on their page)."""
    due = []
    plans = FindMePlan.objects.filter(child__in=children).select_related("child__responsible_authority")
    for plan in plans:
        child = plan.child
        state = review(child, plan)
        if state.overdue(now):
            due.append((child, state))
    return due
