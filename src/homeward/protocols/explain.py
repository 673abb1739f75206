"""Why an obligation is due, in words a practitioner reads (REPLAY.md, ``--explain``).

The engine records, for each obligation, what raised it and how its due time
was worked out (``DueBasis``); this module turns those facts into sentences:
"72 hours after the return was notified at 14:05 on Tuesday 3 March 2026",
"by the end of the 3rd working day after Friday 12 June 2026, skipping the bank
holiday on Monday 15 June 2026". It reads nothing but what it is given, so the
same words come out of ``homeward replay --explain`` and, through the engine,
any page that shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from homeward.protocols.calendar import Span, is_working_day, local, local_date
from homeward.protocols.pack import Condition

# How a due time was worked out.
RULE, PROMPTLY, SERIES, REPEAT = "rule", "promptly", "series", "repeat"

ANCHORS = {
    "trigger": "it opened",
    "start": "the child was last seen",
    "report": "the report",
    "found": "the child was found",
    "notified": "the return was notified",
}


@dataclass(frozen=True)
class DueBasis:
    """How an obligation's due time was worked out.

    ``how`` is ``rule`` (the rule's own ``due``), ``promptly`` (the pack's
    ``definitions.promptly``: the rule gives no time), ``series`` (a repeating
    duty, due when the next of its series opens) or ``repeat`` (the next of a
    rule's meetings held while still missing, due a period after the last fell due).
    """

    how: str
    due_at: datetime
    anchor: str = "trigger"
    anchor_at: datetime | None = None
    span: Span | None = None
    # The rule's alternative that applied (``due: [{if: ..., after: ...}, ...]``).
    condition: Condition | None = None
    # "or earlier if graded high": the grading that brought it forward, and the
    # later time it replaced.
    sooner_level: str | None = None
    sooner_at: datetime | None = None
    sooner_span: Span | None = None
    replaced: datetime | None = None


# The names strftime's %A and %B give in the C locale, which Python keeps unless a program
# asks for another (nothing here does). Written out: an explanation names three or four
# instants, and strftime cost 4.9 us an instant against 1.1 us for the same words this way.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def when(instant: datetime) -> str:
    """'14:05 on Tuesday 3 March 2026', in Europe/London time."""
    wall = local(instant)
    return (
        f"{wall.hour:02d}:{wall.minute:02d} on {_DAYS[wall.weekday()]} {wall.day} "
        f"{_MONTHS[wall.month - 1]} {wall.year}"
    )


def day(value: date) -> str:
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def span(value: Span) -> str:
    """'72 hours', '1 month', '3 working days'."""
    return value.describe()


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def listing(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def bank_holidays_skipped(after: date, through: date) -> list[date]:
    """Weekdays between the two dates (``after`` excluded) that were not working days."""
    skipped, current = [], after
    while current < through:
        current += timedelta(days=1)
        if current.weekday() < 5 and not is_working_day(current):
            skipped.append(current)
    return skipped


def due_sentence(basis: DueBasis) -> str:
    """How the due time was worked out: '72 hours after the return was notified at 14:05 on ...'."""
    if basis.how == SERIES:
        return "when the next one of its series opens (a repeating duty: CATALOGUE.md, Due promptly)"
    assert basis.anchor_at is not None and basis.span is not None
    anchor = f"{ANCHORS.get(basis.anchor, basis.anchor)} at {when(basis.anchor_at)}"
    if basis.how == REPEAT:
        return f"{span(basis.span)} after the last one fell due at {when(basis.anchor_at)}"
    if basis.sooner_at is not None and basis.sooner_span is not None:
        return (
            f"{span(basis.sooner_span)} after the {basis.sooner_level} risk grading at "
            f"{when(basis.sooner_at)}, sooner than {span(basis.span)} after {anchor}"
        )
    if basis.span.unit == "working_days":
        opened = local_date(basis.anchor_at)
        text = (
            f"by the end of the {ordinal(basis.span.amount)} working day after "
            f"{ANCHORS.get(basis.anchor, basis.anchor)} on {day(opened)}"
        )
        skipped = bank_holidays_skipped(opened, local_date(basis.due_at))
        if skipped:
            noun = "bank holiday" if len(skipped) == 1 else "bank holidays"
            text += f", skipping the {noun} on {listing([day(d) for d in skipped])}"
        return text
    text = f"at once: when {anchor}" if basis.span.amount == 0 else f"{span(basis.span)} after {anchor}"
    if basis.span.unit in ("days", "months"):
        text += f" (calendar {basis.span.unit}, London time)"
    if basis.condition is not None:
        text += f", as for {listing(condition_words(basis.condition))}"
    if basis.how == PROMPTLY:
        text += " (the rule gives no time: due promptly, the pack's definitions.promptly)"
    return text


RECIPIENT_WORDS = {
    "iro": "the IRO",
    "police": "the police",
    "school": "the school",
    "parents": "the parents",
    "host_authority": "the host authority",
    "responsible_authority": "the responsible authority",
    "senior_manager": "the senior manager",
    "cp_conference_chair": "the child protection conference chair",
    "cin_reviewing_officer": "the CIN reviewing officer",
    "missing_coordinator": "the Missing Children Coordinator",
    "force_strategic_lead": "the force strategic lead",
}


def duty(kind: str, recipient: str | None) -> str:
    """'telling the IRO', 'the return interview'."""
    if kind == "notify":
        return f"telling {RECIPIENT_WORDS.get(recipient or '', (recipient or 'someone').replace('_', ' '))}"
    return f"the {kind.replace('_', ' ')}"


PLAN_WORDS = {"child_protection": "a child protection plan", "child_in_need": "a child in need plan"}


def condition_words(
    condition: Condition | None, *, flags: Sequence[str] = (), plans: Sequence[str] = ()
) -> list[str]:
    """The facts a condition asked for, as short phrases ('looked after', 'flagged cse_risk')."""
    if condition is None:
        return []
    words: list[str] = []

    def yes_no(value: bool | None, yes: str, no: str) -> None:
        if value is not None:
            words.append(yes if value else no)

    yes_no(condition.looked_after, "looked after", "not looked after")
    yes_no(condition.allocated, "with an allocated social worker", "with no allocated social worker")
    yes_no(condition.open_to_services, "open to children's services", "not open to children's services")
    if condition.plans_any:
        held = [PLAN_WORDS.get(p, p) for p in condition.plans_any if p in plans] or [
            PLAN_WORDS.get(p, p) for p in condition.plans_any
        ]
        words.append(f"on {listing(held)}")
    if condition.flags_any:
        held = [f for f in condition.flags_any if f in flags] or list(condition.flags_any)
        words.append(f"flagged {listing([f.replace('_', ' ') for f in held])}")
    yes_no(condition.out_of_area, "placed out of area", "placed in area")
    yes_no(condition.police_informed, "the police already told", "the police not yet told")
    yes_no(condition.was_missing, "the episode had been missing", "the episode was never missing")
    yes_no(condition.harmed, "harmed while away", "not harmed")
    yes_no(condition.emergency, "an emergency placement", "a planned placement")
    if condition.prior_episodes:
        words.append("not the child's first episode")
    if condition.prior_missing_episodes:
        words.append(f"the child's {ordinal(condition.prior_missing_episodes + 1)} or later missing episode")
    if condition.uasc_arrived_within is not None:
        words.append(f"within {span(condition.uasc_arrived_within)} of arriving in the UK")
    if condition.director_review_older_than is not None:
        words.append(f"no director's review in the last {span(condition.director_review_older_than)}")
    return words


def closes_sentence(
    *,
    kind: str,
    recipient: str | None,
    episode: str | None,
    child: str,
    lapses: bool,
    status: str,
    closed_at: datetime | None,
) -> str:
    """What would close the obligation (or what did)."""
    what = duty(kind, recipient)
    whose = f"episode {episode}" if episode else f"child {child}"
    if status in ("done", "declined", "not_required") and closed_at is not None:
        return f"Closed as {status.replace('_', ' ')} at {when(closed_at)}."
    text = f"Closed when {what} for {whose} is recorded as done, or as declined or not required with a reason"
    if kind == "notify" and recipient == "police":
        text += ", or when the police are recorded as informed"
    if lapses:
        text += "; cancelled if the child is found first"
    if status == "cancelled":
        text += " (it was: the episode ended before it was closed)"
    return text + "."
