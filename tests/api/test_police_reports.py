"""A force's own report of a child it had not been told of opens that episode to it, no more.

A police system may report any child living in the area its force covers (README "Partner API":
the police notify the MASH of every missing child they know of, 002 s.3). Before, the report
made the force a "notified force" of the child at once, so reporting any reference opened the
child's name, date of birth and Find Me plan. Now the force sees the episode it reported while
it is open and to follow it up after, and nothing of the child's record; the MASH officer or coordinator sees the report
listed to confirm, and once they confirm it the force is told of the child as for any episode.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode
from homeward.notifications.models import Message
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, hours_ago, iso, report_body
from tests.factories import UserFactory, signed_in

EPISODES = "/api/v1/episodes/"


def people(partners: Partners) -> dict[str, User]:
    return {
        "mash": UserFactory(role=Role.MASH_OFFICER, organisation=partners.authority),
        "coordinator": UserFactory(role=Role.MISSING_COORDINATOR, organisation=partners.authority),
        "liaison": UserFactory(role=Role.POLICE_LIAISON, organisation=partners.force),
        "social_worker": partners.child.allocated_worker,  # type: ignore[dict-item]
    }


def police_report(partners: Partners) -> Episode:
    response = partners.client("police").post(EPISODES, report_body(partners.child, reference="22-0417"))
    assert response.status_code == 201, response.json()
    return Episode.objects.get(pk=response.json()["id"])


def refused() -> int:
    return AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()


def test_reporting_a_child_opens_the_episode_to_the_force_and_not_the_child(partners: Partners) -> None:
    save_find_me_plan(FindMePlan(child=partners.child, likely_places="Her aunt's, Leominster"), by=None)
    who = people(partners)
    episode = police_report(partners)
    assert episode.awaiting_confirmation
    client = partners.client("police")
    # The episode it reported, while open.
    assert client.get(f"/api/v1/episodes/{episode.pk}/").status_code == 200
    listed = client.get("/api/v1/missing/").json()
    assert [row["episode"]["id"] for row in listed["results"]] == [episode.pk]
    assert partners.child.last_name not in str(listed)
    assert partners.child.first_name not in str(listed)
    # Not the child's record: no name, no date of birth.
    before = refused()
    answer = client.get(f"/api/v1/children/{partners.child.reference}/")
    assert answer.status_code == 404
    assert refused() == before + 1
    # Nor, on the pages, to the force's liaison officers: not the episode, nor the Find Me plan.
    liaison = signed_in(who["liaison"])
    assert liaison.get(f"/episodes/{episode.pk}/").status_code == 404
    assert liaison.get(f"/reports/children/{partners.child.pk}/find-me-plan.pdf").status_code == 404
    assert partners.child.last_name not in liaison.get("/").content.decode()

    # Found: the force follows up its own report (the safe and well check is its to record),
    # and still learns nothing of the child.
    found = client.post(
        f"/api/v1/episodes/{episode.pk}/found/",
        {
            "expected_version": 1,
            "at": iso(hours_ago(0.5)),
            "where": "Home",
            "found_by": "PC 2231",
            "safe_and_well_done": True,
        },
    )
    assert found.status_code == 200, found.json()
    assert client.get(f"/api/v1/episodes/{episode.pk}/").status_code == 200
    assert client.get("/api/v1/missing/").json()["count"] == 0
    assert client.get(f"/api/v1/children/{partners.child.reference}/").status_code == 404


def test_the_mash_sees_the_report_to_confirm_and_confirming_tells_the_force(partners: Partners) -> None:
    who = people(partners)
    episode = police_report(partners)
    for key in ("mash", "coordinator"):
        board = signed_in(who[key]).get("/").content.decode()
        assert "Police reports to confirm" in board, key
        assert f"/episodes/{episode.pk}/confirm-police-report/" in board, key
        page = signed_in(who[key]).get(f"/episodes/{episode.pk}/").content.decode()
        assert "Confirm this police report" in page, key
    # Only the MASH and the coordinator confirm: anyone else gets 404 and an audit row.
    for key in ("social_worker", "liaison"):
        before = refused()
        response = signed_in(who[key]).post(f"/episodes/{episode.pk}/confirm-police-report/")
        assert response.status_code == 404, key
        assert refused() == before + 1
        assert "Police reports to confirm" not in signed_in(who[key]).get("/").content.decode()
    assert Episode.objects.get(pk=episode.pk).awaiting_confirmation

    response = signed_in(who["mash"]).post(f"/episodes/{episode.pk}/confirm-police-report/")
    assert response.status_code == 302 and response["Location"] == f"/episodes/{episode.pk}/"
    confirmed = Episode.objects.get(pk=episode.pk)
    assert not confirmed.awaiting_confirmation
    assert confirmed.confirmed_by == who["mash"] and confirmed.confirmed_at is not None
    assert confirmed.version == 2
    # On the audit trail as a change to the episode, by the MASH officer.
    change = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Episode),
        object_pk=str(episode.pk),
        action=AuditEntry.Action.UPDATE,
    ).latest()
    assert change.actor == who["mash"]
    assert change.changes_dict["awaiting_confirmation"] == ["True", "False"]
    # The force is now told of the child, as for any episode told to it.
    answer = partners.client("police").get(f"/api/v1/children/{partners.child.reference}/")
    assert answer.status_code == 200
    assert answer.json()["last_name"] == partners.child.last_name
    assert signed_in(who["liaison"]).get(f"/episodes/{episode.pk}/").status_code == 200
    assert "Police reports to confirm" not in signed_in(who["mash"]).get("/").content.decode()


def test_a_force_already_told_of_the_child_reports_without_waiting(partners: Partners) -> None:
    earlier = report_episode(
        partners.child,
        category="missing",
        reported_at=hours_ago(30),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    record_found(earlier, at=hours_ago(20), by=None)
    episode = police_report(partners)
    assert not episode.awaiting_confirmation
    assert partners.client("police").get(f"/api/v1/children/{partners.child.reference}/").status_code == 200


def test_a_batch_import_by_the_police_waits_for_the_mash_the_same_way(partners: Partners) -> None:
    csv = (
        f"reference,child,category,reported_at\n22-7,{partners.child.reference},missing,{iso(hours_ago(1))}\n"
    )
    answer = partners.client("police").post(f"{EPISODES}import/", {"csv": csv})
    assert answer.status_code == 200, answer.json()
    episode = Episode.objects.get(child=partners.child)
    assert episode.awaiting_confirmation
    assert partners.client("police").get(f"/api/v1/children/{partners.child.reference}/").status_code == 404


def test_a_police_duty_on_the_forces_own_report_does_not_open_the_child_either(partners: Partners) -> None:
    who = people(partners)
    episode = police_report(partners)
    found = partners.client("police").post(
        f"/api/v1/episodes/{episode.pk}/found/",
        {"expected_version": 1, "at": iso(hours_ago(0.5)), "where": "Home", "found_by": "PC 2231"},
    )
    assert found.status_code == 200, found.json()
    # The safe and well check is the force's to do, and falls to its liaison officer ...
    check = Obligation.objects.get(episode=episode, kind="safe_and_well_check", outcome="")
    assert check.assignee == who["liaison"]
    # ... who is told of it by reference only, and cannot open the child from it.
    message = Message.objects.get(recipient=who["liaison"], obligation=check)
    assert partners.child.last_name not in message.body
    assert "no access to this child's record" in message.body
    assert signed_in(who["liaison"]).get(f"/episodes/{episode.pk}/").status_code == 404
