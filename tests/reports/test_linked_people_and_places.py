"""An episode names the people and places linked to it, one a line, for the network analysis
(004 s.7, 001 s.14.9); they are kept as a list through the one write path."""

from __future__ import annotations

import pytest
from django.test import Client

from homeward.accounts.models import Role
from homeward.episodes.models import Episode
from tests.factories import AuthorityFactory, UserFactory, sign_in
from tests.reports.builders import episode, placed_child

pytestmark = pytest.mark.django_db


def test_people_and_places_are_entered_one_a_line_and_shown_on_the_episode() -> None:
    authority = AuthorityFactory()
    child = placed_child(authority=authority)
    made = episode(child, "2025-07-10 21:00", 5)
    client = Client()
    sign_in(client, UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR))
    form = client.get(f"/episodes/{made.pk}/details/")
    assert 'name="associates"' in form.content.decode() and 'name="places"' in form.content.decode()
    response = client.post(
        f"/episodes/{made.pk}/details/",
        {
            "associates": "Kyle Marsh, 19\n\n   Kyle   Marsh, 19  \n<b>Dee</b>, silver Audi",
            "places": "14 Bath Street, Hereford\n",
            "version": made.version,
        },
    )
    assert response.status_code == 302
    saved = Episode.objects.get(pk=made.pk)
    assert saved.associates == ["Kyle Marsh, 19", "<b>Dee</b>, silver Audi"]
    assert saved.places == ["14 Bath Street, Hereford"]
    page = client.get(f"/episodes/{made.pk}/").content.decode()
    assert "Kyle Marsh, 19<br>&lt;b&gt;Dee&lt;/b&gt;, silver Audi" in page
    again = client.get(f"/episodes/{made.pk}/details/").content.decode()
    assert "Kyle Marsh, 19\n&lt;b&gt;Dee&lt;/b&gt;, silver Audi</textarea>" in again
