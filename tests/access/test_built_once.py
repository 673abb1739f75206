"""Each access filter is built once in a request (access.memo), and shows the same records.

A board built the UNION of its reader's relationships three times and My work five, a third of
each page's time (issue 20). Within a ``building_once()`` block the filter's SQL is remembered;
its rows never are, and outside a block nothing is remembered at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db.models.sql.query import Query
from django.test import RequestFactory
from django.utils import timezone

from homeward.access import memo
from homeward.access import relationships as rel
from homeward.access.visible import case_children, visible_children, visible_episodes
from homeward.accounts.models import Role, User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.web import security
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filters_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many filters Django has built (``Query.add_q``: each ``filter``, each subquery's)."""
    built = [0]
    add_q = Query.add_q

    def counting(self: Query, *args: Any, **kwargs: Any) -> Any:
        built[0] += 1
        return add_q(self, *args, **kwargs)

    monkeypatch.setattr(Query, "add_q", counting)
    yield built


def built_by(built: list[int], call: Callable[[], Any]) -> int:
    before = built[0]
    call()
    return built[0] - before


def social_worker_and_children() -> tuple[User, list[Child]]:
    """A worker with a child of their own, one of their team's, one of another team's, and two
    restricted ones of their own: one naming them, one not."""
    council = AuthorityFactory()
    team, other_team = TeamFactory(organisation=council), TeamFactory(organisation=council)
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    own = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team)
    teams = ChildFactory(responsible_authority=council, team=team)
    others = ChildFactory(responsible_authority=council, team=other_team)
    named = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team, sealed=True)
    named.sealed_to.add(worker)
    unnamed = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team, sealed=True)
    return worker, [own, teams, others, named, unnamed]


def keys(queryset: Any) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_within_a_block_the_second_ask_builds_no_filter_and_sees_the_same_children(
    filters_built: list[int],
) -> None:
    worker, (own, teams, _, named, _) = social_worker_and_children()
    outside = keys(visible_children(worker))
    assert outside == {own.pk, teams.pk, named.pk}

    with memo.building_once():
        first = built_by(filters_built, lambda: visible_children(worker))
        again = built_by(filters_built, lambda: visible_children(worker))
        inside = keys(visible_children(worker))
        episodes_first = built_by(filters_built, lambda: visible_episodes(worker))
        episodes_again = built_by(filters_built, lambda: visible_episodes(worker))

    assert first > 5, "the UNION of the worker's relationships is built the first time"
    assert again == 1, "then only the page's own filter: the UNION is remembered"
    assert episodes_again == 1 < episodes_first
    assert inside == outside


def test_the_remembered_union_is_the_same_sql_as_when_built_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    worker, _ = social_worker_and_children()
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # the duties open "now" are in the SQL
    with memo.building_once():
        visible_children(worker)
        remembered = str(visible_children(worker).query)
    assert remembered == str(visible_children(worker).query)


def test_outside_a_block_a_child_newly_allocated_is_seen_at_once(filters_built: list[int]) -> None:
    worker, (_, _, others, _, _) = social_worker_and_children()
    assert others.pk not in keys(visible_children(worker))

    others.allocated_worker = worker
    others.save()

    assert others.pk in keys(visible_children(worker))
    assert others.pk in keys(case_children(worker))
    assert built_by(filters_built, lambda: visible_children(worker)) > 5, "outside a block, built afresh"


def test_outside_a_block_a_restricted_record_naming_them_is_seen_at_once() -> None:
    worker, (*_, unnamed) = social_worker_and_children()
    assert unnamed.pk not in keys(visible_children(worker))

    unnamed.sealed_to.add(worker)

    assert unnamed.pk in keys(visible_children(worker))


def test_within_a_block_rows_are_not_remembered_a_new_child_appears() -> None:
    worker, (own, *_) = social_worker_and_children()
    with memo.building_once():
        before = keys(visible_children(worker))
        new: Child = ChildFactory(
            responsible_authority=own.responsible_authority, allocated_worker=worker, team=own.team
        )
        episode = Episode.objects.create(
            child=new, category="missing", reported_at=timezone.now(), last_seen_at=timezone.now()
        )
        after = keys(visible_children(worker))
        episodes = keys(visible_episodes(worker))
    assert new.pk not in before
    assert new.pk in after
    assert episode.pk in episodes


def test_within_a_block_the_same_person_moved_to_another_team_is_another_filter() -> None:
    worker, (_, teams, others, *_) = social_worker_and_children()
    with memo.building_once():
        assert teams.pk in keys(visible_children(worker))
        worker.team = others.team
        worker.save()
        seen = keys(visible_children(worker))
    assert others.pk in seen
    assert teams.pk not in seen


def test_a_privacy_lead_granted_outside_a_block_is_seen_at_once() -> None:
    worker, _ = social_worker_and_children()
    assert not rel.is_privacy_lead(worker)
    worker.user_permissions.add(Permission.objects.get(codename=rel.PRIVACY_LEAD_PERMISSION))
    assert rel.is_privacy_lead(worker)


def test_nothing_is_remembered_after_the_block() -> None:
    worker, _ = social_worker_and_children()
    with memo.building_once():
        assert memo.active()
        visible_children(worker)
    assert not memo.active()


def test_a_page_read_builds_once_a_form_sent_does_not() -> None:
    seen: list[bool] = []

    def view(request: Any) -> Any:
        seen.append(memo.active())
        return None

    middleware = security.RememberAnswersWhileReadingMiddleware(view)
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().post("/"))
    assert seen == [True, False]


def test_a_compiled_subquery_has_no_order_as_djangos_own_in_has_none() -> None:
    # Child's default order (by name) left in the embedded subquery made PostgreSQL sort it and
    # misjudge its size: My work's note check read every child in the country (700 ms, large bench).
    assert Child._meta.ordering
    q = memo.within("child", Child.objects.filter(sealed=False).values("pk"))
    raw = q.children[0][1]
    assert "ORDER BY" not in raw.sql.upper()
    # A sliced subquery keeps its order: its rows depend on it.
    sliced = memo.within("child", Child.objects.order_by("last_name").values("pk")[:5])
    assert "ORDER BY" in sliced.children[0][1].sql.upper()
