"""What the return interviews found, as the pages show it: suggestions for the Find Me plan and
flags (only to those who may read the interviews), and the police's intelligence summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from homeward.accounts.models import User
from homeward.children.models import Child, FindMePlan, PlacementRiskAssessment
from homeward.episodes.models import Episode
from homeward.interviews.findings import (
    Finding,
    FlagSuggestion,
    flag_suggestions,
    held,
    held_on,
    names_in,
    plan_suggestions,
    risk_suggestions,
)
from homeward.interviews.models import ReturnInterview


@dataclass(frozen=True)
class Suggestions:
    findings: list[Finding] = field(default_factory=list)
    flags: list[FlagSuggestion] = field(default_factory=list)


def readable_interviews(user: User, child: Child) -> list[ReturnInterview]:
    """The child's return interviews this person may read (the interview's own permission)."""
    interviews = list(ReturnInterview.objects.filter(episode__child=child).select_related("episode"))
    # The permission is the child's (every interview of one child answers the same), so one check.
    if not interviews or not user.has_perm("interviews.view_returninterview", interviews[0]):
        return []
    return interviews


def for_plan(user: User, child: Child, plan: FindMePlan | None) -> Suggestions:
    interviews = readable_interviews(user, child)
    if not interviews:
        return Suggestions()
    flags = flag_suggestions(interviews, child) if user.has_perm("children.change_child", child) else []
    return Suggestions(plan_suggestions(interviews, plan), flags)


def for_risk_assessment(user: User, child: Child) -> list[Finding]:
    interviews = readable_interviews(user, child)
    if not interviews:
        return []
    last = PlacementRiskAssessment.objects.filter(child=child).order_by("-completed_at").first()
    return risk_suggestions(interviews, last.completed_at if last else None)


@dataclass(frozen=True)
class PoliceSummary:
    """What the police told of an episode see of its return interview: where the child went, with
    whom, and the signs of exploitation; not the child's account in their words (issue 18)."""

    held_on: str
    places: list[str]
    people: list[str]
    indicators: list[str]


def police_summary(episode: Episode) -> list[PoliceSummary]:
    return [
        PoliceSummary(
            held_on=f"{held_on(i):%-d %B %Y}",
            places=names_in(i.account_where),
            people=names_in(i.account_with_whom),
            indicators=i.indicator_labels(),
        )
        for i in held(ReturnInterview.objects.filter(episode=episode).order_by("-held_at"))
    ]
