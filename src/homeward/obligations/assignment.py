"""Who an obligation falls to: a role by the kind of work, then a person for this child.

A pack rule may name ``falls_to`` itself; otherwise the kind decides, as the
seeds allocate the work (the social worker ensures the police know, the team
manager raises the senior-leader alert, the carer reassesses risk ...).
"""

from __future__ import annotations

from homeward.accounts.models import Role

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
