"""A duty in practitioners' words: what it is, for whom, and why it is owed.

The board, My work and Overdue say the same of each duty: what ("Return home interview"), who
it falls to, and why: the event in the child's episode that raised it and the rule of the
child's own protocol pack, with its citation, in words. Everything comes from the pack the
child's authority works to (``obligations.evaluation.pack_of``): no view or template names a
protocol's paragraph or number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homeward.accounts.models import Role
from homeward.obligations.evaluation import pack_of
from homeward.obligations.models import Obligation
from homeward.protocols import explain
from homeward.protocols.pack import Rule, Trigger

# What each kind of duty is called by the people who do it (never "Returninterview").
KIND_LABELS: dict[str, str] = {
    "notify": "Tell someone",
    "risk_assessment": "Risk assessment",
    "placement_risk_assessment": "Pre-placement risk assessment",
    "carer_update": "Update from the carer",
    "risk_review": "Carer's risk review",
    "strategy_meeting": "Strategy meeting",
    "intervention_meeting": "Intervention meeting",
    "organisational_review": "Review of the home",
    "return_interview": "Return home interview",
    "social_worker_visit": "Social worker's visit",
    "family_views": "Family's views",
    "safe_and_well_check": "Safe and well check",
    "trafficking_referral": "Trafficking referral",
    "exploitation_screening": "Exploitation screening",
    "media_strategy": "Media strategy",
    "plan_update": "Update the Find Me plan",
    "review_meeting": "Review meeting",
    "assessment": "Assessment",
}


# Whom a "notify" duty tells, as its label says it.
TELL: dict[str, str] = {
    "police": "Tell the police",
    "iro": "Tell the IRO",
    "school": "Tell the school",
    "parents": "Tell the parents",
    "host_authority": "Tell the host authority",
    "responsible_authority": "Tell the responsible authority",
    "senior_manager": "Tell a senior manager",
    "cp_conference_chair": "Tell the conference chair",
    "cin_reviewing_officer": "Tell the CIN reviewing officer",
    "missing_coordinator": "Tell the missing coordinator",
    "force_strategic_lead": "Tell the force strategic lead",
}


def kind_label(kind: str, recipient: str = "") -> str:
    if kind == "notify" and recipient in TELL:
        return TELL[recipient]
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def falls_to(obligation: Obligation) -> str:
    """The person a duty falls to, or the role when no one is named."""
    if obligation.assignee is not None:
        return obligation.assignee.get_full_name() or obligation.assignee.username
    if obligation.falls_to in Role.values:
        return str(Role(obligation.falls_to).label)
    return obligation.falls_to.replace("_", " ").capitalize() if obligation.falls_to else "No one named"


def _at(instant: datetime | None) -> str:
    return f" ({explain.when(instant)})" if instant else ""


def raised_by(trigger: Trigger, obligation: Obligation) -> str:
    """The event that raised a duty, as a clause: 'when the child was found (14:05 on ...)'."""
    episode = obligation.episode
    event = trigger.event
    if event == "reported":
        return "when the child was reported" + _at(episode.reported_at if episode else None)
    if event == "becomes_missing":
        return "when the child became missing"
    if event == "still_missing":
        after = f" {explain.span(trigger.after)} after last seen" if trigger.after else ""
        return f"because the child was still missing{after}"
    if event == "found":
        return "when the child was found" + _at(episode.found_at if episode else None)
    if event == "graded":
        levels = explain.listing([level.replace("_", " ") for level in trigger.levels or []])
        return f"when the risk was graded {levels}".rstrip()
    if event == "media_interest":
        return "when there was media interest"
    if event == "placement_started":
        return "when the placement started"
    if event == "completed":
        what = explain.duty(trigger.kind, None) if trigger.kind else "an earlier duty"
        outcome = str(trigger.outcome).replace("_", " ") if trigger.outcome else "closed"
        return f"when {what} was {outcome}"
    if event == "every":
        every = f"every {explain.span(trigger.after)}" if trigger.after else "repeatedly"
        return f"{every} while the child is away"
    return f"by {event.replace('_', ' ')}"


@dataclass(frozen=True)
class Why:
    # "Raised when the child was found (14:05 on Tuesday 3 March 2026)."
    raised: str
    # The facts of the child's record the rule asked for: "looked after and flagged cse risk".
    conditions: str
    # The rule's own note, if it has one (how the pack reads the protocol).
    note: str
    # "West Mercia Joint Protocol v8.1, s.12.1, 12.7"
    cites: str


def _rule(obligation: Obligation) -> Rule | None:
    try:
        return pack_of(obligation.child).rule(obligation.rule)
    except StopIteration:
        # A rule the pack no longer has (an older version raised it): its citation still stands.
        return None


def why(obligation: Obligation) -> Why:
    """Why this duty is owed: the event and the facts its rule asked for, and the citation.

    Reads the child's responsible authority (select it with the obligation, or each call
    costs a query)."""
    rule = _rule(obligation)
    if rule is None:
        return Why(raised="", conditions="", note=obligation.note, cites=obligation.cites)
    child = obligation.child
    facts = explain.condition_words(rule.conditions, flags=child.flags or (), plans=child.plans or ())
    return Why(
        raised=f"Raised {raised_by(rule.when, obligation)}.",
        conditions=explain.listing(facts),
        note=obligation.note or rule.note or "",
        cites=obligation.cites,
    )
