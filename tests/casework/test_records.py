"""Duty records: the content of the work a duty asks for, recorded through the write layer and
closing the duty it meets in the same change (the safe and well check, 000 / West Mercia 8.7 /
SET 2.8.2; the return plan, SET 2.7; senior notifications, Wakefield s.3, Practice Guidance,
Greenwich, West Mercia 14.17; the social worker's visit and the family's views, SET 2.8.1-2;
the MASH's screening decision, Wakefield s.3), on the timelines, in subject access, anonymised
by retention and on the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.access import retention
from homeward.access.subject_access import export_json
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.records import add_record, meetable
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from homeward.records.models import DutyRecord
from tests.conftest import Service, person

pytestmark = pytest.mark.django_db

SAFE_AND_WELL: dict[str, Any] = {
    "done_by": "PC 2231 Amrit Sandhu",
    "face_to_face": "yes",
    "where_been": "A flat on Eign Street, Hereford",
    "with_whom": "Two older males she met online",
    "disclosed": "no",
    "harmed": "yes",
    "harm": "Bruising to the wrist; seen by her GP the same day",
    "cse_considered": "yes",
    "referred": "yes",
    "referrals": "Child protection referral to the MASH: risk of CSE",
}


def use_protocol(service: Service, protocol: str) -> None:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol=protocol)
    service.child.responsible_authority.refresh_from_db()


def missing_since(service: Service, hours: float) -> Episode:
    now = timezone.now()
    return report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours - 0.5),
        last_seen_at=now - timedelta(hours=hours),
        police_informed=True,
        by=service.worker,
    )


def found_without_the_check(service: Service, hours: float = 6) -> Episode:
    """Missing, then found, the police's safe and well check not yet done (West Mercia 8.7)."""
    episode = missing_since(service, hours)
    record_found(episode, at=timezone.now() - timedelta(hours=1), by=service.worker, safe_and_well_done=None)
    episode.refresh_from_db()
    return episode


def the_check(episode: Episode) -> Obligation:
    return Obligation.objects.get(episode=episode, kind="safe_and_well_check", outcome="")


def test_west_mercia_the_safe_and_well_check_records_by_whom_where_with_whom_harm_and_referrals_and_closes_the_duty(
    service: Service,
) -> None:
    episode = found_without_the_check(service)
    duty = the_check(episode)
    assert meetable(episode, "safe_and_well") == [duty]
    at = timezone.now() - timedelta(minutes=30)
    record = add_record(
        episode, kind="safe_and_well", at=at, answers=SAFE_AND_WELL, by=service.worker, meets=duty
    )
    assert record.answers["where_been"] == "A flat on Eign Street, Hereford"
    assert record.answers["harm"].startswith("Bruising")
    duty.refresh_from_db()
    assert (duty.outcome, duty.closed_at) == ("done", at)
    assert record.meets == duty
    assert record.completion is not None and record.completion.type == "completed"
    assert record.completion.details["note"] == f"Safe and well check {record.pk}"
    # The episode says what the duty now says (001 s.8.7), as when the police close it directly.
    episode.refresh_from_db()
    assert episode.safe_and_well_done is True


def test_a_follow_up_question_is_required_only_when_its_answer_calls_for_it(service: Service) -> None:
    episode = found_without_the_check(service)
    duty = the_check(episode)
    no_harm = {**SAFE_AND_WELL, "harmed": "no", "harm": "(left over from an earlier answer)"}
    record = add_record(episode, kind="safe_and_well", at=timezone.now(), answers=no_harm, by=service.worker)
    # A follow-up not asked is not kept.
    assert "harm" not in record.answers
    with pytest.raises(ValidationError) as refused:
        add_record(
            episode,
            kind="safe_and_well",
            at=timezone.now(),
            answers={**SAFE_AND_WELL, "harm": ""},
            by=service.worker,
            meets=duty,
        )
    assert refused.value.message_dict == {"harm": ["Enter what harm, and what was done about it."]}
    duty.refresh_from_db()
    assert duty.outcome == ""
    assert DutyRecord.objects.count() == 1


def test_no_yes_or_no_is_assumed_and_a_refused_record_saves_nothing(service: Service) -> None:
    episode = found_without_the_check(service)
    duty = the_check(episode)
    events = Event.objects.count()
    answers = {k: v for k, v in SAFE_AND_WELL.items() if k not in ("disclosed", "where_been")}
    with pytest.raises(ValidationError) as refused:
        add_record(
            episode, kind="safe_and_well", at=timezone.now(), answers=answers, by=service.worker, meets=duty
        )
    assert refused.value.message_dict == {
        "where_been": ["Enter where the child had been."],
        "disclosed": ["Did the child disclose any offending by or against them: answer yes or no."],
    }
    assert (DutyRecord.objects.count(), Event.objects.count()) == (0, events)
    assert the_check(episode) == duty


def test_a_record_cannot_meet_a_duty_of_another_kind_or_one_already_closed(service: Service) -> None:
    episode = found_without_the_check(service)
    other = Obligation.objects.filter(episode=episode, outcome="").exclude(kind="safe_and_well_check").first()
    assert other is not None
    with pytest.raises(ValidationError) as refused:
        add_record(
            episode, kind="safe_and_well", at=timezone.now(), answers=SAFE_AND_WELL, by=None, meets=other
        )
    assert "meets" in refused.value.message_dict
    duty = the_check(episode)
    add_record(episode, kind="safe_and_well", at=timezone.now(), answers=SAFE_AND_WELL, by=None, meets=duty)
    with pytest.raises(ValidationError) as again:
        add_record(
            episode, kind="safe_and_well", at=timezone.now(), answers=SAFE_AND_WELL, by=None, meets=duty
        )
    assert again.value.message_dict == {"meets": ["This duty is already closed (done)."]}
    assert DutyRecord.objects.count() == 1


def test_wakefield_the_serious_notification_form_at_72_hours_says_what_it_said_and_to_whom(
    service: Service,
) -> None:
    use_protocol(service, "wakefield")
    episode = missing_since(service, 73)
    [duty] = meetable(episode, "senior_notification")
    assert (duty.kind, duty.recipient) == ("notify", "senior_manager")
    record = add_record(
        episode,
        kind="senior_notification",
        at=timezone.now(),
        answers={
            "form": "serious_notification",
            "sent_to": "Heads of Service, the Service Director and the Director of Children's Services",
            "contents": "Missing 72 hours; high risk of CSE; police searching Leeds addresses.",
        },
        by=service.manager,
        meets=duty,
    )
    duty.refresh_from_db()
    assert duty.outcome == "done"
    assert dict(record.rows())["What was sent"] == "Serious notification form (Wakefield s.3)"
    assert dict(record.rows())["Any direction given in reply"] == ""


def test_west_mercia_the_level_3_report_to_the_force_strategic_lead_is_a_senior_notification() -> None:
    from homeward.records.kinds import for_duty

    kind = for_duty("notify", "force_strategic_lead")
    assert kind is not None and kind.name == "senior_notification"
    assert for_duty("notify", "iro") is None  # telling the IRO keeps the plain outcome form


def test_essex_the_social_workers_visit_and_the_familys_views_within_48_hours_close_their_duties(
    service: Service,
) -> None:
    use_protocol(service, "essex")
    Child.objects.filter(pk=service.child.pk).update(looked_after=True)
    episode = missing_since(service, 8)
    record_found(episode, at=timezone.now() - timedelta(hours=2), by=service.worker)
    visits = meetable(episode, "social_worker_visit")
    views = meetable(episode, "family_views")
    assert len(visits) == len(views) == 1
    visit = add_record(
        episode,
        kind="social_worker_visit",
        at=timezone.now() - timedelta(hours=1),
        answers={"how": "visit", "seen_alone": "yes", "reasons": "Arguments at home about her boyfriend."},
        by=service.worker,
        meets=visits[0],
    )
    family = add_record(
        episode,
        kind="family_views",
        at=timezone.now() - timedelta(minutes=30),
        answers={"offered_to": "Her foster carers and her mother", "gave_views": "yes", "views": "Worried."},
        by=service.worker,
        meets=views[0],
    )
    assert {visit.meets.kind, family.meets.kind} == {"social_worker_visit", "family_views"}  # type: ignore[union-attr]
    assert not Obligation.objects.filter(
        episode=episode, kind__in=["social_worker_visit", "family_views"], outcome=""
    ).exists()


def test_set_2_8_5_a_return_to_an_unsafe_placement_needs_the_directors_approval(service: Service) -> None:
    episode = found_without_the_check(service)
    plan = {
        "planned_by": "Social worker with the foster carers and her mother",
        "chat_offered": "yes",
        "to_placement": "no",
        "placement_safe": "no",
        "transport": "Collected by her social worker by car",
        "recovery_order": "not_needed",
    }
    with pytest.raises(ValidationError) as refused:
        add_record(episode, kind="return_plan", at=timezone.now(), answers=plan, by=service.worker)
    assert list(refused.value.message_dict) == ["director_approval"]
    record = add_record(
        episode,
        kind="return_plan",
        at=timezone.now(),
        answers={**plan, "director_approval": "Jo Hart, Director for Local Delivery"},
        by=service.worker,
    )
    assert record.meets is None
    assert record.answers["director_approval"] == "Jo Hart, Director for Local Delivery"


def test_wakefield_the_mash_decides_social_care_early_help_or_universal_services(service: Service) -> None:
    episode = missing_since(service, 3)
    mash = person(Role.MASH_OFFICER, service.team)
    with pytest.raises(ValidationError) as refused:
        add_record(episode, kind="mash_screening", at=timezone.now(), answers={"decision": "maybe"}, by=mash)
    assert refused.value.message_dict["decision"] == [
        "The service the child needs: choose one of the answers listed."
    ]
    record = add_record(
        episode,
        kind="mash_screening",
        at=timezone.now(),
        answers={
            "decision": "early_help",
            "reasons": "First episode; no other concerns",
            "decided_by": "MASH",
        },
        by=mash,
    )
    assert dict(record.rows())["The service the child needs"] == "Early Help"


def test_records_are_in_subject_access_on_the_audit_trail_and_anonymised_by_retention(
    service: Service,
) -> None:
    episode = found_without_the_check(service)
    record = add_record(
        episode,
        kind="safe_and_well",
        at=timezone.now(),
        answers=SAFE_AND_WELL,
        by=service.worker,
        meets=the_check(episode),
    )
    exported = json.loads(export_json(service.child))
    assert [r["answers"]["with_whom"] for r in exported["duty_records"]] == ["Two older males she met online"]
    created = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DutyRecord),
        object_pk=str(record.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert created.count() == 1
    assert any(row["record"] == f"duty record {record.pk}" for row in exported["audit_trail"])

    retention.anonymise(service.child)

    record.refresh_from_db()
    # What was done and found stays (yes/no, when, the kind); who, where and what was said goes.
    assert record.answers["where_been"] == "" and record.answers["done_by"] == ""
    assert (record.answers["harmed"], record.answers["referred"], record.kind) == (
        "yes",
        "yes",
        "safe_and_well",
    )
    assert "Eign Street" not in json.dumps([e.changes for e in AuditEntry.objects.all()], default=str)


def test_the_police_of_the_force_told_close_their_safe_and_well_check_with_its_record(
    service: Service,
) -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    Organisation.objects.filter(pk=service.team.organisation_id).update(police_force=force)
    officer = person(Role.POLICE_LIAISON)
    officer.organisation = force
    officer.save()
    episode = found_without_the_check(service)
    duty = the_check(episode)
    assert officer.has_perm("records.add_dutyrecord", episode)
    assert officer.has_perm("obligations.close_obligation", duty)


# The IRO's review (West Mercia 6.20; SET 3.1.5, 3.1.7): the duty to consider reconvening the
# child's review falls to the child's IRO, who closes it by recording the review held or the
# decision not to reconvene it. A "consider" duty asks for the recorded decision with its
# rationale (CATALOGUE.md, "Due promptly"): either answer meets it, so either closes it as done.

REVIEW_HELD: dict[str, Any] = {
    "review": "lac_review",
    "decision": "held",
    "attended": "Keziah, her foster carers, her social worker, PC Amrit Sandhu",
    "decided": "Keziah stays in placement; a safety plan for evenings",
    "care_plan_changes": "yes",
    "care_plan": "Evening contact with her mother by phone; weekly visits by her social worker",
    "placement_changes": "no",
}


def looked_after_with_an_iro(service: Service) -> Any:
    iro = person(Role.IRO, service.team)
    Child.objects.filter(pk=service.child.pk).update(looked_after=True, iro=iro)
    service.child.refresh_from_db()
    return iro


def the_review_duty(episode: Episode) -> Obligation:
    return Obligation.objects.get(episode=episode, kind="review_meeting", outcome="")


def test_west_mercia_6_20_when_found_the_iro_records_the_reconvened_lac_review_and_their_duty_closes_done(
    service: Service,
) -> None:
    """6.20: "The IRO will consider whether it is appropriate to reconvene the LAC Review"."""
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    duty = the_review_duty(episode)
    assert (duty.rule, duty.falls_to, duty.assignee) == (
        "west-mercia/consider-reconvening-lac-review",
        Role.IRO,
        iro,
    )
    assert iro.has_perm("obligations.close_obligation", duty)
    assert meetable(episode, "iro_review") == [duty]
    at = timezone.now() - timedelta(minutes=20)
    record = add_record(episode, kind="iro_review", at=at, answers=REVIEW_HELD, by=iro, meets=duty)
    duty.refresh_from_db()
    assert (duty.outcome, duty.closed_at) == ("done", at)
    assert record.meets == duty and record.completion is not None
    assert record.completion.data["kind"] == "review_meeting"
    rows = dict(record.rows())
    assert rows["Which review"] == "Looked-after child (LAC) review (West Mercia 6.20)"
    assert rows["Was the review reconvened?"] == "Yes: the review was held"
    assert rows["How the care plan changes"].startswith("Evening contact")
    # The placement does not change: how it changes is not asked.
    assert "How the placement changes" not in rows and "reason" not in record.answers


def test_west_mercia_the_iros_decision_not_to_reconvene_with_its_reason_closes_the_duty_as_considered(
    service: Service,
) -> None:
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    duty = the_review_duty(episode)
    decision = {"review": "lac_review", "decision": "not_reconvened"}
    with pytest.raises(ValidationError) as refused:
        add_record(episode, kind="iro_review", at=timezone.now(), answers=decision, by=iro, meets=duty)
    assert refused.value.message_dict == {"reason": ["Enter why the review is not being reconvened."]}
    record = add_record(
        episode,
        kind="iro_review",
        at=timezone.now(),
        # Answers left from "held" are not kept: only what the decision asks.
        answers={**decision, "reason": "A review is due in three weeks", "decided": "(left over)"},
        by=iro,
        meets=duty,
    )
    assert record.answers == {**decision, "reason": "A review is due in three weeks"}
    duty.refresh_from_db()
    assert duty.outcome == "done"  # the consider duty asked for the decision and its rationale


def test_a_review_held_asks_who_took_part_what_was_decided_and_whether_the_care_plan_or_placement_change(
    service: Service,
) -> None:
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    duty = the_review_duty(episode)
    with pytest.raises(ValidationError) as refused:
        add_record(
            episode,
            kind="iro_review",
            at=timezone.now(),
            answers={"review": "lac_review", "decision": "held", "placement_changes": "yes"},
            by=iro,
            meets=duty,
        )
    assert set(refused.value.message_dict) == {"attended", "decided", "care_plan_changes", "placement"}
    assert the_review_duty(episode) == duty and DutyRecord.objects.count() == 0


def test_an_iro_review_is_recorded_only_against_the_duty_it_meets(service: Service) -> None:
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    with pytest.raises(ValidationError) as refused:
        add_record(episode, kind="iro_review", at=timezone.now(), answers=REVIEW_HELD, by=iro)
    assert list(refused.value.message_dict) == ["meets"]
    with pytest.raises(ValidationError):
        add_record(
            episode,
            kind="iro_review",
            at=timezone.now(),
            answers=REVIEW_HELD,
            by=iro,
            meets=the_check(episode),
        )
    assert DutyRecord.objects.count() == 0


def test_another_iro_may_not_close_the_childs_review_duty(service: Service) -> None:
    looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    other = person(Role.IRO, service.team)
    duty = the_review_duty(episode)
    assert not other.has_perm("obligations.close_obligation", duty)
    assert not other.has_perm("records.add_dutyrecord", episode)


def test_the_childs_iro_closes_only_their_own_duties(service: Service) -> None:
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    # The IRO reads the episode but does not write its other records or close others' duties.
    assert not iro.has_perm("records.add_dutyrecord", episode)
    assert not iro.has_perm("obligations.close_obligation", the_check(episode))
    assert meetable(episode, "safe_and_well") == [the_check(episode)]


@pytest.mark.parametrize(
    ("plan", "rule", "review"),
    [
        ("child_protection", "essex/consider-early-conference", "cp_conference"),
        ("child_in_need", "essex/consider-cin-review", "cin_review"),
    ],
)
def test_essex_3_1_5_and_3_1_7_the_early_conference_or_cin_review_is_considered_and_recorded(
    service: Service, plan: str, rule: str, review: str
) -> None:
    """3.1.5: "The Child Protection Conference Chair may arrange an early child protection
    conference"; 3.1.7: "A Child in Need Review should be considered"."""
    use_protocol(service, "essex")
    iro = looked_after_with_an_iro(service)
    Child.objects.filter(pk=service.child.pk).update(looked_after=False, plans=[plan])
    episode = missing_since(service, 3)
    duty = Obligation.objects.get(episode=episode, rule=rule)
    assert (duty.kind, duty.requirement, duty.assignee) == ("review_meeting", "consider", iro)
    assert meetable(episode, "iro_review") == [duty]
    add_record(
        episode,
        kind="iro_review",
        at=timezone.now(),
        answers={**REVIEW_HELD, "review": review},
        by=iro,
        meets=duty,
    )
    duty.refresh_from_db()
    assert duty.outcome == "done"


def test_an_iro_review_is_in_subject_access_and_retention_keeps_the_decision_not_the_words(
    service: Service,
) -> None:
    iro = looked_after_with_an_iro(service)
    episode = found_without_the_check(service)
    record = add_record(
        episode,
        kind="iro_review",
        at=timezone.now(),
        answers=REVIEW_HELD,
        by=iro,
        meets=the_review_duty(episode),
    )
    exported = json.loads(export_json(service.child))
    assert [r["answers"]["attended"] for r in exported["duty_records"]] == [REVIEW_HELD["attended"]]
    retention.anonymise(service.child)
    record.refresh_from_db()
    assert record.answers["attended"] == "" and record.answers["care_plan"] == ""
    assert (record.answers["review"], record.answers["decision"], record.answers["care_plan_changes"]) == (
        "lac_review",
        "held",
        "yes",
    )
