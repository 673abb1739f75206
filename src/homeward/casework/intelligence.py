"""Return interview findings confirmed into the child's record (issue 18): places, people and
reasons into a new version of the Find Me plan, signs of exploitation into the child's flags.

Only what a person ticked is written, each row naming the interview it came from
(``interviews.ConfirmedFinding``); a flag is a fact the protocol reads, so the child's
obligations are re-evaluated and the pack decides what it now requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework.children import save_child
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.placements import record_risk_assessment
from homeward.children.models import Child, FindMePlan, PlacementRiskAssessment
from homeward.interviews.findings import RISK_FIELD, Finding, FlagSuggestion
from homeward.interviews.models import ConfirmedFinding
from homeward.obligations.models import Obligation


def _with_line(text: str, line: str) -> str:
    text = (text or "").rstrip()
    return f"{text}\n{line}" if text else line


@transaction.atomic
def save_assessment_with_findings(
    assessment: PlacementRiskAssessment, *, by: User | None, findings: Sequence[Finding] = ()
) -> PlacementRiskAssessment:
    """The risk assessment as the assessor wrote it, with the interview findings they ticked
    added to the questions they answer, each naming the interview it came from."""
    for finding in findings:
        line = f"{finding.text} (return interview, {finding.held_on:%-d %B %Y})"
        setattr(
            assessment,
            RISK_FIELD[finding.kind],
            _with_line(getattr(assessment, RISK_FIELD[finding.kind]), line),
        )
    return record_risk_assessment(assessment, by=by)


@transaction.atomic
def save_plan_with_findings(
    plan: FindMePlan,
    *,
    by: User | None,
    findings: Sequence[Finding] = (),
    flags: Sequence[FlagSuggestion] = (),
    expected_version: int | None = None,
    photo: File | None = None,  # type: ignore[type-arg]
    at: datetime | None = None,
    reason: str | None = None,
    meets: Obligation | None = None,
) -> FindMePlan:
    """Save the Find Me plan as the editor wrote it, with the findings they confirmed added to the
    parts they belong in, and set the flags they confirmed on the child."""
    now = at or timezone.now()
    for finding in findings:
        setattr(plan, finding.field, _with_line(getattr(plan, finding.field), finding.text))
    saved = save_find_me_plan(
        plan, by=by, expected_version=expected_version, photo=photo, at=now, reason=reason, meets=meets
    )
    rows = [
        ConfirmedFinding(
            interview_id=f.interview_id,
            key=f.key,
            kind=f.kind,
            text=f.text,
            written_to=f.field,
            plan_version=saved.version,
            confirmed_by=by,
            confirmed_at=now,
        )
        for f in findings
    ]
    if flags:
        # Read again: a new photograph raised the child's version inside save_find_me_plan.
        child = Child.objects.get(pk=saved.child_id)
        new = [s for s in flags if s.flag not in child.flags]
        if new:
            child.flags = [*child.flags, *(s.flag for s in new)]
            save_child(child, by=by)
        rows += [
            ConfirmedFinding(
                interview_id=s.interview_id,
                key=s.key,
                kind="flag",
                text=s.flag,
                written_to="flags",
                confirmed_by=by,
                confirmed_at=now,
            )
            for s in flags
        ]
    ConfirmedFinding.objects.bulk_create(rows, ignore_conflicts=True)
    return saved
