"""Duty records on the pages: "Record outcome" of a duty with a record of its own opens that
record's form (the safe and well check, West Mercia 8.7); the form names each field it refuses,
saves nothing half-done, answers no yes/no for the person; the record opens with its episode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.records.models import DutyRecord
from tests.conftest import Service, person
from tests.factories import TeamFactory, signed_in

pytestmark = pytest.mark.django_db

ANSWERS = {
    "done_by": "PC 2231 Amrit Sandhu",
    "face_to_face": "yes",
    "where_been": "A flat on Eign Street, Hereford",
    "with_whom": "Two older males she met online",
    "disclosed": "no",
    "harmed": "no",
    "cse_considered": "yes",
    "referred": "yes",
    "referrals": "Referral to the MASH: risk of CSE",
}


def local(minutes_ago: int) -> str:
    return (timezone.localtime() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def found_without_the_check(service: Service) -> Episode:
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=5),
        last_seen_at=now - timedelta(hours=6),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=1), by=service.worker, safe_and_well_done=None)
    return episode


def test_record_outcome_of_the_safe_and_well_check_opens_its_record_and_saving_it_closes_the_duty(
    service: Service,
) -> None:
    episode = found_without_the_check(service)
    duty = Obligation.objects.get(episode=episode, kind="safe_and_well_check", outcome="")
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    client = signed_in(coordinator)
    form_url = f"/episodes/{episode.pk}/records/safe_and_well/new/?duty={duty.pk}"
    assert form_url in client.get(f"/episodes/{episode.pk}/").content.decode()
    page = client.get(form_url).content.decode()
    assert "Who the child had been with" in page
    assert f'href="/obligations/{duty.pk}/close/"' in page  # not done: declined or not required instead

    response = client.post(form_url, {**ANSWERS, "at": local(20), "meets": str(duty.pk)})
    record = DutyRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/records/{record.pk}/"
    duty.refresh_from_db()
    assert duty.outcome == "done"
    shown = client.get(f"/records/{record.pk}/").content.decode()
    assert "Two older males she met online" in shown and "Referral to the MASH: risk of CSE" in shown
    # On the episode's timeline and the child's, linking to the record.
    for url in (f"/episodes/{episode.pk}/", f"/children/{service.child.pk}/"):
        assert (
            f"{episode.reference}: Safe and well check (meets: {duty.title})"
            in client.get(url).content.decode()
        )


def test_the_form_refuses_bad_input_naming_the_field_and_saves_nothing(service: Service) -> None:
    episode = found_without_the_check(service)
    duty = Obligation.objects.get(episode=episode, kind="safe_and_well_check", outcome="")
    client = signed_in(person(Role.MISSING_COORDINATOR, service.team))
    url = f"/episodes/{episode.pk}/records/safe_and_well/new/"
    response = client.post(url, {**ANSWERS, "face_to_face": "", "harmed": "yes", "at": local(5)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Was it a face-to-face contact: choose an answer." in body
    assert "Does this record meet a duty: choose an answer." in body
    # The follow-up, once its answer calls for it (records.rules, the same check as the API's).
    response = client.post(url, {**ANSWERS, "harmed": "yes", "at": local(5), "meets": str(duty.pk)})
    assert response.status_code == 400
    assert "Enter what harm, and what was done about it." in response.content.decode()
    assert not DutyRecord.objects.exists()
    duty.refresh_from_db()
    assert duty.outcome == ""


def test_no_yes_or_no_is_answered_for_the_person(service: Service) -> None:
    episode = found_without_the_check(service)
    page = (
        signed_in(service.worker).get(f"/episodes/{episode.pk}/records/safe_and_well/new/").content.decode()
    )
    assert "checked" not in page


def test_a_record_opens_only_with_its_episode_and_a_refusal_is_audited(service: Service) -> None:
    episode = found_without_the_check(service)
    client = signed_in(service.worker)
    client.post(
        f"/episodes/{episode.pk}/records/return_plan/new/",
        {
            "at": local(5),
            "planned_by": "Social worker and carer",
            "chat_offered": "yes",
            "to_placement": "yes",
            "placement_safe": "yes",
            "transport": "Collected by the carer",
            "recovery_order": "not_needed",
        },
    )
    record = DutyRecord.objects.get()
    assert record.kind == "return_plan" and record.meets is None
    assert client.get(f"/records/{record.pk}/").status_code == 200
    stranger = person(Role.SOCIAL_WORKER, TeamFactory(organisation=service.team.organisation))
    refused = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    assert signed_in(stranger).get(f"/records/{record.pk}/").status_code == 404
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused + 1
    assert signed_in(stranger).get(f"/episodes/{episode.pk}/records/return_plan/new/").status_code == 404


def test_an_unknown_kind_of_record_is_not_found(service: Service) -> None:
    episode = found_without_the_check(service)
    assert signed_in(service.worker).get(f"/episodes/{episode.pk}/records/horoscope/new/").status_code == 404


# The IRO acts on their duties (West Mercia 6.20; SET 3.1.5, 3.1.7): "Record outcome" of the
# review duty opens the IRO review form, for the child's IRO, from My work, the episode and the child.


def looked_after_and_found(service: Service) -> tuple[Episode, Obligation]:
    iro = person(Role.IRO, service.team)
    type(service.child).objects.filter(pk=service.child.pk).update(looked_after=True, iro=iro)
    service.child.refresh_from_db()
    episode = found_without_the_check(service)
    return episode, Obligation.objects.get(episode=episode, kind="review_meeting", outcome="")


def test_west_mercia_6_20_the_childs_iro_records_the_review_from_my_work_and_their_duty_closes_done(
    service: Service,
) -> None:
    episode, duty = looked_after_and_found(service)
    iro = duty.assignee
    assert iro is not None and iro == service.child.iro
    client = signed_in(iro)
    form_url = f"/episodes/{episode.pk}/records/iro_review/new/?duty={duty.pk}"
    for page in ("/my-work/", f"/episodes/{episode.pk}/", f"/children/{service.child.pk}/"):
        assert f'href="{form_url}"' in client.get(page).content.decode(), page
    page = client.get(form_url).content.decode()
    assert "Record the IRO review" in page
    assert "Who took part" in page and "Why the review is not being reconvened" in page
    assert "No, it meets no duty" not in page  # recorded against its duty only
    response = client.post(
        form_url,
        {
            "at": local(15),
            "meets": str(duty.pk),
            "review": "lac_review",
            "decision": "held",
            "attended": "Keziah, her foster carers and her social worker",
            "decided": "Stays in placement with an evening safety plan",
            "care_plan_changes": "no",
            "placement_changes": "no",
        },
    )
    record = DutyRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/records/{record.pk}/"
    duty.refresh_from_db()
    assert (duty.outcome, record.meets, record.recorded_by) == ("done", duty, iro)
    shown = client.get(f"/records/{record.pk}/").content.decode()
    assert "Stays in placement with an evening safety plan" in shown


def test_the_iros_decision_not_to_reconvene_on_the_page_needs_its_reason_and_closes_the_duty(
    service: Service,
) -> None:
    episode, duty = looked_after_and_found(service)
    assert duty.assignee is not None
    client = signed_in(duty.assignee)
    url = f"/episodes/{episode.pk}/records/iro_review/new/"
    decision = {"at": local(5), "meets": str(duty.pk), "review": "lac_review", "decision": "not_reconvened"}
    response = client.post(url, decision)
    assert response.status_code == 400
    assert "Enter why the review is not being reconvened." in response.content.decode()
    assert not DutyRecord.objects.exists()
    response = client.post(url, {**decision, "reason": "Her review is due in three weeks"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.outcome == "done"


def test_another_iro_and_the_case_holders_who_may_not_close_it_cannot_record_the_iros_review(
    service: Service,
) -> None:
    episode, duty = looked_after_and_found(service)
    url = f"/episodes/{episode.pk}/records/iro_review/new/?duty={duty.pk}"
    data = {"at": local(5), "meets": str(duty.pk), "review": "lac_review", "decision": "not_reconvened"}
    other_iro = person(Role.IRO, service.team)
    for who in (other_iro, service.worker, service.manager):
        client = signed_in(who)
        assert client.get(url).status_code == 404, who.role
        assert client.post(url, {**data, "reason": "No need"}).status_code == 404, who.role
    # The social worker records the episode's other work, but is not offered the IRO's review.
    assert (
        "/records/iro_review/"
        not in signed_in(service.worker).get(f"/episodes/{episode.pk}/").content.decode()
    )
    duty.refresh_from_db()
    assert duty.outcome == "" and not DutyRecord.objects.exists()
    # The coordinator may close any duty of the authority's children, so may record it for the IRO.
    assert signed_in(person(Role.MISSING_COORDINATOR, service.team)).get(url).status_code == 200
