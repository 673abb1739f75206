"""The shared words of every pack: REPLAY.md's kinds, recipients and categories."""

from __future__ import annotations

from typing import Literal

Category = Literal["missing", "absent", "away"]
RiskLevel = Literal["high", "medium", "low", "very_low", "no_apparent_risk"]
Outcome = Literal["done", "declined", "not_required"]
Plan = Literal["child_protection", "child_in_need"]
PlacementType = Literal["residential", "foster", "semi_independent", "home"]
Flag = Literal[
    "cse_risk",
    "cce_risk",
    "mental_health",
    "household_concerns",
    "criminal_activity",
    "risky_contacts",
    "particularly_vulnerable",
    "subject_to_order",
]
Requirement = Literal["must", "consider"]

KINDS: dict[str, str] = {
    "notify": "tell the recipient",
    "risk_assessment": "an analysis of risk for the episode",
    "placement_risk_assessment": "the pre-placement missing-from-care risk assessment",
    "carer_update": "obtain an update from the carer while the child is missing",
    "risk_review": "the carer reassesses the level of risk while the child is away or missing",
    "strategy_meeting": "a strategy meeting or discussion (including s.47 consideration)",
    "intervention_meeting": "an inter-agency intervention meeting at a level 1-4",
    "organisational_review": "a review of an establishment",
    "return_interview": "offer or hold a return home interview, conversation or missing chat",
    "social_worker_visit": "the allocated social worker's contact or visit after return",
    "family_views": "offer carers and family the chance to give their views",
    "safe_and_well_check": "the police safe and well (found) check",
    "trafficking_referral": "treat as a potential victim of trafficking and refer",
    "exploitation_screening": "consider exploitation (sexual, criminal, trafficking, radicalisation)",
    "media_strategy": "consider publicity or a media strategy",
    "plan_update": "update the Find Me plan, safety plan or pre-incident risk assessment",
    "review_meeting": "a statutory review, conference or panel to reconvene or consider",
    "assessment": "consider an assessment (child and family, threshold, re-assessment)",
}

# The plans a ``plan_update`` duty can be met by (a rule's ``plans``): a new version of one of
# them closes the duty. The Find Me plan (002 s.10), a safety plan (004 s.2.1), Essex's
# Prevention Plan (004 s.7, Appendix 2) and the care plan's missing-from-care section (001 4.8, 6.5).
PLANS: dict[str, str] = {
    "find_me": "the Find Me plan and Philomena profile",
    "safety": "the safety plan",
    "prevention": "the missing prevention plan",
    "care_plan_missing": "the care plan's missing-from-care section",
}

RECIPIENTS: dict[str, str] = {
    "police": "the police",
    "iro": "the Independent Reviewing Officer",
    "school": "the child's school",
    "parents": "the child's parents",
    "host_authority": "the authority where the child is placed",
    "responsible_authority": "the authority responsible for the child",
    "senior_manager": "a senior manager (senior-leader alert or serious notification)",
    "cp_conference_chair": "the child protection conference chair",
    "cin_reviewing_officer": "the child in need reviewing officer",
    "missing_coordinator": "the Missing Children Coordinator",
    "force_strategic_lead": "the force missing persons strategic lead",
}

CATEGORIES: tuple[str, ...] = ("missing", "absent", "away")
