"""A token sees what its organisation's relationships allow, and nothing else (404 and an audit row).

Tokens: unknown or revoked is 401, a missing scope is 403, every answer is JSON in one shape."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from homeward.access.audit import REFUSED, VIEWED
from homeward.accounts.models import AuditEntry
from homeward.api.models import ApiToken
from homeward.casework.episodes import inform_police, report_episode
from homeward.episodes.models import Episode
from tests.api.conftest import Partners, hours_ago, report_body, token_for

EPISODES = "/api/v1/episodes/"


def reported(partners: Partners, police_informed: bool = True) -> Episode:
    return report_episode(
        partners.child,
        category="missing",
        reported_at=hours_ago(1),
        last_seen_at=hours_ago(2),
        police_informed=police_informed,
        by=None,
    )


def refused_rows() -> int:
    return AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()


def test_each_organisation_sees_the_child_by_its_own_relationship(partners: Partners) -> None:
    episode = reported(partners)
    path = f"/api/v1/children/{partners.child.reference}/"
    for who in ("police", "authority", "provider"):
        response = partners.client(who).get(path)
        assert response.status_code == 200, who
        assert response.json()["current_episode"]["id"] == episode.pk, who
    for who in ("other_police", "other_authority", "other_provider"):
        before = refused_rows()
        response = partners.client(who).get(path)
        assert response.status_code == 404, who
        assert response.json()["error"]["code"] == "not_found"
        assert refused_rows() == before + 1, f"{who}'s attempt is on the audit trail"


def test_another_organisations_child_is_not_found_whatever_is_asked(partners: Partners) -> None:
    other = report_episode(
        partners.other_child,
        category="missing",
        reported_at=hours_ago(1),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    client = partners.client("authority")
    before = refused_rows()
    answers = [
        client.get(f"/api/v1/children/{partners.other_child.reference}/"),
        client.get(f"/api/v1/episodes/{other.pk}/"),
        client.post(
            f"/api/v1/episodes/{other.pk}/risk-grading/",
            {"expected_version": 1, "level": "low", "at": hours_ago(0.5).isoformat()},
        ),
        client.post(EPISODES, report_body(partners.other_child)),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert refused_rows() == before + 4
    assert Episode.objects.get(pk=other.pk).risk_level == ""
    assert Episode.objects.filter(child=partners.other_child).count() == 1
    assert partners.other_child.last_name not in str(client.get("/api/v1/missing/").json())


def test_police_see_only_what_their_force_was_told(partners: Partners) -> None:
    untold = reported(partners, police_informed=False)
    client = partners.client("police")
    assert client.get(f"/api/v1/episodes/{untold.pk}/").status_code == 404
    inform_police(untold, at=hours_ago(0.5), by=None, reference="22-9")
    assert client.get(f"/api/v1/episodes/{untold.pk}/").status_code == 200
    assert partners.client("other_police").get(f"/api/v1/episodes/{untold.pk}/").status_code == 404


def test_a_police_force_may_report_only_children_in_the_area_it_covers(partners: Partners) -> None:
    assert partners.client("other_police").post(EPISODES, report_body(partners.child)).status_code == 404
    assert partners.client("police").post(EPISODES, report_body(partners.other_child)).status_code == 404
    assert partners.client("police").post(EPISODES, report_body(partners.child)).status_code == 201


def test_a_restricted_record_is_seen_by_no_token(partners: Partners) -> None:
    reported(partners)
    partners.child.sealed = True
    partners.child.save(update_fields=["sealed"])
    for who in ("police", "authority", "provider"):
        assert partners.client(who).get(f"/api/v1/children/{partners.child.reference}/").status_code == 404
        assert partners.client(who).get("/api/v1/missing/").json()["count"] == 0


def test_every_call_is_on_the_audit_trail_with_the_partner_system(partners: Partners) -> None:
    episode = reported(partners)
    partners.client("police").get(f"/api/v1/episodes/{episode.pk}/")
    row = AuditEntry.objects.filter(additional_data__outcome=VIEWED).latest("pk")
    assert row.object_pk == str(episode.pk)
    assert row.additional_data["partner"] == "Niche RMS"
    assert row.additional_data["method"] == "GET"
    token = ApiToken.objects.get(name="Niche RMS")
    assert row.actor == token.account
    # The missing list discloses each child on it: each is a view.
    before = AuditEntry.objects.filter(additional_data__outcome=VIEWED).count()
    assert partners.client("police").get("/api/v1/missing/").json()["count"] == 1
    assert AuditEntry.objects.filter(additional_data__outcome=VIEWED).count() == before + 1


def test_a_change_through_the_api_is_audited_as_the_partner_system(partners: Partners) -> None:
    response = partners.client("police").post(EPISODES, report_body(partners.child))
    episode = Episode.objects.get(pk=response.json()["id"])
    created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Episode),
        object_pk=str(episode.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert created.actor == ApiToken.objects.get(name="Niche RMS").account


def test_no_token_unknown_token_and_revoked_token_are_401(partners: Partners) -> None:
    anonymous = Client().get("/api/v1/missing/")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    unknown = Client().get("/api/v1/missing/", HTTP_AUTHORIZATION="Bearer hw_not-a-token")
    assert unknown.status_code == 401 and unknown.json()["error"]["message"] == "This token is not known."
    client = partners.client("police")
    assert client.get("/api/v1/missing/").status_code == 200
    token = ApiToken.objects.get(name="Niche RMS")
    call_command("api_token", "revoke", str(token.pk))
    revoked = client.get("/api/v1/missing/")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["message"] == "This token has been revoked."
    assert client.post(EPISODES, report_body(partners.child)).status_code == 401
    assert not Episode.objects.exists()


def test_a_token_without_the_scope_is_403_naming_it(partners: Partners) -> None:
    episode = reported(partners)
    reader = token_for(partners.force, "Niche read-only", ["read"])
    from tests.api.conftest import ApiClient

    client = ApiClient(reader)
    assert client.get(f"/api/v1/episodes/{episode.pk}/").status_code == 200
    response = client.post(
        f"/api/v1/episodes/{episode.pk}/risk-grading/",
        {"expected_version": 1, "level": "high", "at": hours_ago(0.5).isoformat()},
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden" and "'grade' scope" in error["message"]
    assert client.post(EPISODES, report_body(partners.child)).status_code == 403
    assert Episode.objects.get(pk=episode.pk).risk_level == ""


def test_a_token_is_stored_only_as_a_hash_and_its_use_is_recorded(partners: Partners) -> None:
    token = ApiToken.objects.get(name="Niche RMS")
    text = partners.tokens["police"]
    assert text not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.last_used_at is None
    partners.client("police").get("/api/v1/missing/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_unknown_addresses_and_wrong_methods_under_the_api_answer_json(partners: Partners) -> None:
    client = partners.client("police")
    nowhere = client.get("/api/v1/nowhere/")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"
    wrong = client.get(EPISODES)
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_a_failure_on_our_side_answers_500_in_the_same_shape(partners: Partners, monkeypatch: Any) -> None:
    def broken(organisation: object) -> None:
        raise RuntimeError("the database went away")

    # Only to make something fail inside a view; what is checked is the answer's shape.
    monkeypatch.setattr("homeward.access.partners.episodes_for", broken)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {partners.tokens['police']}")
    response = client.get("/api/v1/missing/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side; it has been logged.",
            "fields": {},
        }
    }
    # The service's own pages keep their own error page.
    assert (
        not Client(raise_request_exception=False)
        .get("/no-such-page/")["Content-Type"]
        .startswith("application/json")
    )


def test_answers_about_children_are_not_kept_in_caches(partners: Partners) -> None:
    reported(partners)
    response = partners.client("police").get(f"/api/v1/children/{partners.child.reference}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
