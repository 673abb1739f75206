"""The child's plans, each kept in versions: what each asks, field by field (as a duty record's
kind does, ``records.kinds``), and the seed paragraph that asks for it.

Which plan meets which ``plan_update`` duty is the pack's (a rule's ``plans``), not this module's.
"""

from __future__ import annotations

from homeward.records.kinds import TEXT, Field, Kind

SAFETY = Kind(
    name="safety",
    label="Safety plan",
    cites="Essex 004 s.2.1; Greenwich 000 'Our Key Principles'; Practice Guidance 003 'Update plans'",
    intro="For a child with an established pattern of running away: a clear strategy, highlighting "
    "any risk of child sexual exploitation, offending, gang involvement or trafficking.",
    fields=(
        Field(
            "pattern", "The pattern of going missing", hint="How often, for how long, where to, with whom."
        ),
        Field(
            "risks",
            "Risks to the child",
            hint="Child sexual exploitation, criminal exploitation, offending, gangs, trafficking, self-harm.",
        ),
        Field("strategy", "The strategy to keep the child safe"),
        Field("child_agreed", "What the child has agreed to", required=False),
        Field("carers_will", "What parents or carers will do"),
        Field("professionals_will", "What each professional will do", hint="Name the person and agency."),
        Field("if_missing_again", "What happens if the child goes missing again"),
    ),
)

PREVENTION = Kind(
    name="prevention",
    label="Missing prevention plan",
    cites="Essex 004 s.2.1, s.2.2, s.7; Appendix 2 (Essex Missing Child Prevention Plan)",
    intro="What the placement and the professionals do to prevent the child going missing, and "
    "how the placement is prepared for it (004 s.2.2).",
    fields=(
        Field("triggers", "What leads to the child going missing", hint="Triggers, push and pull factors."),
        Field("prevention", "What will be done to prevent it", hint="By whom, and by when."),
        Field(
            "placement_prepared",
            "How the placement is prepared",
            hint="A photograph, family and friends' numbers, addresses the child may go to (004 s.2.2).",
        ),
        Field(
            "support", "Support offered to the child", hint="Advocacy, school, youth services (004 s.2.3)."
        ),
        Field("exploitation", "Exploitation concerns and the MACE referral", required=False),
        Field("review_by", "When the plan will next be reviewed", required=False),
    ),
)

CARE_PLAN_MISSING = Kind(
    name="care_plan_missing",
    label="Care plan: missing from care",
    cites="West Mercia 001 s.4.8, s.6.5, s.6.8",
    intro="The care plan's section on going missing: the interventions for repeat episodes (4.8) "
    "and the care provider's actions to minimise the risks the risk assessment found (6.5).",
    fields=(
        Field("risks", "Risks from the missing-from-care risk assessment"),
        Field("interventions", "Interventions for repeat missing episodes", hint="001 s.4.8."),
        Field("provider_actions", "What the care provider will do to minimise the risks", hint="001 s.6.5."),
        Field(
            "other_settings",
            "Safeguarding partners to tell if the child may go missing from another setting",
            required=False,
            hint="A hospital or school, and what they must do if it happens (001 s.6.5).",
        ),
        Field(
            "explained_to_child",
            "How absences anticipated by the plan were explained to the child",
            required=False,
        ),
    ),
)

# The Find Me plan (children.FindMePlan) keeps its own form; its versions store its answers.
FIND_ME_FIELDS: tuple[tuple[str, str], ...] = (
    ("description", "Physical description"),
    ("contacts", "Friends, family and significant others"),
    ("likely_places", "Where the child is likely to go"),
    ("phone_and_social_media", "Mobile phone and other ways to contact the child"),
    ("return_to", "Where the child should be returned to when found"),
    ("people_not_to_associate_with", "People the child should not associate with"),
    ("triggers", "Known triggers and patterns"),
    ("addresses", "Addresses the child stays at or visits"),
    ("medical_needs", "Medical needs and medication"),
    ("transport_habits", "How the child travels"),
    ("photo_taken_on", "Date the photograph was taken"),
    ("photo_consent", "Consent to use the photograph"),
)
FIND_ME = Kind(
    name="find_me",
    label="Find Me plan",
    cites="Wakefield 002 s.10 Knowing the Child; the Philomena Protocol",
    intro="What helps the police find the child quickly.",
    fields=tuple(Field(name, label, TEXT, required=False) for name, label in FIND_ME_FIELDS),
)

PLANS: dict[str, Kind] = {k.name: k for k in (SAFETY, PREVENTION, CARE_PLAN_MISSING, FIND_ME)}
# Written on their own form here; the Find Me plan on its own page (children.find_me_plan).
EDITED_HERE = (SAFETY.name, PREVENTION.name, CARE_PLAN_MISSING.name)
CHOICES = [(k.name, k.label) for k in PLANS.values()]
