"""A page that only reads remembers its access answers while it renders; nothing else does.

The child's page asked whether its reader was the child's allocated worker seventeen times, a
query each. Remembering is for the length of one read-only request: a change of relationship
(a child given to another worker) must be seen by the very next question outside it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.access.relationships import remembering_answers
from homeward.accounts.models import Role
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def asked(check: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        check()  # type: ignore[operator]
    return len(captured.captured_queries)


def test_within_a_read_the_same_question_of_the_same_child_is_asked_of_the_database_once() -> None:
    council = AuthorityFactory()
    team = TeamFactory(organisation=council)
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    child = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team)

    with remembering_answers():
        first = asked(lambda: worker.has_perm("children.view_child", child))
        again = asked(lambda: worker.has_perm("children.view_child", child))
        assert worker.has_perm("children.view_child", child)

    assert first > 0
    assert again == 0


def test_outside_a_read_a_changed_relationship_is_seen_at_once() -> None:
    council = AuthorityFactory()
    team, other_team = TeamFactory(organisation=council), TeamFactory(organisation=council)
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    other = UserFactory(organisation=council, team=other_team, role=Role.SOCIAL_WORKER)
    child = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team)

    assert worker.has_perm("children.view_child", child)
    child.allocated_worker, child.team = other, other_team
    child.save()

    assert not worker.has_perm("children.view_child", child)
    assert asked(lambda: worker.has_perm("children.view_child", child)) > 0


def test_a_read_remembers_nothing_for_the_next_one() -> None:
    council = AuthorityFactory()
    team = TeamFactory(organisation=council)
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    child = ChildFactory(responsible_authority=council, allocated_worker=worker, team=team)

    with remembering_answers():
        assert worker.has_perm("children.view_child", child)
    child.allocated_worker = None
    child.team = TeamFactory(organisation=council)
    child.save()
    with remembering_answers():
        assert not worker.has_perm("children.view_child", child)
