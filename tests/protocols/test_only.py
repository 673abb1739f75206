"""Evaluating only what a change can affect gives the answers a full evaluation gives.

The write path evaluates the changed child alone (``evaluate(..., only=...)``), the other
children of its evaluation unit read only for what their counts hold, and re-stores another
child's obligations only when ``affected_by`` says the change can reach them. Over generated timelines of two children sharing a home, under every shipped pack:

- a child's obligations from ``only`` are exactly those of a full evaluation, in order,
  explanations and all;
- a child ``affected_by`` leaves out has the very same obligations, as stored, with and
  without the change (a report with everything recorded on it, or its return or
  reclassification).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from homeward.protocols.engine import Obligation, affected_by, evaluate
from homeward.protocols.pack import PACKS_DIR, Pack, load_pack, validate_pack
from homeward.protocols.timeline import parse_case
from tests.protocols.test_properties import AS_OF, PROPERTY_SETTINGS, timelines
from tests.protocols.test_properties import PACKS as SHIPPED

UNTIL = AS_OF + timedelta(days=35)


def _small_homes() -> Pack:
    """West Mercia with its home count crossed at two episodes, not 21: timelines of a few
    episodes then raise (and explain) the establishment's review, and can change it."""
    data = yaml.safe_load((PACKS_DIR / "west-mercia.yaml").read_text(encoding="utf-8"))
    counted = [r for r in data["rules"] if "count" in (r.get("if") or {})]
    homes = [r for r in counted if r["if"]["count"]["of"] == "establishment"]
    assert homes, "West Mercia counts a home's episodes"
    for rule in counted:
        rule["if"]["count"]["at_least"] = 2
    return validate_pack(data)


PACKS = {**SHIPPED, "west-mercia, small counts": _small_homes()}


def _all(pack: str, case: dict[str, Any], only: set[str] | None = None) -> list[Obligation]:
    return evaluate(PACKS[pack], parse_case(case), AS_OF, until=UNTIL, explain=True, only=only)


def _child_of(case: dict[str, Any], event: dict[str, Any]) -> str:
    if "child" in event:
        return str(event["child"])
    return next(
        str(e["child"])
        for e in case["events"]
        if e["type"] == "reported" and e["episode"] == event["episode"]
    )


def _as_stored(obligations: list[Obligation], child: str) -> list[Obligation]:
    """A child's obligations as the write path stores them: the events that raised each named by
    instant, type and episode, not by their position in the unit's file (which another child's
    new event moves)."""
    return [
        replace(o, because=tuple({k: v for k, v in ref.items() if k != "index"} for ref in o.because))
        for o in obligations
        if o.child == child
    ]


def _without(case: dict[str, Any], drop: Any) -> dict[str, Any]:
    return {**case, "events": [e for e in case["events"] if not drop(e)]}


@PROPERTY_SETTINGS
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)))
def test_only_gives_a_childs_obligations_as_a_full_evaluation_does(case: dict[str, Any], pack: str) -> None:
    full = _all(pack, case)
    for child in (c["id"] for c in case["children"]):
        mine = [o for o in full if o.child == child]
        assert _all(pack, case, only={child}) == mine
    assert _all(pack, case, only=set()) == []


@PROPERTY_SETTINGS
@given(
    case=timelines(),
    pack=st.sampled_from(sorted(PACKS)),
    pick=st.integers(0, 5),
    change=st.sampled_from(["reported", "found", "reclassified"]),
)
def test_a_child_affected_by_leaves_out_keeps_the_same_obligations(
    case: dict[str, Any], pack: str, pick: int, change: str
) -> None:
    episodes = [e["episode"] for e in case["events"] if e["type"] == "reported"]
    episode = episodes[pick % len(episodes)]
    if change == "reported":
        # The report is new: before it, nothing of the episode was on the record.
        before = _without(case, lambda e: e.get("episode") == episode)
    else:
        before = _without(case, lambda e: e.get("episode") == episode and e["type"] == change)
    reached = affected_by(PACKS[pack], parse_case(case), AS_OF, episode)
    assert _child_of(case, {"episode": episode}) in reached
    then, now = _all(pack, before), _all(pack, case)
    for child in {c["id"] for c in case["children"]} - reached:
        assert _as_stored(now, child) == _as_stored(then, child)


def test_an_episode_at_a_shared_home_reaches_the_child_missing_there_after_it() -> None:
    """West Mercia counts a home's episodes: the child who went missing from the same home
    after the new report is reached; the child missing from another home is not."""

    def child(n: int, home: str) -> dict[str, Any]:
        return {
            "id": f"C{n}",
            "looked_after": True,
            "placement": {"establishment": home, "type": "residential"},
        }

    def report(n: int, child: int, at: str) -> dict[str, Any]:
        return {"at": at, "type": "reported", "child": f"C{child}", "episode": f"E{n}", "category": "missing"}

    case = {
        "children": [child(1, "H1"), child(2, "H1"), child(3, "H2")],
        "events": [
            report(1, 2, "2026-03-01T10:00:00+00:00"),  # before the change: not reached
            report(2, 1, "2026-03-02T10:00:00+00:00"),  # the change
            report(3, 3, "2026-03-03T10:00:00+00:00"),  # another home
        ],
    }
    pack = load_pack("west-mercia")
    timeline = parse_case(case)
    assert affected_by(pack, timeline, AS_OF, "E2") == {"C1"}
    case["events"].append(report(4, 2, "2026-03-04T10:00:00+00:00"))
    assert affected_by(pack, parse_case(case), AS_OF, "E2") == {"C1", "C2"}
    # A pack that counts no home's episodes reaches the episode's own child alone.
    assert affected_by(load_pack("essex"), parse_case(case), AS_OF, "E2") == {"C1"}
    # With the small counts the properties above use, the home's second episode raises the review.
    reviews = [o for o in _all("west-mercia, small counts", case) if o.kind == "organisational_review"]
    assert [(o.child, o.episode, o.establishment) for o in reviews] == [("C1", "E2", "H1")]
