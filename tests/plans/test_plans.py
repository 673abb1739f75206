"""Plans with versions (issue 17): a safety plan (Essex 004 s.2.1), the missing prevention plan
(004 s.7, Appendix 2), the care plan's missing-from-care section (West Mercia 001 4.8, 6.5) and the
Find Me plan (Wakefield 002 s.10), each kept as versions with who changed what, when and why. A
``plan_update`` duty is met by a new version of the plan its rule names (the pack's ``plans``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.accounts.models import AuditEntry, Organisation, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.obligations import close_obligation
from homeward.casework.plans import meetable, save_plan
from homeward.casework.versions import StaleVersion
from homeward.children.models import FindMePlan
from homeward.interviews.models import ReturnInterview
from homeward.obligations.models import Obligation
from homeward.plans.models import Plan, PlanVersion
from tests.conftest import Service, person
from tests.factories import TeamFactory, signed_in

pytestmark = pytest.mark.django_db

SAFETY: dict[str, str] = {
    "pattern": "Goes missing most Friday nights, to Leeds, with older boys",
    "risks": "Criminal exploitation: carrying for a county line",
    "strategy": "Curfew agreed with carers; police to check the known address",
    "child_agreed": "",
    "carers_will": "Phone her at 9pm; report at 10pm if no answer",
    "professionals_will": "Social worker visits weekly; youth worker on Fridays",
    "if_missing_again": "Report at once as high risk; strategy meeting within 24 hours",
}


def use_protocol(service: Service, protocol: str) -> None:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol=protocol)
    service.child.responsible_authority.refresh_from_db()


def after_the_return_interview(service: Service) -> Obligation:
    """Wakefield: missing, found, the return home interview held: WK11 opens."""
    use_protocol(service, "wakefield")
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=now - timedelta(hours=31),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=20), by=service.worker)
    interview = Obligation.objects.outstanding().get(episode=episode, kind="return_interview")
    close_obligation(interview, outcome="done", at=now - timedelta(hours=2), by=service.worker)
    return Obligation.objects.outstanding().get(child=service.child, kind="plan_update")


def find_me_form(**changes: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "description": "Slim, 5ft 2, long dark hair",
        "likely_places": "Leeds bus station",
        "return_to": "Her foster home",
        "reason": "Written after the return home interview",
        **changes,
    }


def test_wakefield_wk11_a_new_version_of_the_find_me_plan_after_the_return_interview_closes_the_duty(
    service: Service,
) -> None:
    duty = after_the_return_interview(service)
    assert duty.rule == "wakefield/update-find-me-plan"
    assert meetable(service.child, "find_me") == [duty]
    client = signed_in(service.worker)
    form = client.get(f"/children/{service.child.pk}/find-me-plan/?duty={duty.pk}")
    assert "Does this new version meet a duty?" in form.content.decode()
    response = client.post(
        f"/children/{service.child.pk}/find-me-plan/?duty={duty.pk}", find_me_form(meets=str(duty.pk))
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.outcome == "done"
    version = PlanVersion.objects.get(plan__child=service.child, plan__kind="find_me")
    assert (version.number, version.meets, version.written_by) == (1, duty, service.worker)
    assert version.reason == "Written after the return home interview"
    assert version.answers["likely_places"] == "Leeds bus station"


def test_wakefield_wk11_is_met_by_the_find_me_plan_only_because_its_pack_says_so(service: Service) -> None:
    duty = after_the_return_interview(service)
    # WK11's rule names the Find Me plan alone: a safety plan does not meet it.
    assert meetable(service.child, "safety") == []
    with pytest.raises(ValidationError) as refused:
        save_plan(
            service.child,
            kind="safety",
            answers=SAFETY,
            reason="After the RHI",
            by=service.worker,
            meets=duty,
        )
    assert refused.value.message_dict["meets"] == [
        "A new version of the safety plan does not meet this duty."
    ]
    duty.refresh_from_db()
    assert duty.outcome == ""
    assert not PlanVersion.objects.exists()  # nothing half-saved


def test_practice_guidance_pg7_update_plans_is_met_by_a_new_version_of_the_safety_plan(
    service: Service,
) -> None:
    use_protocol(service, "practice-guidance")
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=5),
        last_seen_at=now - timedelta(hours=6),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=1), by=service.worker)
    duty = Obligation.objects.outstanding().get(child=service.child, kind="plan_update")
    assert meetable(service.child, "safety") == [duty] == meetable(service.child, "care_plan_missing")
    assert meetable(service.child, "prevention") == []
    version = save_plan(
        service.child,
        kind="safety",
        answers=SAFETY,
        reason="Found after six hours",
        by=service.worker,
        meets=duty,
    )
    duty.refresh_from_db()
    assert duty.outcome == "done" and version.completion is not None
    assert (version.completion.type, version.completion.data["kind"]) == ("completed", "plan_update")


def test_the_reason_for_the_change_is_required_and_nothing_is_saved_without_it(service: Service) -> None:
    client = signed_in(service.worker)
    url = f"/children/{service.child.pk}/plans/safety/update/"
    response = client.post(url, {**SAFETY, "version": "0", "reason": " "})
    assert response.status_code == 400
    assert "Enter why the plan is being written." in response.content.decode()
    save_plan(service.child, kind="safety", answers=SAFETY, reason="First written", by=service.worker)
    response = client.post(url, {**SAFETY, "version": "1", "reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for the change." in response.content.decode()
    assert PlanVersion.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        save_plan(service.child, kind="safety", answers=SAFETY, reason="", by=service.worker)
    assert refused.value.message_dict["reason"] == ["Enter the reason for the change."]


def test_a_required_answer_left_blank_is_named(service: Service) -> None:
    response = signed_in(service.worker).post(
        f"/children/{service.child.pk}/plans/safety/update/",
        {**SAFETY, "strategy": "", "version": "0", "reason": "First written"},
    )
    assert response.status_code == 400
    assert "The strategy to keep the child safe: enter an answer." in response.content.decode()
    assert not Plan.objects.exists()


def test_every_version_stays_readable_with_what_changed_since_the_one_before(service: Service) -> None:
    client = signed_in(service.worker)
    url = f"/children/{service.child.pk}/plans/safety/update/"
    assert (
        client.post(url, {**SAFETY, "version": "0", "reason": "Third episode this month"}).status_code == 302
    )
    changed = {**SAFETY, "strategy": "Curfew 9pm; police check the Leeds flat on every report"}
    assert (
        client.post(url, {**changed, "version": "1", "reason": "Strategy meeting on 3 March"}).status_code
        == 302
    )
    page = client.get(f"/children/{service.child.pk}/plans/safety/").content.decode()
    assert "Version 2" in page and "Version 1" in page
    assert "Strategy meeting on 3 March" in page and "Third episode this month" in page
    first = client.get(f"/children/{service.child.pk}/plans/safety/versions/1/").content.decode()
    assert "Curfew agreed with carers" in first and "This is not the latest version" in first
    second = client.get(f"/children/{service.child.pk}/plans/safety/versions/2/").content.decode()
    assert "What changed since version 1" in second
    [(question, before, after)] = PlanVersion.objects.get(number=2).changes(PlanVersion.objects.get(number=1))
    assert question == "The strategy to keep the child safe"
    assert (before, after) == (SAFETY["strategy"], changed["strategy"])
    assert after in second and before in second


def test_a_second_editor_working_from_an_old_version_is_refused(service: Service) -> None:
    save_plan(service.child, kind="safety", answers=SAFETY, reason="First written", by=service.worker)
    save_plan(
        service.child,
        kind="safety",
        answers=SAFETY,
        reason="Reviewed",
        by=service.manager,
        expected_version=1,
    )
    with pytest.raises(StaleVersion):
        save_plan(
            service.child, kind="safety", answers=SAFETY, reason="Mine", by=service.worker, expected_version=1
        )
    response = signed_in(service.worker).post(
        f"/children/{service.child.pk}/plans/safety/update/", {**SAFETY, "version": "1", "reason": "Mine"}
    )
    assert response.status_code == 400
    assert PlanVersion.objects.count() == 2


def test_the_plan_asks_for_a_review_after_a_return_interview_held_since_its_last_version(
    service: Service,
) -> None:
    now = timezone.now()
    save_plan(
        service.child,
        kind="safety",
        answers=SAFETY,
        reason="First written",
        by=service.worker,
        at=now - timedelta(days=3),
    )
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(days=2),
        last_seen_at=now - timedelta(days=2, hours=1),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(days=1, hours=12), by=service.worker)
    ReturnInterview.objects.create(
        episode=episode, offered_at=now - timedelta(days=1), held_at=now - timedelta(hours=20)
    )
    client = signed_in(service.worker)
    page = client.get(f"/children/{service.child.pk}/plans/safety/").content.decode()
    assert "Review this plan: since it was last reviewed on" in page
    assert "return home interview on" in page
    child_page = client.get(f"/children/{service.child.pk}/").content.decode()
    assert "Review needed" in child_page
    save_plan(
        service.child, kind="safety", answers=SAFETY, reason="Reviewed after the RHI", by=service.worker
    )
    page = client.get(f"/children/{service.child.pk}/plans/safety/").content.decode()
    assert "Review this plan" not in page


def test_the_childs_page_lists_the_plans_with_links(service: Service) -> None:
    save_find_me_plan(FindMePlan(child=service.child, likely_places="The retail park"), by=None)
    page = signed_in(service.worker).get(f"/children/{service.child.pk}/").content.decode()
    assert ">Plans</h2>" in page
    for kind in ("safety", "prevention", "care_plan_missing", "find_me"):
        assert f"/children/{service.child.pk}/plans/{kind}/" in page


def test_someone_without_access_to_the_case_gets_404_and_the_attempt_is_audited(service: Service) -> None:
    save_plan(service.child, kind="safety", answers=SAFETY, reason="First written", by=service.worker)
    stranger = person(Role.SOCIAL_WORKER, TeamFactory())
    client = signed_in(stranger)
    for url in (
        f"/children/{service.child.pk}/plans/safety/",
        f"/children/{service.child.pk}/plans/safety/versions/1/",
        f"/children/{service.child.pk}/plans/safety/update/",
    ):
        before = AuditEntry.objects.filter(additional_data__outcome="refused").count()
        assert client.get(url).status_code == 404, url
        assert AuditEntry.objects.filter(additional_data__outcome="refused").count() == before + 1
    response = client.post(
        f"/children/{service.child.pk}/plans/safety/update/", {**SAFETY, "version": "1", "reason": "Mine"}
    )
    assert response.status_code == 404
    assert PlanVersion.objects.count() == 1
    assert ">Plans</h2>" not in signed_in(stranger).get(f"/children/{service.child.pk}/").content.decode()


def test_the_duty_and_the_worklist_lead_to_the_plan_that_meets_it(service: Service) -> None:
    duty = after_the_return_interview(service)
    client = signed_in(service.worker)
    response = client.get(f"/obligations/{duty.pk}/plan/")
    assert response.status_code == 302
    assert response["Location"] == f"/children/{service.child.pk}/find-me-plan/?duty={duty.pk}"
    assert f"/obligations/{duty.pk}/plan/" in client.get(f"/obligations/{duty.pk}/why/").content.decode()
    assert f"/obligations/{duty.pk}/plan/" in client.get("/my-work/").content.decode()
