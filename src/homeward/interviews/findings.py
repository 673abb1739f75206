"""What a return home interview found, read as intelligence for the child's record (issue 18).

The interview records places and people in the child's words, one to a line ("Where they went",
"Who they were with"), why they went (push and pull factors) and signs of exploitation. Each is
offered to the social worker as a suggestion for the Find Me plan or a flag on the child; nothing
reaches the record until a person confirms it, item by item (``casework.intelligence``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from homeward.children.models import Child, FindMePlan, Flag
from homeward.interviews.models import ConfirmedFinding, ExploitationIndicator, ReturnInterview


class Kind:
    PLACE = "place"
    PERSON = "person"
    WHY = "why"


# Which part of the Find Me plan each kind of finding belongs in (Wakefield s.10's contents).
PLAN_FIELD = {
    Kind.PLACE: "likely_places",
    Kind.PERSON: "contacts",
    Kind.WHY: "triggers",
}
# And in the West Mercia missing children risk assessment (001 Appendix A).
RISK_FIELD = {
    Kind.PLACE: "potential_addresses",
    Kind.PERSON: "associates",
    Kind.WHY: "vulnerabilities",
}
KIND_LABEL = {Kind.PLACE: "Place", Kind.PERSON: "Person", Kind.WHY: "Why they went"}

# The concern a sign of exploitation suggests. A suggestion only: the worker confirms the flag,
# and what a flag then requires is the child's pack's to say (e.g. West Mercia 12.7).
INDICATOR_FLAGS: dict[str, tuple[str, ...]] = {
    ExploitationIndicator.SEXUAL: (Flag.CSE_RISK,),
    ExploitationIndicator.OLDER_ASSOCIATES: (Flag.CSE_RISK, Flag.RISKY_CONTACTS),
    ExploitationIndicator.GIFTS_MONEY: (Flag.CSE_RISK, Flag.CCE_RISK),
    ExploitationIndicator.COLLECTED: (Flag.RISKY_CONTACTS,),
    ExploitationIndicator.DRUGS_ALCOHOL: (Flag.CCE_RISK,),
    ExploitationIndicator.CARRYING: (Flag.CCE_RISK,),
    ExploitationIndicator.TRAVEL: (Flag.CCE_RISK,),
    ExploitationIndicator.TRAFFICKING: (Flag.CCE_RISK,),
}

_BULLET = re.compile(r"^[\s\-\u2022*\u00b7]+")


def names_in(text: str) -> list[str]:
    """The places or people in an answer written one to a line (or separated by semicolons)."""
    found: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[\n;]", text or ""):
        name = " ".join(_BULLET.sub("", part).split())
        if name and key_of(name) not in seen:
            seen.add(key_of(name))
            found.append(name)
    return found


def key_of(text: str) -> str:
    """Two spellings that differ only in case, spacing or a full stop are the same place."""
    return " ".join(text.replace(".", " ").replace(",", " ").split()).casefold()


def held_on(interview: ReturnInterview) -> date:
    return (
        timezone.localdate(interview.held_at)
        if interview.held_at
        else timezone.localdate(interview.offered_at)
    )


@dataclass(frozen=True)
class Finding:
    interview_id: int
    held_on: date
    kind: str
    text: str

    @property
    def key(self) -> str:
        # Stable across page loads; changes if the interview's answer is corrected meanwhile.
        digest = hashlib.sha256(f"{self.kind}\n{key_of(self.text)}".encode()).hexdigest()[:16]
        return f"{self.interview_id}-{self.kind}-{digest}"

    @property
    def field(self) -> str:
        return PLAN_FIELD[self.kind]

    @property
    def label(self) -> str:
        return f"From the return interview on {self.held_on:%-d %B %Y}: {KIND_LABEL[self.kind].lower()}: {self.text}"


@dataclass(frozen=True)
class FlagSuggestion:
    interview_id: int
    held_on: date
    flag: str
    indicators: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.interview_id}-flag-{self.flag}"

    @property
    def label(self) -> str:
        return (
            f"From the return interview on {self.held_on:%-d %B %Y}: {Flag(self.flag).label} "
            f"(the interview recorded: {', '.join(self.indicators)})"
        )


def held(interviews: Iterable[ReturnInterview]) -> list[ReturnInterview]:
    return [i for i in interviews if i.held_at is not None]


def findings_of(interview: ReturnInterview) -> list[Finding]:
    day = held_on(interview)
    found = [Finding(interview.pk, day, Kind.PLACE, n) for n in names_in(interview.account_where)]
    found += [Finding(interview.pk, day, Kind.PERSON, n) for n in names_in(interview.account_with_whom)]
    why = " ".join(interview.account_why.split())
    if why:
        found.append(Finding(interview.pk, day, Kind.WHY, why))
    return found


def flags_of(interview: ReturnInterview) -> list[FlagSuggestion]:
    reasons: dict[str, list[str]] = {}
    for indicator in interview.exploitation_indicators:
        for flag in INDICATOR_FLAGS.get(indicator, ()):
            reasons.setdefault(str(flag), []).append(ExploitationIndicator(indicator).label)
    day = held_on(interview)
    return [FlagSuggestion(interview.pk, day, flag, tuple(why)) for flag, why in reasons.items()]


def _confirmed_keys(interviews: list[ReturnInterview]) -> set[str]:
    return set(
        ConfirmedFinding.objects.filter(interview__in=[i.pk for i in interviews]).values_list(
            "key", flat=True
        )
    )


def plan_suggestions(interviews: Iterable[ReturnInterview], plan: FindMePlan | None) -> list[Finding]:
    """What the held interviews found that the Find Me plan does not yet say and no one has yet
    confirmed, newest interview first."""
    chosen = sorted(held(interviews), key=lambda i: i.held_at or i.offered_at, reverse=True)
    done = _confirmed_keys(chosen)
    suggestions = []
    for interview in chosen:
        for finding in findings_of(interview):
            already = key_of(getattr(plan, finding.field, "") or "") if plan is not None else ""
            if finding.key in done or key_of(finding.text) in already:
                continue
            suggestions.append(finding)
    return suggestions


def risk_suggestions(interviews: Iterable[ReturnInterview], since: datetime | None) -> list[Finding]:
    """What the interviews held since the child's last risk assessment (``since``) found: the next
    assessment is offered them, newest first."""
    chosen = sorted(
        (i for i in held(interviews) if since is None or (i.held_at is not None and i.held_at > since)),
        key=lambda i: i.held_at or i.offered_at,
        reverse=True,
    )
    return [finding for interview in chosen for finding in findings_of(interview)]


def flag_suggestions(interviews: Iterable[ReturnInterview], child: Child) -> list[FlagSuggestion]:
    """Concerns the interviews' signs of exploitation suggest that the child is not yet flagged with
    (one suggestion a flag: the newest interview that suggests it)."""
    chosen = sorted(held(interviews), key=lambda i: i.held_at or i.offered_at, reverse=True)
    done = _confirmed_keys(chosen)
    suggestions: dict[str, FlagSuggestion] = {}
    for interview in chosen:
        for suggestion in flags_of(interview):
            if suggestion.flag in child.flags or suggestion.key in done or suggestion.flag in suggestions:
                continue
            suggestions[suggestion.flag] = suggestion
    return list(suggestions.values())
