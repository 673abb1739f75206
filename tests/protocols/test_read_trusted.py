"""``read_trusted``: the write path's reading of a stored record gives parse_case's timeline.

The write path no longer validates the whole record on every change (each event was checked
with ``parse_case`` before it was saved); what it reads must be the very timeline, and so the
very obligations, that validating gives.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.bench.engine import child_with_episodes, home_with_episodes
from homeward.protocols.engine import evaluate
from homeward.protocols.pack import available_packs, load_pack
from homeward.protocols.timeline import parse_case, read_trusted
from tests.protocols.test_properties import PACKS, timelines

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "protocols" / "examples"


def same(data: dict[str, Any]) -> None:
    validated, trusted = parse_case(data), read_trusted(data)
    assert trusted == validated
    for a, b in zip(validated.entries, trusted.entries, strict=True):
        assert (a.index, type(a.event), a.event.model_fields_set) == (
            b.index,
            type(b.event),
            b.event.model_fields_set,
        )
    for name, child in validated.children.items():
        assert trusted.children[name].model_fields_set == child.model_fields_set


@pytest.mark.parametrize("name", available_packs())
def test_generated_histories_read_the_same(name: str) -> None:
    pack = load_pack(name)
    for data in (child_with_episodes(3, name), home_with_episodes(3, name)):
        same(data)
        validated, trusted = parse_case(data), read_trusted(data)
        assert validated.as_of is not None
        until = validated.as_of + timedelta(days=35)
        assert evaluate(pack, trusted, validated.as_of, until=until) == evaluate(
            pack, validated, validated.as_of, until=until
        )


def test_the_shared_examples_read_the_same() -> None:
    files = sorted(EXAMPLES.glob("*.json"))
    if not files:
        pytest.skip(f"no shared examples at {EXAMPLES}")
    for path in files:
        same(json.loads(path.read_text()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)))
def test_any_valid_timeline_reads_the_same(case: dict[str, Any], pack: str) -> None:
    same({**case, "protocol": pack})
