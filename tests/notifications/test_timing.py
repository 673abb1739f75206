"""When people are told: plain arithmetic, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from homeward.notifications import timing
from homeward.protocols.pack import Escalation, PackError, load_pack, validate_pack
from homeward.protocols.pack import available_packs as packs


def at(text: str) -> datetime:
    return (
        datetime.fromisoformat(text).replace(tzinfo=UTC) if "+" not in text else datetime.fromisoformat(text)
    )


DAY_LATER = Escalation.model_validate({"manager_after": {"hours": 0}, "service_manager_after": {"hours": 24}})


def test_an_obligation_not_yet_due_is_not_escalated() -> None:
    due = at("2026-03-02T12:00:00")
    assert timing.escalation_step(due, DAY_LATER, at("2026-03-02T11:59:00")) == 0
    assert timing.escalation_step(due, DAY_LATER, due) == 0


def test_past_its_due_time_it_goes_to_the_team_manager_then_a_day_on_to_the_service_manager() -> None:
    due = at("2026-03-02T12:00:00")
    assert timing.escalation_step(due, DAY_LATER, at("2026-03-02T12:01:00")) == timing.TEAM_MANAGER
    assert timing.escalation_step(due, DAY_LATER, at("2026-03-03T12:00:00")) == timing.TEAM_MANAGER
    assert timing.escalation_step(due, DAY_LATER, at("2026-03-03T12:01:00")) == timing.SERVICE_MANAGER


def test_the_pack_sets_both_waits_in_its_own_units() -> None:
    escalation = Escalation.model_validate(
        {"manager_after": {"hours": 2}, "service_manager_after": {"working_days": 1}}
    )
    # Due Friday 1 May 2026 10:00; the team manager at 12:00; the next working day
    # is Tuesday 5 May (4 May is the Early May bank holiday): its end, 23:59:59 BST.
    to_manager, to_service_manager = timing.escalation_times(at("2026-05-01T10:00:00+01:00"), escalation)
    assert to_manager == at("2026-05-01T12:00:00+01:00")
    assert to_service_manager == at("2026-05-05T23:59:59+01:00")


def test_an_obligation_without_a_due_time_is_never_escalated() -> None:
    assert timing.escalation_step(None, DAY_LATER, at("2030-01-01T00:00:00")) == 0


@pytest.mark.parametrize(
    ("instant", "in_hours"),
    [
        ("2026-03-04T10:00:00+00:00", True),  # Wednesday morning
        ("2026-03-04T08:59:00+00:00", False),  # before the office opens
        ("2026-03-04T17:00:00+00:00", False),  # closing time is out of hours
        ("2026-03-07T11:00:00+00:00", False),  # Saturday
        ("2026-12-25T11:00:00+00:00", False),  # Christmas Day
        ("2026-08-31T11:00:00+01:00", False),  # Summer bank holiday (England)
        # 08:30 UTC is 09:30 BST: office hours are read off the London clock.
        ("2026-07-01T08:30:00+00:00", True),
    ],
)
def test_working_hours_are_weekdays_that_are_not_bank_holidays_on_the_london_clock(
    instant: str, in_hours: bool
) -> None:
    assert timing.WorkingHours(time(9, 0), time(17, 0)).covers(datetime.fromisoformat(instant)) is in_hours


def test_a_failed_send_waits_twice_as_long_each_time_up_to_the_longest() -> None:
    first, longest = timedelta(minutes=1), timedelta(hours=1)
    waits = [timing.backoff(n, first, longest) for n in range(1, 9)]
    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert waits[7] == longest
    assert timing.backoff(10_000, first, longest) == longest


def test_the_digest_is_due_once_the_local_clock_passes_its_time() -> None:
    seven = time(7, 0)
    assert timing.digest_day(at("2026-03-04T06:59:00"), seven) is None
    assert timing.digest_day(at("2026-03-04T07:00:00"), seven) == date(2026, 3, 4)
    # 06:30 UTC in summer is 07:30 in London.
    assert timing.digest_day(at("2026-07-04T06:30:00"), seven) == date(2026, 7, 4)


def test_the_digest_lists_what_is_overdue_and_what_falls_due_later_today() -> None:
    now = at("2026-03-04T07:00:00")
    assert timing.digest_heading(at("2026-03-03T20:00:00"), now) == "overdue"
    assert timing.digest_heading(at("2026-03-04T23:00:00"), now) == "due today"
    assert timing.digest_heading(at("2026-03-05T00:00:00"), now) is None
    assert timing.digest_heading(None, now) is None


@pytest.mark.parametrize("name", packs())
def test_every_shipped_pack_says_when_overdue_work_is_escalated_and_cites_why(name: str) -> None:
    pack = load_pack(name)
    assert "escalation" in pack.model_fields_set
    assert pack.escalation.cites and pack.escalation.cites.strip()
    assert pack.escalation.service_manager_after.amount > 0


def _pack(**extra: object) -> dict[str, object]:
    return {
        "id": "t",
        "version": "1",
        "title": "T",
        "document": "T",
        "definitions": {"promptly": {"hours": 24}},
        "rules": [
            {
                "id": "t/r",
                "kind": "risk_assessment",
                "requirement": "must",
                "when": {"event": "becomes_missing"},
                "cites": "T s.1",
            }
        ],
        **extra,
    }


def test_a_pack_without_an_escalation_section_escalates_at_the_due_time_and_a_day_later() -> None:
    pack = validate_pack(_pack())
    assert pack.escalation.manager_after.describe() == "0 hours"
    assert pack.escalation.service_manager_after.describe() == "24 hours"


def test_check_pack_names_the_escalation_field_that_is_wrong() -> None:
    with pytest.raises(PackError) as missing_cite:
        validate_pack(_pack(escalation={"service_manager_after": {"hours": 12}}))
    assert missing_cite.value.problems == [
        "escalation.cites: missing citation: name the document and paragraph"
    ]

    with pytest.raises(PackError) as zero:
        validate_pack(_pack(escalation={"service_manager_after": {"hours": 0}, "cites": "T s.2"}))
    assert zero.value.problems[0].startswith("escalation.service_manager_after: must be above zero")

    with pytest.raises(PackError) as bad_unit:
        validate_pack(_pack(escalation={"manager_after": {"weeks": 1}, "cites": "T s.2"}))
    assert bad_unit.value.problems[0].startswith("escalation.manager_after: ")
    assert "unknown unit 'weeks'" in bad_unit.value.problems[0]
