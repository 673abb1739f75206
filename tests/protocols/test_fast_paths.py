"""The engine's shortcuts give what the straightforward reading gives.

Obligations are made without their dataclass's ``__init__``, and must be what it makes;
instants are put in words without strftime, and must read as strftime reads them.
Count windows are found by bisection over each peer list (``World.counted``), and an
episode's predecessor and the missing episodes before it by its place in the list
(``World.previous``, ``World._prior_missing``): over generated
timelines and the benchmark's long histories (a child with dozens of episodes, a home with
many), each must equal reading every peer, as CATALOGUE.md's count windows are defined.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from homeward.bench.engine import child_with_episodes, home_with_episodes
from homeward.protocols import explain as words
from homeward.protocols.calendar import LONDON, Span, local
from homeward.protocols.engine import Obligation, evaluate
from homeward.protocols.timeline import parse_case
from homeward.protocols.world import Episode, World
from tests.protocols.test_properties import AS_OF, PACKS, PROPERTY_SETTINGS, timelines

WINDOWS = [Span(hours=48), Span(days=7), Span(days=28), Span(months=2), Span(days=365), Span(working_days=3)]


def _straightforward(world: World, episode: Episode, of: str, window: Span) -> list[Episode]:
    """Every missing episode of the child (or at the episode's home), read one by one."""
    assert episode.missing_from is not None
    if of == "child":
        peers = [e for e in world.episodes.values() if e.child == episode.child and e.missing_from]
    else:
        place = _home(world, episode)
        peers = (
            [e for e in world.episodes.values() if e.missing_from and _home(world, e) == place]
            if place is not None
            else [episode]
        )
    peers.sort(key=lambda e: (e.missing_from, e.order))
    since, start = window.before(episode.start), episode.start
    mine = (episode.missing_from, episode.order)
    return [e for e in peers if (e.missing_from, e.order) <= mine and since < e.start <= start]


def _home(world: World, episode: Episode) -> str | None:
    """Where the child lived when the episode became missing, from all the child's facts then."""
    placement = world.child_at(episode.child, episode.missing_from or episode.reported_at).placement
    return placement.establishment if placement else None


def _prior(world: World, episode: Episode) -> int:
    """The child's missing episodes that became missing before this one (or before its report)."""
    mine = (episode.missing_from or episode.reported_at, episode.order)
    return sum(
        1
        for e in world.episodes.values()
        if e.child == episode.child
        and e.missing_from is not None
        and e is not episode
        and (e.missing_from, e.order) < mine
    )


def _previous(world: World, episode: Episode, of: str) -> Episode | None:
    peers = world._peers(episode, of)
    at = next(i for i, e in enumerate(peers) if e is episode)
    return peers[at - 1] if at > 0 else None


def _check(pack: str, case: dict[str, Any]) -> None:
    timeline = parse_case(case)
    as_of = timeline.as_of or AS_OF
    world = World(PACKS[pack], timeline, as_of)
    assert world._bisectable  # parse_case's records always start before they become missing
    for episode in world.episodes.values():
        assert world._prior_missing(episode, episode.reported_at) == _prior(world, episode)
        if episode.missing_from is None:
            continue
        for of in ("child", "establishment"):
            for window in WINDOWS:
                assert world.counted(episode, of, window) == _straightforward(world, episode, of, window)
            assert world.establishment_of(episode) == _home(world, episode)
            assert world.previous(episode, of) is _previous(world, episode, of)


@PROPERTY_SETTINGS
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)))
def test_count_windows_hold_what_reading_every_peer_holds(case: dict[str, Any], pack: str) -> None:
    _check(pack, case)


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 2**16), pack=st.sampled_from(sorted(PACKS)), home=st.booleans())
def test_count_windows_over_long_histories(seed: int, pack: str, home: bool) -> None:
    case = (
        home_with_episodes(seed, pack, per_year=15, years=2, children=4)
        if home
        else child_with_episodes(seed, pack, episodes=30, years=2)
    )
    _check(pack, case)


@PROPERTY_SETTINGS
@given(case=timelines(), pack=st.sampled_from(sorted(PACKS)), explain=st.booleans())
def test_obligations_are_made_as_their_dataclass_makes_them(
    case: dict[str, Any], pack: str, explain: bool
) -> None:
    """The engine sets an obligation's fields without its ``__init__`` (one per obligation):
    each must be the very instance the constructor gives, every field set."""
    timeline = parse_case(case)
    for made in evaluate(PACKS[pack], timeline, AS_OF, until=AS_OF + timedelta(days=35), explain=explain):
        assert set(vars(made)) == {f.name for f in fields(Obligation)}
        built = Obligation(**{f.name: getattr(made, f.name) for f in fields(Obligation)})
        assert built == made
        if not explain:  # an explained one names its events in dictionaries: no hash
            assert hash(built) == hash(made)
        assert repr(built) == repr(made)


@given(
    instant=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    )
)
def test_an_instant_in_words_is_what_strftime_says(instant: datetime) -> None:
    """explain.when and explain.day name days and months from their own tables, not strftime's."""
    wall = local(instant)
    assert words.when(instant) == f"{wall:%H:%M} on {wall:%A} {wall.day} {wall:%B %Y}"
    assert words.day(wall.date()) == f"{wall:%A} {wall.day} {wall:%B %Y}"


@given(
    instant=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.timezones()
    ),
)
def test_london_time_is_what_going_by_utc_gives(instant: datetime) -> None:
    """calendar.local converts once, not by way of UTC: the same wall time, offset and fold."""
    by_utc = instant.astimezone(UTC).astimezone(LONDON)
    mine = local(instant)
    assert (mine, mine.replace(tzinfo=None), mine.utcoffset(), mine.fold) == (
        by_utc,
        by_utc.replace(tzinfo=None),
        by_utc.utcoffset(),
        by_utc.fold,
    )
