"""Properties every pack must have, over generated timelines.

- The order of events in the file does not matter (they are applied by instant).
- An obligation that opened before T keeps its rule, kind and opening time when
  events after T are added: the future cannot rewrite what was owed.
- Evaluating later never removes an obligation that had opened.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.protocols.engine import Obligation, evaluate
from homeward.protocols.pack import available_packs, load_pack
from homeward.protocols.timeline import parse_case

PACKS = {name: load_pack(name) for name in available_packs()}
EPOCH = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)  # spans the March clock change
CATEGORIES = ["missing", "absent", "away"]
LEVELS = ["high", "medium", "low", "very_low", "no_apparent_risk"]
COMPLETABLE = ["return_interview", "strategy_meeting", "carer_update", "risk_review", "plan_update"]
FLAGS = ["cse_risk", "mental_health", "particularly_vulnerable", "subject_to_order", "criminal_activity"]


def iso(minutes: int) -> str:
    return (EPOCH + timedelta(minutes=minutes)).isoformat()


@st.composite
def children(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 2))
    out = []
    for n in range(count):
        out.append(
            {
                "id": f"C{n + 1}",
                "looked_after": draw(st.booleans()),
                "allocated": draw(st.booleans()),
                "plans": draw(st.lists(st.sampled_from(["child_protection", "child_in_need"]), max_size=1)),
                "flags": draw(st.lists(st.sampled_from(FLAGS), max_size=2, unique=True)),
                "placement": {
                    "establishment": "H1",
                    "type": "residential",
                    "out_of_area": draw(st.booleans()),
                },
                "uasc_arrival": draw(st.sampled_from([None, "2026-03-15", "2026-03-01"])),
            }
        )
    return out


@st.composite
def timelines(draw: st.DrawFn) -> dict[str, Any]:
    kids = draw(children())
    # Distinct instants (minutes after EPOCH) so "ties in file order" never decides.
    used: set[int] = set()

    def instant(low: int, high: int) -> int:
        value = draw(st.integers(low, high).filter(lambda v: v not in used))
        used.add(value)
        return value

    events: list[dict[str, Any]] = []
    episodes = draw(st.integers(1, 6))
    for n in range(episodes):
        kid = draw(st.sampled_from(kids))["id"]
        episode = f"E{n + 1}"
        report = instant(0, 60 * 24 * 60)
        seen_before = draw(st.sampled_from([None, 30, 60 * 5, 60 * 7, 60 * 30]))
        event: dict[str, Any] = {
            "at": iso(report),
            "type": "reported",
            "child": kid,
            "episode": episode,
            "category": draw(st.sampled_from(CATEGORIES)),
            "police_informed": draw(st.booleans()),
        }
        if seen_before is not None:
            event["last_seen"] = iso(report - seen_before)
        events.append(event)
        if draw(st.booleans()):
            events.append(
                {
                    "at": iso(instant(report + 1, report + 60 * 48)),
                    "type": "reclassified",
                    "episode": episode,
                    "category": draw(st.sampled_from(CATEGORIES)),
                }
            )
        if draw(st.booleans()):
            events.append(
                {
                    "at": iso(instant(report + 1, report + 60 * 96)),
                    "type": "risk_graded",
                    "episode": episode,
                    "level": draw(st.sampled_from(LEVELS)),
                }
            )
        if draw(st.booleans()):
            events.append(
                {
                    "at": iso(instant(report + 1, report + 60 * 12)),
                    "type": "police_informed",
                    "episode": episode,
                }
            )
        if draw(st.booleans()):
            events.append(
                {
                    "at": iso(instant(report + 1, report + 60 * 24)),
                    "type": "media_interest",
                    "episode": episode,
                }
            )
        if draw(st.booleans()):
            found_at = instant(report, report + 60 * 24 * 8)
            events.append(
                {
                    "at": iso(found_at),
                    "type": "found",
                    "episode": episode,
                    "harmed": draw(st.booleans()),
                    "notified_at": iso(found_at + draw(st.integers(0, 120))),
                }
            )
        for _ in range(draw(st.integers(0, 2))):
            outcome = draw(st.sampled_from(["done", "done", "declined", "not_required"]))
            completion = {
                "at": iso(instant(report + 1, report + 60 * 24 * 10)),
                "type": "completed",
                "child": kid,
                "episode": episode,
                "kind": draw(st.sampled_from(COMPLETABLE)),
                "outcome": outcome,
            }
            if outcome != "done":
                completion["reason"] = "agreed with team manager"
            events.append(completion)
    if draw(st.booleans()):
        kid = draw(st.sampled_from(kids))["id"]
        events.append(
            {
                "at": iso(instant(0, 60 * 24 * 60)),
                "type": "placement_started",
                "child": kid,
                "establishment": draw(st.sampled_from(["H1", "H2"])),
                "emergency": draw(st.booleans()),
            }
        )
    if draw(st.booleans()):
        events.append(
            {"at": iso(instant(0, 60 * 24 * 60)), "type": "director_reviewed", "child": kids[0]["id"]}
        )
    return {"children": kids, "events": events}


def run(pack: str, case: dict[str, Any], as_of: datetime) -> list[Obligation]:
    return evaluate(PACKS[pack], parse_case(case), as_of)


def identity(obligation: Obligation) -> tuple[Any, ...]:
    return (
        obligation.rule,
        obligation.kind,
        obligation.child,
        obligation.episode,
        obligation.recipient,
        obligation.level,
        obligation.opens_at,
    )


AS_OF = EPOCH + timedelta(days=75)
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)), seed=st.integers(0, 2**32 - 1))
def test_the_order_of_events_in_the_file_does_not_change_the_result(
    case: dict[str, Any], pack: str, seed: int
) -> None:
    shuffled = dict(case, events=random.Random(seed).sample(case["events"], len(case["events"])))
    assert [o.as_dict() for o in run(pack, case, AS_OF)] == [o.as_dict() for o in run(pack, shuffled, AS_OF)]


@PROPERTY_SETTINGS
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)), cut=st.integers(0, 60 * 24 * 70))
def test_events_after_t_never_change_an_obligation_that_opened_before_t(
    case: dict[str, Any], pack: str, cut: int
) -> None:
    t = EPOCH + timedelta(minutes=cut)
    known_at_t = dict(case, events=[e for e in case["events"] if datetime.fromisoformat(e["at"]) <= t])
    before = run(pack, known_at_t, t)
    after = {identity(o) for o in run(pack, case, AS_OF)}
    for obligation in before:
        assert obligation.opens_at <= t
        assert identity(obligation) in after, f"{obligation} vanished once later events were added"


@PROPERTY_SETTINGS
@given(
    case=timelines(),
    pack=st.sampled_from(sorted(PACKS)),
    first=st.integers(0, 60 * 24 * 70),
    later=st.integers(0, 60 * 24 * 30),
)
def test_evaluating_later_never_removes_an_obligation_that_had_opened(
    case: dict[str, Any], pack: str, first: int, later: int
) -> None:
    earlier_as_of = EPOCH + timedelta(minutes=first)
    later_as_of = earlier_as_of + timedelta(minutes=later)
    then = run(pack, case, earlier_as_of)
    now = {identity(o): o for o in run(pack, case, later_as_of)}
    for obligation in then:
        assert identity(obligation) in now, f"{obligation} had opened but is gone later"
        # and once closed it stays closed the same way
        if obligation.status in ("done", "declined", "not_required", "cancelled"):
            assert now[identity(obligation)].status == obligation.status
