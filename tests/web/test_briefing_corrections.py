"""What was agreed for a child at the daily missing briefing (Wakefield 002 s.4) can be corrected
after it is saved: by whoever may record it, the earlier wording kept on the audit trail and the
briefing saying who corrected it and when."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from homeward.accounts.models import AuditEntry
from homeward.meetings.models import BriefingItem, Meeting
from tests.factories import signed_in
from tests.web.test_briefings import Wakefield, agreed_form, now, start_form, wakefield

pytestmark = pytest.mark.django_db
__all__ = ["now", "wakefield"]  # fixtures


def recorded(w: Wakefield, at: datetime) -> BriefingItem:
    amy = w.child("Amy")
    w.missing(amy, at)
    client = signed_in(w.coordinator)
    client.post("/briefings/new/", start_form(w))
    item = BriefingItem.objects.get(child=amy)
    assert client.post(f"/briefings/items/{item.pk}/", agreed_form(w)).status_code == 302
    item.refresh_from_db()
    return item


def test_the_coordinator_corrects_what_was_agreed_and_the_earlier_wording_stays_on_the_trail(
    wakefield: Wakefield, now: datetime
) -> None:
    item = recorded(wakefield, now)
    client = signed_in(wakefield.coordinator)
    page = client.get(f"/briefings/{item.briefing_id}/").content.decode()
    assert f"/briefings/items/{item.pk}/correct/" in page and 'data-testid="corrected"' not in page
    form = client.get(f"/briefings/items/{item.pk}/correct/").content.decode()
    assert "Kirkgate" in form  # the recorded wording, to correct
    response = client.post(
        f"/briefings/items/{item.pk}/correct/",
        {
            "decisions": "Police to visit the known address on Westgate tonight.",
            "agreed_by": "The coordinator and PC Shaw",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    meeting = Meeting.objects.get(pk=item.meeting_id)
    assert "Westgate" in meeting.decisions and item.agreed_by == "The coordinator and PC Shaw"
    [change] = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting),
        object_pk=str(meeting.pk),
        action=AuditEntry.Action.UPDATE,
    )
    assert change.actor == wakefield.coordinator
    old, new = change.changes_dict["decisions"]
    assert "Kirkgate" in old and "Westgate" in new
    page = client.get(f"/briefings/{item.briefing_id}/").content.decode()
    assert "Westgate" in page and "Corrected by Cara Oakes at" in page


def test_a_correction_that_empties_what_was_agreed_is_refused_and_nothing_changes(
    wakefield: Wakefield, now: datetime
) -> None:
    item = recorded(wakefield, now)
    response = signed_in(wakefield.coordinator).post(
        f"/briefings/items/{item.pk}/correct/", {"decisions": "  ", "agreed_by": "The coordinator"}
    )
    assert (
        response.status_code == 400 and "Record what was agreed for this child." in response.content.decode()
    )
    item.refresh_from_db()
    assert item.agreed_by == "The coordinator, the MASH officer and PC Shaw"
    assert "Kirkgate" in Meeting.objects.get(pk=item.meeting_id).decisions


def test_the_police_officer_at_the_briefing_cannot_correct_it(wakefield: Wakefield, now: datetime) -> None:
    item = recorded(wakefield, now)
    response = signed_in(wakefield.police).post(
        f"/briefings/items/{item.pk}/correct/", {"decisions": "Nothing", "agreed_by": "PC Shaw"}
    )
    assert response.status_code == 404
    assert "Kirkgate" in Meeting.objects.get(pk=item.meeting_id).decisions
