"""Two people editing the same record: the second save, made on a page read before the first was
saved, is refused with a clear error, shows what is recorded now, and saves nothing; saved again
(now knowingly, on the current version) it goes through. The same lost-update protection as the
partner API's ``expected_version`` (``casework.versions``), for every page that edits a record as a
whole: the child's details, the episode's answers, the Find Me plan, a return home interview and
the record's restriction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Role
from homeward.casework.children import save_child
from homeward.casework.episodes import record_found, report_episode, update_answers
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.interviews import record_return_interview
from homeward.casework.versions import StaleVersion
from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from tests.conftest import Service, person
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

CHANGED = "Someone else saved a change to this record since you opened this page, so nothing was saved."


class FormReader(HTMLParser):
    """What a browser would send for the page's form, as it stands (every control's current value)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post":
            self._in_form = True
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.data.setdefault(self._select, []).append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("file", "submit"):
                self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n")


def form_on(client: Client, url: str) -> dict[str, Any]:
    page = client.get(url)
    assert page.status_code in (200, 400), url
    reader = FormReader()
    reader.feed(page.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}


def episode_of(service: Service) -> Episode:
    now = timezone.now()
    return report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=20),
        last_seen_at=now - timedelta(hours=21),
        police_informed=True,
        by=service.worker,
    )


def two_editors(
    service: Service,
    url: str,
    mine: dict[str, Any],
    theirs: Callable[[], None],
    saved: Callable[[], Any],
    first: Any,
) -> None:
    """The worker opens ``url``; the manager saves a change (``theirs``) meanwhile; the worker's save
    of ``mine`` is refused, nothing of it saved, and the manager's value (``first``, what ``saved()``
    reads) is shown; sent again from the page it came back on, it is saved."""
    client = signed_in(service.worker)
    form = form_on(client, url)
    assert "version" in form
    theirs()
    refused = client.post(url, {**form, **mine})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert CHANGED in page
    assert "What is recorded now" in page
    assert str(first) in page
    assert saved() == first
    # The page came back with what the worker entered and the current version: sending it again is
    # a decision made on the record as it now stands.
    reader = FormReader()
    reader.feed(page)
    again = {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
    assert again["version"] != form["version"]
    accepted = client.post(url, again)
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    assert saved() != first


def test_the_childs_details(service: Service) -> None:
    child = service.child

    def theirs() -> None:
        current = Child.objects.get(pk=child.pk)
        current.school = "Whitecross High School"
        save_child(current, by=service.manager)

    two_editors(
        service,
        f"/children/{child.pk}/edit/",
        {"school": "Bishop of Hereford's Bluecoat School"},
        theirs,
        lambda: Child.objects.get(pk=child.pk).school,
        "Whitecross High School",
    )


def test_the_episodes_answers(service: Service) -> None:
    episode = episode_of(service)
    two_editors(
        service,
        f"/episodes/{episode.pk}/details/",
        {"wearing": "Grey hoodie"},
        lambda: update_answers(episode, {"wearing": "Black puffer jacket"}, by=service.manager),
        lambda: Episode.objects.get(pk=episode.pk).wearing,
        "Black puffer jacket",
    )


def test_the_find_me_plan_written_by_someone_else_while_the_page_was_open(service: Service) -> None:
    child = service.child
    two_editors(
        service,
        f"/children/{child.pk}/find-me-plan/",
        {"likely_places": "Hereford bus station", "reason": "After the strategy meeting"},
        lambda: save_find_me_plan(
            FindMePlan(child=child, likely_places="Her nan, Tupsley"), by=service.manager
        ),
        lambda: FindMePlan.objects.get(child=child).likely_places,
        "Her nan, Tupsley",
    )


def test_a_return_home_interview(service: Service) -> None:
    episode = episode_of(service)
    record_found(episode, at=timezone.now() - timedelta(hours=5), by=service.worker, safe_and_well_done=True)
    interview = record_return_interview(
        ReturnInterview(episode=episode, offered_at=timezone.now() - timedelta(hours=4)), by=service.worker
    )

    def theirs() -> None:
        current = ReturnInterview.objects.get(pk=interview.pk)
        current.carer_observations = "Tired and quiet"
        record_return_interview(current, by=service.manager)

    two_editors(
        service,
        f"/return-interviews/{interview.pk}/edit/",
        {"carer_observations": "Hungry, went to bed"},
        theirs,
        lambda: ReturnInterview.objects.get(pk=interview.pk).carer_observations,
        "Tired and quiet",
    )


def test_the_records_restriction(service: Service) -> None:
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    child = service.child
    url = f"/children/{child.pk}/restrict/"
    client = signed_in(coordinator)
    form = form_on(client, url)
    senior = signed_in(service.service_manager)
    restricted = senior.post(
        url, {**form_on(senior, url), "sealed": "on", "named": [service.worker.pk, coordinator.pk]}
    )
    assert restricted.status_code == 302
    # The coordinator's page was read before the record was restricted: sending it would lift it.
    refused = client.post(url, {key: value for key, value in form.items() if key != "sealed"})
    assert refused.status_code == 400
    assert CHANGED in refused.content.decode()
    assert Child.objects.get(pk=child.pk).sealed is True


def test_a_page_sent_without_its_version_saves_nothing(service: Service) -> None:
    child = service.child
    client = signed_in(service.worker)
    form = form_on(client, f"/children/{child.pk}/edit/")
    del form["version"]
    response = client.post(f"/children/{child.pk}/edit/", {**form, "school": "Somewhere else"})
    assert response.status_code == 400
    assert "This page is out of date" in response.content.decode()
    assert Child.objects.get(pk=child.pk).school == child.school


def test_the_write_layer_refuses_a_change_made_on_an_old_version(service: Service) -> None:
    child = service.child
    read = child.version
    first = Child.objects.get(pk=child.pk)
    first.school = "First editor's school"
    save_child(first, by=service.manager, expected_version=read)
    second = Child.objects.get(pk=child.pk)
    second.school = "Second editor's school"
    with pytest.raises(StaleVersion) as stale:
        save_child(second, by=service.worker, expected_version=read)
    assert stale.value.version == read + 1
    assert Child.objects.get(pk=child.pk).school == "First editor's school"
