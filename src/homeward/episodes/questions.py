"""The per-episode questions (West Mercia Appendix A, "upon each episode of missing"), in the
groups a carer answers them in after the report, and which of them are still unanswered.

None of these answers is a protocol fact: the engine reads the category, the times and whether
the police were told, all asked on the report's first page. So a question left for later delays
no duty; it stays empty (never filled in with a guess) until someone answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Where the child was last seen is asked on the report's first page (the police need it at once),
# and again, already filled in, at the top of the first group: left empty, it is answered there.
FIRST_PAGE = ("last_seen_where",)


@dataclass(frozen=True)
class Group:
    slug: str
    title: str
    fields: tuple[str, ...]


GROUPS = (
    Group(
        "where-they-may-be",
        "Where they may be",
        (
            "last_seen_where",
            "wearing",
            "with_whom",
            "likely_destinations",
            "plans_at_last_contact",
            "actions_taken",
            "associates",
            "places",
        ),
    ),
    Group(
        "risks",
        "Risks to them and others",
        (
            "out_of_character",
            "vulnerabilities",
            "self_harm_risk",
            "weapons",
            "likely_offence",
            "previous_harm",
            "victim_of_crime",
            "health_needs",
            "medication",
            "money",
            "preparation",
        ),
    ),
    Group("why-they-went", "Why they may have gone", ("family_issues", "push_factors", "pull_factors")),
)

QUESTIONS = tuple(name for group in GROUPS for name in group.fields)


def group(slug: str) -> Group | None:
    return next((g for g in GROUPS if g.slug == slug), None)


def next_group(current: Group) -> Group | None:
    at = GROUPS.index(current)
    return GROUPS[at + 1] if at + 1 < len(GROUPS) else None


def is_unanswered(value: Any) -> bool:
    # A yes/no answered "Not known" is stored as no answer (None): it is still to find out.
    return value is None or value == "" or value == []


def unanswered(episode: Any, names: tuple[str, ...] = QUESTIONS) -> list[str]:
    """The questions of ``names`` this episode has no answer to yet, in the order they are asked."""
    return [name for name in names if is_unanswered(getattr(episode, name))]


def first_unanswered_group(episode: Any) -> Group | None:
    return next((g for g in GROUPS if unanswered(episode, g.fields)), None)
