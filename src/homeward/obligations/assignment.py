"""Who an obligation falls to: a role by the kind of work, then a person for this child; and
whom a coordinator or team manager may allocate it to instead.

A pack rule may name ``falls_to`` itself; otherwise the kind decides, as the
seeds allocate the work (the social worker ensures the police know, the team
manager raises the senior-leader alert, the carer reassesses risk ...).
"""

from __future__ import annotations

from django.db.models import QuerySet

from homeward.accounts.models import Role, User
from homeward.children.police import force_for
from homeward.obligations.models import Obligation

BY_KIND: dict[str, str] = {
    "risk_assessment": Role.SOCIAL_WORKER,
    "placement_risk_assessment": Role.SOCIAL_WORKER,
    "carer_update": Role.SOCIAL_WORKER,
    "risk_review": Role.CARER,
    "strategy_meeting": Role.TEAM_MANAGER,
    "intervention_meeting": Role.MISSING_COORDINATOR,
    "organisational_review": Role.SENIOR_MANAGER,
    "return_interview": Role.RETURN_INTERVIEW_WORKER,
    "social_worker_visit": Role.SOCIAL_WORKER,
    "family_views": Role.SOCIAL_WORKER,
    "safe_and_well_check": Role.POLICE_LIAISON,
    "trafficking_referral": Role.SOCIAL_WORKER,
    "exploitation_screening": Role.SOCIAL_WORKER,
    "media_strategy": Role.POLICE_LIAISON,
    "plan_update": Role.SOCIAL_WORKER,
    "review_meeting": Role.IRO,
    "assessment": Role.TEAM_MANAGER,
}

BY_RECIPIENT: dict[str, str] = {
    "police": Role.SOCIAL_WORKER,
    "senior_manager": Role.TEAM_MANAGER,
    "missing_coordinator": Role.MASH_OFFICER,
    "force_strategic_lead": Role.POLICE_LIAISON,
}


def falls_to(kind: str, recipient: str | None, named: str | None = None) -> str:
    if named:
        return named
    if kind == "notify":
        return BY_RECIPIENT.get(recipient or "", Role.SOCIAL_WORKER)
    return BY_KIND.get(kind, Role.SOCIAL_WORKER)


def candidates(obligation: Obligation) -> QuerySet[User]:
    """Whom a duty may be allocated to: active people of the role it falls to, where the child is.

    The responsible authority's people of that role (a return interview to its return interview
    workers, 002 s.6); for a carer's duty, the carers of the home the child is placed in now;
    for the police's, the liaison officers of the force told of the episode (or where the child
    was last seen, or that covers the child's home).
    """
    people = User.objects.filter(role=obligation.falls_to, is_active=True).order_by("last_name", "first_name")
    child = obligation.child
    if obligation.falls_to == Role.CARER:
        placement = child.current_placement
        return people.filter(establishment=placement.establishment) if placement else people.none()
    if obligation.falls_to == Role.POLICE_LIAISON:
        episode = obligation.episode
        force = episode.force_to_tell() if episode is not None else force_for(child)
        return people.filter(organisation=force) if force is not None else people.none()
    return people.filter(organisation=child.responsible_authority)
