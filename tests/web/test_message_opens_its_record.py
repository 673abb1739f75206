"""A message that carries no duty still opens the record it is about, for a person who may see it.

News of a child (reported missing, found), a host authority asked to hold a return home
interview, and a warning notice's adult named on an episode link to an episode. Their message
pages used to say "This is no longer yours to act on" and gave no link, because only messages
about a duty or an action were checked. Now the link is checked by the permission its own page
asks; a person it would not open for still gets no link (and the page still answers 404).
"""

from __future__ import annotations

import pytest

from homeward.accounts.models import User
from homeward.casework.commissions import commission_interview
from homeward.notifications.models import Kind, Message
from tests.conftest import Service
from tests.factories import signed_in
from tests.web.test_host_interview import Placed, interview_duty, placed, returned
from tests.web.test_interview_findings import second_child
from tests.web.test_warning_notices import coordinator, report, serve

pytestmark = pytest.mark.django_db

__all__ = ["placed"]  # the fixture

OPENS = "Open the record"
DOES_NOT = "so the record does not open for you"


def message_page(message: Message, reader: User | None = None) -> str:
    return signed_in(reader or message.recipient).get(f"/inbox/{message.pk}/").content.decode()


def test_the_host_authoritys_news_of_the_child_opens_its_view_of_the_episode(placed: Placed) -> None:
    episode = returned(placed)
    news = Message.objects.filter(recipient=placed.host_coordinator, kind=Kind.CHILD_NEWS).first()
    assert news is not None and news.link.endswith(f"/episodes/{episode.pk}/")
    page = message_page(news)
    assert f'href="{news.link}">{OPENS}' in page and DOES_NOT not in page
    assert signed_in(placed.host_coordinator).get(f"/episodes/{episode.pk}/").status_code == 200


def test_a_host_asked_to_hold_the_interview_opens_the_episode_from_the_request(placed: Placed) -> None:
    episode = returned(placed)
    commission_interview(interview_duty(episode), by=placed.rhi, note="")
    asked = Message.objects.get(recipient=placed.host_coordinator, kind=Kind.COMMISSIONED)
    page = message_page(asked)
    assert f'href="{asked.link}">{OPENS}' in page and DOES_NOT not in page


def test_a_link_to_an_episode_of_another_authority_does_not_open(placed: Placed) -> None:
    """A near miss: the same message's link, given to the third authority's coordinator, who may
    not see the episode, shows no link."""
    episode = returned(placed)
    news = Message.objects.filter(recipient=placed.host_coordinator, kind=Kind.CHILD_NEWS).first()
    assert news is not None
    news.pk = None
    news.recipient = placed.third_coordinator
    news.message_id = f"{news.message_id}-copy"
    news.save()
    page = message_page(news)
    assert OPENS not in page and DOES_NOT in page
    assert signed_in(placed.third_coordinator).get(f"/episodes/{episode.pk}/").status_code == 404


def test_the_coordinator_told_of_a_warning_notice_match_opens_the_episode(service: Service) -> None:
    lead = coordinator(service)
    serve(service, service.child, by=lead)
    episode = report(second_child(service, "Tamsin"), "Dean Hall")
    told = Message.objects.get(kind=Kind.WARNING_NOTICE, recipient=lead)
    assert told.link.endswith(f"/episodes/{episode.pk}/")
    assert f'href="{told.link}">{OPENS}' in message_page(told)


def test_a_link_to_nowhere_does_not_open(service: Service) -> None:
    lead = coordinator(service)
    serve(service, service.child, by=lead)
    report(second_child(service, "Tamsin"), "Dean Hall")
    told = Message.objects.get(kind=Kind.WARNING_NOTICE, recipient=lead)
    told.link = "https://homeward.example/no-such-page/"
    told.save(update_fields=["link"])
    assert OPENS not in message_page(told)
