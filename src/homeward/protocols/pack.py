"""The protocol pack: one authority's rules as data.

A pack is a YAML file. Each rule says when it fires (a trigger and conditions on
the child and episode), what it asks (a kind from REPLAY.md, with a recipient for
``notify``), whether it is a "must" or a "consider", by when, and which paragraph
of which document says so. The engine reads nothing else: a new authority writes
a new pack and never touches code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from homeward.protocols.calendar import Span
from homeward.protocols.vocabulary import (
    KINDS,
    PLANS,
    RECIPIENTS,
    Category,
    Flag,
    Outcome,
    Plan,
    Requirement,
    RiskLevel,
)

PACKS_DIR = Path(__file__).parent / "packs"

TriggerEvent = Literal[
    "reported",
    "becomes_missing",
    "still_missing",
    "found",
    "graded",
    "media_interest",
    "placement_started",
    "completed",
    "every",
]
# Triggers that belong to one episode: their obligations carry it.
EPISODE_TRIGGERS = {
    "reported",
    "becomes_missing",
    "still_missing",
    "found",
    "graded",
    "media_interest",
    "every",
}
Anchor = Literal["trigger", "start", "report", "found", "notified"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Count(_Part):
    """N missing episodes in a window, counted as CATALOGUE.md's count windows."""

    of: Literal["child", "establishment"] = "child"
    window: Span
    at_least: StrictInt = Field(ge=1)
    # A crossing rule fires only at the episode that takes the count to the
    # threshold, not at every episode while the count stays above it.
    crossing: StrictBool = True


class LevelRise(_Part):
    """The child's level on a pack scale is higher than at their previous missing episode."""

    scale: StrictStr
    # Only rises that reach or pass this level (a jump from 2 to 4 passes 3).
    through: StrictInt | None = None


class Condition(_Part):
    """Facts about the child, episode or event at the trigger instant; all must hold."""

    looked_after: StrictBool | None = None
    allocated: StrictBool | None = None
    open_to_services: StrictBool | None = None
    plans_any: list[Plan] | None = None
    flags_any: list[Flag] | None = None
    out_of_area: StrictBool | None = None
    police_informed: StrictBool | None = None
    was_missing: StrictBool | None = None
    harmed: StrictBool | None = None
    emergency: StrictBool | None = None
    prior_episodes: StrictInt | None = Field(default=None, ge=0)
    prior_missing_episodes: StrictInt | None = Field(default=None, ge=0)
    uasc_arrived_within: Span | None = None
    director_review_older_than: Span | None = None
    count: Count | None = None
    level_rises: LevelRise | None = None
    any_of: list[Condition] | None = None


class Trigger(_Part):
    event: TriggerEvent
    # reported: the category at report; every: the categories it repeats while in
    categories: list[Category] | None = None
    # still_missing: how long after the episode's start; every: the period from report
    after: Span | None = None
    levels: list[RiskLevel] | None = None  # graded
    kind: StrictStr | None = None  # completed
    outcome: Outcome | None = None  # completed
    at: Literal["found", "notified"] = "found"  # found: when the finding was notified


class GradedSooner(_Part):
    levels: list[RiskLevel]
    after: Span


class Due(_Part):
    after: Span
    from_: Anchor = Field(default="trigger", alias="from")
    when: Condition | None = Field(default=None, alias="if")
    # "by the 3rd day, or earlier if graded high": the earlier of the two
    sooner_if_graded: GradedSooner | None = None


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class Rule(_Part):
    id: StrictStr
    catalogue: StrictStr | None = None
    title: StrictStr | None = None
    kind: StrictStr
    recipient: StrictStr | None = None
    requirement: Requirement
    must_if: Condition | None = None
    when: Trigger
    conditions: Condition | None = Field(default=None, alias="if")
    # One due time, or alternatives whose first matching ``if`` wins.
    due: Annotated[list[Due], BeforeValidator(_as_list)] = []
    # Duties that exist only while the child is missing lapse when they are found.
    lapses_when_found: StrictBool = False
    # While still missing when the obligation falls due, the next opens then.
    repeat_while_missing: Span | None = None
    cites: StrictStr
    note: StrictStr | None = None
    # The role the work falls to, where the protocol names one (else the kind decides).
    falls_to: StrictStr | None = None
    # A plan_update duty: the plans (vocabulary.PLANS) a new version of which meets it.
    plans: list[StrictStr] | None = None

    @property
    def dues(self) -> list[Due]:
        return self.due


class ScaleStep(_Part):
    level: StrictInt = Field(ge=1)
    window: Span
    at_least: StrictInt = Field(ge=1)


class CategoryDefinition(_Part):
    text: StrictStr = Field(min_length=1)
    cites: StrictStr


class Definitions(_Part):
    # Due promptly (CATALOGUE.md, shared definitions): how soon an obligation whose
    # rule gives no time is due after it opens, so that nothing a protocol asks
    # for sits open for months without falling overdue. The authority's setting:
    # every shipped pack sets 24 hours.
    promptly: Span
    # Six-hour packs: an absent or away episode still open this long after its
    # start is missing from then on.
    absent_becomes_missing_after: Span | None = None
    # For these children an absent or away episode is missing from its report.
    absent_is_missing_if: Condition | None = None
    # The Philomena profile (the Find Me plan and photograph): reviewed at least this often
    # ("kept up to date at all times", 002 s.10; "keep, and regularly update, a photograph",
    # 001 Appendix). None: the authority sets no period, so no reminder is raised.
    profile_review_after: Span | None = None
    # What each category means in this protocol, in its own words: the report form shows them to
    # whoever decides, at the moment of reporting, whether a child is missing, absent or away. Read
    # by no rule; a category the pack does not define is shown with the DfE's definition.
    categories: dict[Category, CategoryDefinition] = {}
    note: StrictStr | None = None


class Escalation(_Part):
    """When an obligation still open past its due time goes up the line.

    First to the team manager of the person it falls to, ``manager_after`` the due
    time; then to the service manager, a further ``service_manager_after`` on.
    The seeds name who is told (the senior manager at 72 hours, the Director's
    notification) more often than how long each step waits: where they are
    silent the pack's ``note`` says how the numbers are read.
    """

    manager_after: Span = Span(hours=0)
    service_manager_after: Span = Span(hours=24)
    cites: StrictStr | None = None
    note: StrictStr | None = None


class MeetingSpec(_Part):
    """Whom a meeting the protocol asks for is arranged with, and what it must record.

    ``invite`` names roles (the vocabulary of ``falls_to``), resolved to people for each
    child when the meeting is arranged; ``levels`` adds the roles an intervention level
    names (West Mercia s.14.6-14.18: seniority rises with the level); ``outside`` lists the
    outside agencies the protocol suggests, for the arranger to name.
    """

    invite: list[StrictStr] = []
    levels: dict[StrictInt, list[StrictStr]] = {}
    outside: list[StrictStr] = []
    # The police must be represented (West Mercia 14.3): the meeting cannot be recorded without.
    police_required: StrictBool = False
    # "It should be agreed what the family will be told, and how often" (Greenwich, 000).
    family_told_required: StrictBool = False
    cites: StrictStr
    note: StrictStr | None = None

    def roles(self, level: int | None) -> list[str]:
        wanted = list(self.invite)
        for role in self.levels.get(level, []) if level is not None else []:
            if role not in wanted:
                wanted.append(role)
        return wanted


class Pack(_Part):
    id: StrictStr
    # REPLAY.md, "Protocol versions and explanations": each obligation records the
    # version that raised it, so an authority adopting a new one keeps the due
    # times of duties already raised.
    version: StrictStr
    title: StrictStr
    document: StrictStr
    seed: StrictStr | None = None
    definitions: Definitions
    scales: dict[str, list[ScaleStep]] = {}
    escalation: Escalation = Escalation()
    # Keyed by the kind of duty that asks for the meeting (strategy_meeting, intervention_meeting ...).
    meetings: dict[StrictStr, MeetingSpec] = {}
    rules: list[Rule]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


class PackError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "invalid pack")
        self.problems = problems


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("Due", "list[Due]") or part.startswith("list["):
            continue  # pydantic's union branch names say nothing to a pack author
        else:
            out += f".{part}" if out else part
    return out


# What a pack author needs to know when a required setting is left out.
_REQUIRED_HINTS = {
    "version": 'the version of the protocol this pack reads, e.g. version: "8.1" (REPLAY.md)',
    "definitions.promptly": (
        "how soon an obligation whose rule gives no time is due after it opens "
        "(CATALOGUE.md, Due promptly), e.g. promptly: {hours: 24}"
    ),
}


def _message(item: Any) -> str:
    kind = item["type"]
    if kind == "missing":
        hint = _REQUIRED_HINTS.get(_loc(tuple(item["loc"])))
        return f"required: {hint}" if hint else "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "literal_error":
        return f"must be one of {item['ctx']['expected']} (got {item.get('input')!r})"
    msg = str(item["msg"])
    return msg.removeprefix("Value error, ")


def validate_pack(data: Any) -> Pack:
    """Check a decoded pack; ``PackError`` lists one line per problem.

    Each rule is checked on its own, so one broken rule does not hide the
    problems of the others. Lines name the rule by its id when it has one:
    ``wakefield/x: due.after: ...``.
    """
    if not isinstance(data, dict):
        raise PackError(["pack: must be a mapping with id, title, document and rules"])
    problems: list[str] = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append("rules: required, a list of rules")
        raw_rules = []
    # A pack with no definitions at all is told what it lacks inside them.
    definitions = {} if data.get("definitions") is None else data["definitions"]
    try:
        header = Pack.model_validate({**data, "definitions": definitions, "rules": []})
    except ValidationError as exc:
        problems.extend(f"{_loc(tuple(item['loc']))}: {_message(item)}" for item in exc.errors())
        header = None
    rules: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        rid = raw.get("id") if isinstance(raw, dict) else None
        name = rid if isinstance(rid, str) and rid else f"rules[{i}]"
        try:
            rules.append(Rule.model_validate(raw))
        except ValidationError as exc:
            single_due = isinstance(raw, dict) and isinstance(raw.get("due"), dict)
            for item in exc.errors():
                field = _loc(tuple(item["loc"])) or "rule"
                if single_due:
                    field = field.replace("due[0]", "due")
                problems.append(f"{name}: {field}: {_message(item)}")
    if header is not None:
        pack = header.model_copy(update={"rules": rules})
        problems.extend(_check_header(pack))
        problems.extend(_check_rules(rules, set(pack.scales)))
        if not problems:
            return pack
    else:
        # The rules' own problems are still worth listing with a broken header.
        scales = data.get("scales")
        problems.extend(_check_rules(rules, set(scales) if isinstance(scales, dict) else set()))
    raise PackError(problems)


def _conditions(condition: Condition | None) -> list[Condition]:
    if condition is None:
        return []
    found = [condition]
    for inner in condition.any_of or []:
        found.extend(_conditions(inner))
    return found


def _check_escalation(pack: Pack) -> list[str]:
    escalation = pack.escalation
    problems: list[str] = []
    if "escalation" in pack.model_fields_set:
        if not (escalation.cites or "").strip():
            problems.append("escalation.cites: missing citation: name the document and paragraph")
        if escalation.service_manager_after.amount == 0:
            problems.append(
                "escalation.service_manager_after: must be above zero: the service manager hears "
                "a further period after the team manager"
            )
    return problems


# Due promptly (CATALOGUE.md) pins three due times in every pack, whatever the
# authority sets for ``promptly``. Each pack writes the time next to its rule, so
# the pack still says when everything is due; check-pack makes sure it does.
_PINNED_DUES: list[tuple[str, str | None, Span, str, str]] = [
    # (kind, recipient, due after it opens, as written, what it is)
    ("notify", "police", Span(hours=1), "{after: {hours: 1}}", "a notify to police is due 1 hour"),
    (
        "organisational_review",
        None,
        Span(days=28),
        "{after: {days: 28}}",
        "an organisational_review is due 28 days",
    ),
]


def _check_pinned_due(rule: Rule) -> list[str]:
    problems: list[str] = []
    for kind, recipient, after, written, what in _PINNED_DUES:
        if rule.kind != kind or (recipient is not None and rule.recipient != recipient):
            continue
        due = rule.dues[0] if len(rule.dues) == 1 else None
        if due is None or (due.after, due.from_, due.when, due.sooner_if_graded) != (
            after,
            "trigger",
            None,
            None,
        ):
            problems.append(
                f"{rule.id}: due: {what} after it opens in every pack (CATALOGUE.md, Due promptly): "
                f"write due: {written}"
            )
    if rule.when.event == "every" and rule.dues:
        problems.append(
            f"{rule.id}: due: a repeating duty is due when the next of its series opens "
            "(CATALOGUE.md, Due promptly): leave due out"
        )
    return problems


def _check_header(pack: Pack) -> list[str]:
    problems: list[str] = _check_escalation(pack)
    for kind, spec in pack.meetings.items():
        if kind not in KINDS:
            problems.append(f"meetings.{kind}: unknown kind {kind!r}")
        if not spec.cites.strip():
            problems.append(f"meetings.{kind}.cites: missing citation: name the document and paragraph")
    if not pack.version.strip():
        problems.append('version: empty: name the protocol version this pack reads, e.g. "8.1"')
    if pack.definitions.promptly.amount == 0:
        problems.append(
            "definitions.promptly: must be above zero: an obligation due the instant it opens is "
            "overdue before anyone can act"
        )
    return problems


def _check_rules(rules: list[Rule], scales: set[str]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:

        def problem(field: str, message: str, rid: str = rule.id) -> None:
            problems.append(f"{rid}: {field}: {message}")

        if rule.id in seen:
            problem("id", "duplicate rule id")
        seen.add(rule.id)
        if not rule.cites.strip():
            problem("cites", "missing citation: name the document and paragraph")
        if rule.kind not in KINDS:
            problem("kind", f"unknown kind {rule.kind!r}")
        if rule.kind == "notify":
            if rule.recipient is None:
                problem("recipient", "required for a notify rule")
            elif rule.recipient not in RECIPIENTS:
                problem("recipient", f"unknown recipient {rule.recipient!r}")
        elif rule.recipient is not None:
            problem("recipient", "only a notify rule has a recipient")
        if rule.plans is not None:
            if rule.kind != "plan_update":
                problem("plans", "only a plan_update rule names the plans that meet it")
            elif not rule.plans:
                problem("plans", "name at least one plan, or leave plans out")
            for plan in rule.plans:
                if plan not in PLANS:
                    problem("plans", f"unknown plan {plan!r} (one of {', '.join(PLANS)})")

        trigger = rule.when
        if trigger.event in ("still_missing", "every") and trigger.after is None:
            problem("when.after", f"required for a {trigger.event} trigger")
        if trigger.event == "every" and trigger.after is not None and trigger.after.amount == 0:
            problem("when.after", "an every trigger needs a period above zero")
        if trigger.event == "graded" and not trigger.levels:
            problem("when.levels", "required for a graded trigger")
        if trigger.event == "completed":
            if trigger.kind is None:
                problem("when.kind", "required for a completed trigger")
            elif trigger.kind not in KINDS:
                problem("when.kind", f"unknown kind {trigger.kind!r}")
        episodic = trigger.event in EPISODE_TRIGGERS
        conditions = _conditions(rule.conditions) + _conditions(rule.must_if)
        for due in rule.dues:
            conditions += _conditions(due.when)
            if due.from_ in ("found", "notified") and trigger.event != "found":
                problem("due.from", f"{due.from_!r} is only known for a found trigger")
            if due.from_ in ("start", "report") and not episodic:
                problem("due.from", f"{due.from_!r} needs an episode trigger")
        for condition in conditions:
            if (condition.count or condition.level_rises) and trigger.event != "becomes_missing":
                problem("if", "count and level_rises are evaluated when an episode becomes missing")
            if condition.level_rises and condition.level_rises.scale not in scales:
                problem("if.level_rises.scale", f"unknown scale {condition.level_rises.scale!r}")
            if condition.emergency is not None and trigger.event != "placement_started":
                problem("if.emergency", "only a placement_started trigger knows emergency")
            if condition.harmed is not None and trigger.event != "found":
                problem("if.harmed", "only a found trigger knows harmed")
        if rule.lapses_when_found and not episodic:
            problem("lapses_when_found", "needs an episode trigger")
        problems.extend(_check_pinned_due(rule))
        if rule.repeat_while_missing is not None:
            if not episodic:
                problem("repeat_while_missing", "needs an episode trigger")
            if not rule.dues:
                problem("repeat_while_missing", "needs a due time to repeat from")
    return problems


def load_pack_file(path: Path) -> Pack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackError([f"{path}: cannot read ({exc.strerror})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise PackError([f"{path}:{where} not valid YAML"]) from None
    return validate_pack(data)


def available_packs() -> list[str]:
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml"))


def load_pack(name_or_path: str, version: str | None = None, field: str = "protocol") -> Pack:
    """A pack by name (one of the shipped packs) or by path to a YAML file.

    ``NAME@VERSION`` (or ``version``) asks for that version: a pack at another
    version is refused, naming ``field``, rather than silently replayed.
    """
    if version is None and "@" in name_or_path and not Path(name_or_path).is_file():
        name_or_path, version = name_or_path.rsplit("@", 1)
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        pack = load_pack_file(candidate)
    else:
        shipped = PACKS_DIR / f"{name_or_path}.yaml"
        if not shipped.is_file():
            known = ", ".join(available_packs())
            raise PackError([f"{field}: unknown pack {name_or_path!r} (known: {known})"])
        pack = load_pack_file(shipped)
    if version is not None and pack.version != version:
        raise PackError([f"{field}: {pack.id} is at version {pack.version!r} here, not {version!r}"])
    return pack
