"""The kinds of duty record: what each says, field by field, and which duties it meets.

A duty record is the content of a piece of work a protocol asks for (a safe and well check, a
return plan, a senior notification ...). Each kind is plain data: its questions (the seeds'
own words), which are required, which are asked only when an earlier answer calls for them,
and the duties (by the engine's ``kind`` and ``recipient``) a record of this kind meets. A
record's answers are stored as JSON checked against its kind (``records.rules.clean``), so a
new kind is a new entry here, not a new model, form or table.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "text"  # a paragraph
LINE = "line"  # a name, a role, a short answer
YESNO = "yesno"  # yes or no, never answered for the person
CHOICE = "choice"  # one of ``options``

LINE_LIMIT = 300
TEXT_LIMIT = 10_000


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = TEXT
    required: bool = True
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    # Asked (and then required) only when another field has this answer: ("harm", "yes").
    when: tuple[str, str] | None = None
    # Free text that identifies people or places: blanked by retention (yes/no and choices stay).
    personal: bool = True

    @property
    def is_free_text(self) -> bool:
        return self.type in (TEXT, LINE)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    cites: str
    intro: str
    fields: tuple[Field, ...]
    when_label: str = "When"
    # The duties a record of this kind meets: (engine kind, recipient or "" for any).
    meets: tuple[tuple[str, str], ...] = ()
    # Shown on the episode page as something to record (after the child is found, or any time).
    after_found: bool = True
    # Recorded only as meeting a duty, by whoever may close it (the IRO's own review): not
    # offered on the episode page to everyone who works on it, but from the duty's "Record outcome".
    needs_duty: bool = False

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def meets_duty(self, kind: str, recipient: str) -> bool:
        return any(kind == k and (not r or recipient == r) for k, r in self.meets)


SAFE_AND_WELL = Kind(
    name="safe_and_well",
    label="Safe and well check",
    cites="000 'When a Child Returns' para 2; West Mercia 8.7; SET 2.8.2",
    intro="The police's found check: whether the child has suffered harm, where and with whom "
    "they have been, and the child's chance to disclose offending by or against them.",
    when_label="When the check was done",
    meets=(("safe_and_well_check", ""),),
    fields=(
        Field("done_by", "Who carried out the check", LINE, hint="Officer's name, collar number and force."),
        Field("face_to_face", "Was it a face-to-face contact?", YESNO, hint="West Mercia 8.7."),
        Field("where_been", "Where the child had been"),
        Field("with_whom", "Who the child had been with"),
        Field("disclosed", "Did the child disclose any offending by or against them?", YESNO),
        Field("disclosures", "What the child disclosed", when=("disclosed", "yes")),
        Field("harmed", "Are there indications that the child suffered harm?", YESNO),
        Field("harm", "What harm, and what was done about it", when=("harmed", "yes")),
        Field(
            "cse_considered",
            "Was the risk of child sexual exploitation considered?",
            YESNO,
            hint="West Mercia 8.7: specific consideration of the increased risk of CSE.",
        ),
        Field("referred", "Was a safeguarding referral made?", YESNO),
        Field("referrals", "To whom, and why", when=("referred", "yes")),
    ),
)

RETURN_PLAN = Kind(
    name="return_plan",
    label="Return plan",
    cites="SET Missing Practice Guidance 2.7, 2.8.5",
    intro="The social worker, carer and parents plan the child's return.",
    when_label="When the plan was made",
    fields=(
        Field(
            "planned_by",
            "Who made the plan",
            LINE,
            hint="The social worker, carer and parents, where appropriate.",
        ),
        Field("chat_offered", "Was a Missing Chat offered before the return to placement?", YESNO),
        Field("to_placement", "Will the child return to the placement?", YESNO),
        Field("placement_safe", "Does the placement remain appropriate and safe?", YESNO),
        Field(
            "director_approval",
            "Director for Local Delivery who approved alternative accommodation",
            LINE,
            hint="SET 2.8.5: the Director (or the manager covering the role) approves, and the IRO is told.",
            when=("placement_safe", "no"),
        ),
        Field("transport", "Who with, and how, the child will be taken home"),
        Field("family_support", "The family's support needs", required=False),
        Field(
            "health_needs",
            "Immediate health needs",
            required=False,
            hint="For example, emergency contraception. Leave blank if none.",
        ),
        Field(
            "recovery_order",
            "Recovery order",
            CHOICE,
            options=(
                ("not_needed", "Not needed: the child's whereabouts are not thought to be known"),
                ("considered", "Considered, not sought"),
                ("sought", "Sought"),
            ),
        ),
        Field("media", "What the media are told", required=False, hint="The media strategy, if any."),
    ),
)

SENIOR_NOTIFICATION = Kind(
    name="senior_notification",
    label="Senior notification",
    cites="Wakefield s.3; Practice Guidance (Senior Leadership Alert); Greenwich 'Our Key Principles' 5; "
    "West Mercia 14.17",
    intro="The serious notification form, Senior Leadership Alert, report to the Senior Assistant "
    "Director or report to the Force Missing Persons Strategic Lead: what it said and to whom it went.",
    when_label="When it was sent",
    meets=(("notify", "senior_manager"), ("notify", "force_strategic_lead")),
    after_found=False,
    fields=(
        Field(
            "form",
            "What was sent",
            CHOICE,
            options=(
                ("serious_notification", "Serious notification form (Wakefield s.3)"),
                ("senior_leadership_alert", "Senior Leadership Alert"),
                ("senior_assistant_director", "Report to the Senior Assistant Director (Greenwich)"),
                ("strategic_lead", "Report to the Force Missing Persons Strategic Lead (West Mercia 14.17)"),
                ("senior_management_team", "Report to the policing area's Senior Management Team (14.18)"),
                ("other", "Another notification to a senior manager"),
            ),
        ),
        Field(
            "sent_to",
            "To whom it went",
            hint="Names and roles: for example the Heads of Service, the Service Director and the "
            "Director of Children's Services.",
        ),
        Field("contents", "What it said", hint="The child's circumstances, the risk, what is being done."),
        Field("reply", "Any direction given in reply", required=False),
    ),
)

SOCIAL_WORKER_VISIT = Kind(
    name="social_worker_visit",
    label="Social worker's visit after return",
    cites="SET Missing Practice Guidance 2.8.1",
    intro="Meaningful contact with the child within 48 hours of return, to establish why they ran "
    "away: a visit, or if that is not possible a call and a visit in placement within a week.",
    when_label="When the contact was",
    meets=(("social_worker_visit", ""),),
    fields=(
        Field(
            "how",
            "How the contact was made",
            CHOICE,
            options=(
                ("visit", "A visit to the child"),
                ("telephone", "By telephone (a visit to follow within a week)"),
            ),
        ),
        Field("seen_alone", "Was the child seen alone?", YESNO),
        Field("reasons", "Why the child ran away, as far as is known"),
        Field(
            "police_check_outcome",
            "What the police's safe and well check found",
            required=False,
            hint="SET 2.8.2: liaise with the police before the visit where possible.",
        ),
        Field(
            "needs", "Additional needs identified, and what will be done", required=False, hint="SET 2.8.3."
        ),
    ),
)

FAMILY_VIEWS = Kind(
    name="family_views",
    label="The carers' and family's views",
    cites="SET Missing Practice Guidance 2.8.2",
    intro="The carers and the child's family are offered the chance to give their views about the "
    "child running away, within 48 hours of return.",
    when_label="When they were offered",
    meets=(("family_views", ""),),
    fields=(
        Field("offered_to", "Who was offered the chance", hint="The carers and which members of the family."),
        Field("gave_views", "Did they give their views?", YESNO),
        Field("views", "Their views", when=("gave_views", "yes")),
    ),
)

MASH_SCREENING = Kind(
    name="mash_screening",
    label="MASH screening decision",
    cites="Wakefield s.3 The Process to Follow",
    intro="For a child not already known to or allocated by social care whose missing episode raises "
    "a safeguarding concern: the MASH screens and decides the service the child needs.",
    when_label="When it was decided",
    meets=(("assessment", ""),),
    after_found=False,
    fields=(
        Field(
            "decision",
            "The service the child needs",
            CHOICE,
            options=(
                ("social_care", "Social Care"),
                ("early_help", "Early Help"),
                ("universal", "Universal Services"),
            ),
        ),
        Field("reasons", "Why"),
        Field("decided_by", "Who decided", LINE),
    ),
)

IRO_REVIEW = Kind(
    name="iro_review",
    label="IRO review",
    cites="West Mercia 6.20; SET Missing Practice Guidance 3.1.5, 3.1.7",
    intro="The child's Independent Reviewing Officer (the Child Protection Conference Chair, the "
    "CIN Reviewing Officer) considers whether to reconvene the child's review in the light of the "
    "missing episode: the review held, or the decision not to reconvene it and why.",
    when_label="When the review was held, or the decision made",
    meets=(("review_meeting", ""),),
    after_found=False,
    needs_duty=True,
    fields=(
        Field(
            "review",
            "Which review",
            CHOICE,
            options=(
                ("lac_review", "Looked-after child (LAC) review (West Mercia 6.20)"),
                ("cp_conference", "Early child protection conference (SET 3.1.5)"),
                ("cin_review", "Child in Need review (SET 3.1.7)"),
            ),
        ),
        Field(
            "decision",
            "Was the review reconvened?",
            CHOICE,
            options=(
                ("held", "Yes: the review was held"),
                ("not_reconvened", "No: the decision is not to reconvene it"),
            ),
        ),
        Field(
            "reason",
            "Why the review is not being reconvened",
            when=("decision", "not_reconvened"),
            hint="The rationale for the decision: what was considered, and with whom.",
        ),
        Field(
            "attended",
            "Who took part",
            when=("decision", "held"),
            hint="Names, roles and agencies: the child, carers, parents, the social worker, the police.",
        ),
        Field("decided", "What was decided", when=("decision", "held")),
        Field("care_plan_changes", "Does the care plan change?", YESNO, when=("decision", "held")),
        Field("care_plan", "How the care plan changes", when=("care_plan_changes", "yes")),
        Field("placement_changes", "Does the placement change?", YESNO, when=("decision", "held")),
        Field("placement", "How the placement changes", when=("placement_changes", "yes")),
    ),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        SAFE_AND_WELL,
        RETURN_PLAN,
        SENIOR_NOTIFICATION,
        SOCIAL_WORKER_VISIT,
        FAMILY_VIEWS,
        MASH_SCREENING,
        IRO_REVIEW,
    )
}
CHOICES = [(k.name, k.label) for k in KINDS.values()]


def for_duty(kind: str, recipient: str = "") -> Kind | None:
    """The kind of record that meets a duty of this engine kind (and recipient), if any."""
    return next((k for k in KINDS.values() if k.meets_duty(kind, recipient or "")), None)


def duty_kinds() -> set[str]:
    return {kind for k in KINDS.values() for kind, _ in k.meets}
