"""The inbox says where each message's work stands now: an action from a meeting is outstanding
for its owner, with its owner for the manager told of it, and closed once done; its message
opens the action. Before, every action message read "No longer applies" and had no link."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from homeward.accounts.models import User
from homeward.casework import outbox
from homeward.casework.meetings import close_action
from homeward.notifications.models import Kind, Message
from tests.factories import signed_in
from tests.web.test_arranging_meetings import held_with_action, now, wakefield

pytestmark = pytest.mark.django_db

__all__ = ["now", "wakefield"]  # the fixtures


def work_now(user: User, kind: str) -> str:
    """The inbox row of the message of ``kind`` to ``user``: its "The work now" cell."""
    message = Message.objects.get(recipient=user, kind=kind)
    body = signed_in(user).get("/inbox/").content.decode()
    row = body.split(f'href="/inbox/{message.pk}/"', 1)[1].split("</tr>", 1)[0]
    return row.split('data-label="The work now">', 1)[1].split("</td>", 1)[0]


def test_an_overdue_action_is_outstanding_for_its_owner_and_with_them_for_the_manager(
    wakefield: User, now: datetime
) -> None:
    _, action, rhi = held_with_action(wakefield, now, due_days=0)
    assert outbox.chase_actions(now + timedelta(days=2)) >= 1
    manager = Message.objects.get(kind=Kind.ACTION_ESCALATED, action=action).recipient
    assert work_now(rhi, Kind.ACTION_OVERDUE) == "Outstanding"
    assert work_now(manager, Kind.ACTION_ESCALATED) == f"With {action.who}"
    # The message opens the action it is about, for its owner.
    message = Message.objects.get(recipient=rhi, kind=Kind.ACTION_OVERDUE)
    page = signed_in(rhi).get(f"/inbox/{message.pk}/").content.decode()
    assert f'href="{message.link}">Open the record' in page

    close_action(action, state="done", note="Shared on Tuesday.", by=rhi)
    assert work_now(rhi, Kind.ACTION_OVERDUE) == "Closed: done"
    assert work_now(manager, Kind.ACTION_ESCALATED) == "Closed: done"
    assert "No longer applies" not in signed_in(rhi).get("/inbox/").content.decode()
