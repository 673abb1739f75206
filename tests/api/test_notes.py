"""Case notes through the partner API: a care provider's system sends the carer's update."""

from __future__ import annotations

import uuid

from homeward.accounts.models import Organisation
from homeward.api.models import Replay
from homeward.casework.episodes import report_episode
from homeward.episodes.models import Episode
from homeward.notes.models import Note
from homeward.obligations.models import Obligation
from tests.api.conftest import ApiClient, Partners, hours_ago, iso, token_for


def missing(partners: Partners, hours: float = 7) -> Episode:
    return report_episode(
        partners.child,
        category="missing",
        reported_at=hours_ago(hours - 0.5),
        last_seen_at=hours_ago(hours),
        police_informed=True,
        by=None,
    )


def notes_url(episode: Episode) -> str:
    return f"/api/v1/episodes/{episode.pk}/notes/"


def test_a_provider_adds_a_note_once_however_often_it_is_sent(partners: Partners) -> None:
    episode = missing(partners)
    client = partners.client("provider")
    key = str(uuid.uuid4())
    body = {"kind": "carer_update", "at": iso(hours_ago(1)), "text": "Rang her friend's mum: not seen her."}
    first = client.post(notes_url(episode), body, **{"Idempotency-Key": key})
    again = client.post(notes_url(episode), body, **{"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201, first.json()
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    note = Note.objects.get()
    assert first.json()["id"] == note.pk and first.json()["episode"] == episode.reference
    assert note.text == body["text"]
    assert note.recorded_by is not None and note.recorded_by.first_name == "Brightpath records"
    # The kept answer carries no free text: it outlives the record's retention.
    assert "friend" not in str(Replay.objects.get().body)


def test_a_note_meets_the_risk_review_it_names(partners: Partners) -> None:
    Organisation.objects.filter(pk=partners.authority.pk).update(protocol="essex")
    partners.child.responsible_authority.refresh_from_db()
    episode = missing(partners)
    review = (
        Obligation.objects.outstanding()
        .filter(episode=episode, kind="risk_review")
        .order_by("opens_at")
        .first()
    )
    assert review is not None
    response = partners.client("provider").post(
        notes_url(episode),
        {
            "kind": "carer_update",
            "at": iso(hours_ago(0.1)),
            "text": "Risk reviewed: high",
            "meets": review.pk,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["meets"]["id"] == review.pk
    assert response.json()["meets"]["status"] == "done"
    assert Obligation.objects.get(pk=review.pk).outcome == "done"


def test_bad_input_is_refused_naming_the_field_and_nothing_is_kept(partners: Partners) -> None:
    episode = missing(partners)
    client = partners.client("provider")
    bad = client.post(notes_url(episode), {"kind": "gossip", "at": iso(hours_ago(1)), "text": ""})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"kind", "text"}
    early = client.post(notes_url(episode), {"kind": "call", "at": iso(hours_ago(9)), "text": "Called"})
    assert early.status_code == 400
    assert "before the episode began" in early.json()["error"]["fields"]["at"][0]
    police = Obligation.objects.filter(episode=episode).first()
    assert police is not None
    wrong_duty = client.post(
        notes_url(episode), {"kind": "call", "at": iso(hours_ago(1)), "text": "Called", "meets": police.pk}
    )
    assert wrong_duty.status_code == 400
    assert list(wrong_duty.json()["error"]["fields"]) == ["meets"]
    assert not Note.objects.exists()


def test_another_providers_system_gets_404_and_a_token_without_the_scope_403(partners: Partners) -> None:
    episode = missing(partners)
    body = {"kind": "call", "at": iso(hours_ago(1)), "text": "Called"}
    refused = partners.client("other_provider").post(notes_url(episode), body)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    reader = token_for(partners.provider, "Read only", ["read"])
    forbidden = ApiClient(reader).post(notes_url(episode), body)
    assert forbidden.status_code == 403
    assert not Note.objects.exists()
