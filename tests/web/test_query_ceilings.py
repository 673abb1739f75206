"""Issue 20: the daily pages' database queries, pinned at today's counts (counts, not timings).

``test_query_counts`` checks that the pages do not grow with the history stored; these check the
number itself, so a page that starts reading per row (or a template that starts asking the
database) fails here before it shows in ``make bench``. Lower a ceiling when a page gets cheaper.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import User
from tests.factories import sign_in
from tests.web.test_query_counts import authority, missing_and_found, missing_now, placed_child, queries

pytestmark = pytest.mark.django_db

__all__ = ["authority"]  # the fixture, shared with test_query_counts

# Measured on main (SQLite, the test settings); see tools/bench/PAGES.md. The child's page was 56
# before a read-only request remembered its access answers; warning notices added one, and the
# timeline one more (it reads its events' kinds, then only the shown events whole). My work's
# panel actions (issue 17) are one query more, however many there are. Each was three more while
# every request saved the session (now at most once a minute: accounts.idle). The child's page
# then read the people it names with the child, its placement's home with the placement, and all
# its plans at once (40 to 33).
CEILINGS = {"board": 12, "my_work": 23, "child": 33}


def busy_authority(people: dict[str, User]) -> dict[str, str]:
    worker = people["worker"]
    first = timezone.now() - timedelta(days=400)
    for _ in range(3):
        missing_now(placed_child(people), worker)
    child = placed_child(people)
    missing_and_found(child, 4, first, worker)
    missing_now(child, worker)
    return {"child": f"/children/{child.pk}/"}


def test_the_board_stays_within_its_query_ceiling(authority: dict[str, User]) -> None:
    busy_authority(authority)
    client = sign_in(Client(), authority["coordinator"])
    # A look at a board that changed since the last one also saves the session (what it showed):
    # three queries more than this, the steady look of a coordinator who keeps it open.
    client.get("/")
    n = queries(client, "/")
    assert n <= CEILINGS["board"]


def test_my_work_stays_within_its_query_ceiling(authority: dict[str, User]) -> None:
    busy_authority(authority)
    n = queries(sign_in(Client(), authority["worker"]), "/my-work/")
    assert n <= CEILINGS["my_work"]


def test_a_childs_page_stays_within_its_query_ceiling(authority: dict[str, User]) -> None:
    urls = busy_authority(authority)
    n = queries(sign_in(Client(), authority["worker"]), urls["child"])
    assert n <= CEILINGS["child"]
