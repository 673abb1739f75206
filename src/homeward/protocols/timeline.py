"""The case file: a child's record as an ordered timeline of facts and events.

Read from JSON or YAML as REPLAY.md describes, validated with pydantic, then
checked for what a schema cannot see (unknown children and episodes, a child
found before being reported). Every problem is reported as one line naming the
field, e.g. ``events[3].at: not an ISO-8601 timestamp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from homeward.protocols.vocabulary import (
    KINDS,
    RECIPIENTS,
    Category,
    Flag,
    Outcome,
    PlacementType,
    Plan,
    RiskLevel,
)

_M = TypeVar("_M", bound=BaseModel)


class CaseFileError(ValueError):
    """A case file that cannot be evaluated; ``problems`` are one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "invalid case file")
        self.problems = problems


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("instant", "not an ISO-8601 timestamp") from None
    else:
        raise PydanticCustomError("instant", "not an ISO-8601 timestamp")
    if parsed.tzinfo is None:
        raise PydanticCustomError("instant", "timestamp has no UTC offset (add Z or +01:00)")
    return parsed.astimezone(UTC)


def _plain_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise PydanticCustomError("plain_date", "a date (YYYY-MM-DD), not a timestamp")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("plain_date", "not a date (YYYY-MM-DD)")


Instant = Annotated[datetime, BeforeValidator(_instant)]
PlainDate = Annotated[date, BeforeValidator(_plain_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Placement(_Strict):
    establishment: StrictStr | None = None
    type: PlacementType | None = None
    out_of_area: StrictBool = False


class Child(_Strict):
    id: StrictStr
    date_of_birth: PlainDate | None = None
    looked_after: StrictBool = False
    allocated: StrictBool = False
    open_to_services: StrictBool | None = None
    plans: list[Plan] = []
    placement: Placement | None = None
    uasc_arrival: PlainDate | None = None
    flags: list[Flag] = []
    last_director_review: PlainDate | None = None

    @property
    def is_open_to_services(self) -> bool:
        return self.allocated if self.open_to_services is None else self.open_to_services


class _Event(_Strict):
    at: Instant
    # Episode events may name their child too; it is checked against the episode.
    child: StrictStr | None = None


class Reported(_Event):
    type: Literal["reported"]
    child: StrictStr
    episode: StrictStr
    category: Category
    last_seen: Instant | None = None
    police_informed: StrictBool = True


class Reclassified(_Event):
    type: Literal["reclassified"]
    episode: StrictStr
    category: Category


class RiskGraded(_Event):
    type: Literal["risk_graded"]
    episode: StrictStr
    level: RiskLevel


class PoliceInformed(_Event):
    type: Literal["police_informed"]
    episode: StrictStr


class Found(_Event):
    type: Literal["found"]
    episode: StrictStr
    notified_at: Instant | None = None
    harmed: StrictBool = False


class Completed(_Event):
    type: Literal["completed"]
    child: StrictStr
    kind: StrictStr
    episode: StrictStr | None = None
    recipient: StrictStr | None = None
    outcome: Outcome = "done"
    reason: StrictStr | None = None


class PlacementStarted(_Event):
    type: Literal["placement_started"]
    child: StrictStr
    establishment: StrictStr
    placement_type: PlacementType | None = None
    out_of_area: StrictBool = False
    emergency: StrictBool = False


class MediaInterest(_Event):
    type: Literal["media_interest"]
    episode: StrictStr


class DirectorReviewed(_Event):
    type: Literal["director_reviewed"]
    child: StrictStr


Event = (
    Reported
    | Reclassified
    | RiskGraded
    | PoliceInformed
    | Found
    | Completed
    | PlacementStarted
    | MediaInterest
    | DirectorReviewed
)
EVENT_TYPES: dict[str, type[_Event]] = {
    "reported": Reported,
    "reclassified": Reclassified,
    "risk_graded": RiskGraded,
    "police_informed": PoliceInformed,
    "found": Found,
    "completed": Completed,
    "placement_started": PlacementStarted,
    "media_interest": MediaInterest,
    "director_reviewed": DirectorReviewed,
}


class AdoptionRef(_Strict):
    """One entry of a protocol history (REPLAY.md, "Protocol versions and explanations").

    ``pack`` is a shipped pack's name or a path relative to the case file; ``from``
    is when the authority adopted it, absent on the first adoption only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    pack: StrictStr
    version: StrictStr | None = None
    from_: Instant | None = Field(default=None, alias="from")


class _Header(BaseModel):
    # Unknown top-level keys (``expect``, notes) are a file's own business.
    model_config = ConfigDict(extra="ignore")

    # A pack name, or a history of adoptions in date order.
    protocol: StrictStr | list[AdoptionRef] | None = None
    as_of: Instant | None = None
    children: list[Child]
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    """One event in its place: ``index`` is its position in the file."""

    index: int
    event: Event

    @property
    def at(self) -> datetime:
        return self.event.at


def _entry(index: int, event: Event) -> Entry:
    """``Entry(index, event)`` without a frozen dataclass's per-field ``__init__`` (one per event)."""
    entry = object.__new__(Entry)
    object.__setattr__(entry, "__dict__", {"index": index, "event": event})
    return entry


@dataclass(frozen=True)
class Timeline:
    children: dict[str, Child]
    entries: tuple[Entry, ...]  # in application order: by instant, ties in file order
    protocol: str | tuple[AdoptionRef, ...] | None = None
    as_of: datetime | None = None

    def until(self, as_of: datetime) -> tuple[Entry, ...]:
        entries = self.entries
        if not entries or entries[-1].event.at <= as_of:
            return entries  # in instant order: the last known, all are (the write path's as_of)
        return tuple(e for e in entries if e.at <= as_of)


_FRIENDLY = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
}


def _path(prefix: str, loc: tuple[int | str, ...]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# pydantic names the branch of a union in the error's location (``protocol.str``,
# ``protocol.list[AdoptionRef][1].from``): a case file's author knows no such field.
_UNION_BRANCHES = ("str", "list[AdoptionRef]")


def _messages(prefix: str, error: ValidationError, value: Any = None) -> list[str]:
    items = error.errors()
    if any(tuple(i["loc"][:2]) == ("protocol", "list[AdoptionRef]") for i in items):
        # A history with a mistake in it: the "not a string" branch says nothing useful.
        items = [i for i in items if tuple(i["loc"][:2]) != ("protocol", "str")]
    lines = []
    for item in items:
        item["loc"] = tuple(part for part in item["loc"] if part not in _UNION_BRANCHES)
        kind = item["type"]
        if kind == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            message = f"must be one of {expected} (got {item.get('input')!r})"
        else:
            message = _FRIENDLY.get(kind, item["msg"])
        lines.append(f"{_path(prefix, tuple(item['loc']))}: {message}")
    return lines


def parse_case(data: Any) -> Timeline:
    """Validate a decoded case file (dict) and return its timeline.

    Raises ``CaseFileError`` listing every problem found, each naming its field.
    """
    if not isinstance(data, dict):
        raise CaseFileError(["case file: must be an object with children and events"])
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(_messages("", exc)) from None

    problems: list[str] = _check_history(header.protocol)
    events: list[Event] = []
    for i, raw in enumerate(header.events):
        where = f"events[{i}]"
        kind = raw.get("type")
        model = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            known = ", ".join(EVENT_TYPES)
            problems.append(f"{where}.type: unknown event type {kind!r} (one of {known})")
            continue
        try:
            events.append(model.model_validate(raw))  # type: ignore[arg-type]
        except ValidationError as exc:
            problems.extend(_messages(where, exc))
    if problems:
        raise CaseFileError(problems)

    children: dict[str, Child] = {}
    for i, child in enumerate(header.children):
        if child.id in children:
            problems.append(f"children[{i}].id: duplicate child {child.id!r}")
        children[child.id] = child

    problems.extend(_check_references(children, events))
    if problems:
        raise CaseFileError(problems)

    order = sorted(range(len(events)), key=lambda i: (events[i].at, i))
    return Timeline(
        children=children,
        entries=tuple(_entry(i, events[i]) for i in order),
        protocol=tuple(header.protocol) if isinstance(header.protocol, list) else header.protocol,
        as_of=header.as_of,
    )


def _check_history(protocol: str | list[AdoptionRef] | None) -> list[str]:
    if not isinstance(protocol, list):
        return []
    if not protocol:
        return ["protocol: an empty history: name at least one pack"]
    problems: list[str] = []
    for i, adoption in enumerate(protocol):
        if i == 0 and adoption.from_ is not None:
            problems.append(
                "protocol[0].from: the first adoption is in force from the beginning: leave from out"
            )
        elif i > 0 and adoption.from_ is None:
            problems.append(f"protocol[{i}].from: required: when the authority adopted it")
    dated = [(i, a.from_) for i, a in enumerate(protocol) if a.from_ is not None]
    for (i, earlier), (j, later) in pairwise(dated):
        if later <= earlier:
            problems.append(f"protocol[{j}].from: not after protocol[{i}].from (a history is in date order)")
    return problems


def _check_references(children: dict[str, Child], events: list[Event]) -> list[str]:
    problems: list[str] = []
    reports: dict[str, tuple[int, Reported]] = {}
    for i, event in enumerate(events):
        if isinstance(event, Reported):
            if event.episode in reports:
                first = reports[event.episode][0]
                problems.append(
                    f"events[{i}].episode: episode {event.episode!r} is already reported at events[{first}]"
                )
            else:
                reports[event.episode] = (i, event)

    found: dict[str, int] = {}
    for i, event in enumerate(events):
        where = f"events[{i}]"
        if event.child is not None and event.child not in children:
            problems.append(f"{where}.child: unknown child {event.child!r}")
            continue
        episode = getattr(event, "episode", None)
        if episode is not None:
            if episode not in reports:
                problems.append(f"{where}.episode: unknown episode {episode!r} (never reported)")
                continue
            report_index, report = reports[episode]
            if event.child is not None and event.child != report.child:
                problems.append(f"{where}.child: episode {episode!r} belongs to child {report.child!r}")
            # Applied in ``at`` order, ties in file order (REPLAY.md): at the report's
            # own instant an event listed ahead of it would be applied before it.
            if not isinstance(event, Reported) and (event.at, i) < (report.at, report_index):
                what = "found" if isinstance(event, Found) else event.type
                problems.append(f"{where}.at: {what} before its episode's report (events[{report_index}])")
        if isinstance(event, Reported):
            if event.last_seen is not None and event.last_seen > event.at:
                problems.append(f"{where}.last_seen: after the report time (at)")
        elif isinstance(event, Found):
            if event.episode in found:
                problems.append(
                    f"{where}.episode: episode {event.episode!r} is already found "
                    f"at events[{found[event.episode]}]"
                )
            found[event.episode] = i
            if event.notified_at is not None and event.notified_at < event.at:
                problems.append(f"{where}.notified_at: before the child was found (at)")
        elif isinstance(event, Completed):
            if event.kind not in KINDS:
                problems.append(f"{where}.kind: unknown kind {event.kind!r}")
            if event.outcome != "done" and not (event.reason and event.reason.strip()):
                problems.append(f"{where}.reason: required when outcome is {event.outcome!r}")
            if event.kind == "notify" and event.recipient is None:
                problems.append(f"{where}.recipient: required when kind is 'notify'")
            if event.recipient is not None:
                if event.kind != "notify":
                    problems.append(f"{where}.recipient: only a 'notify' has a recipient")
                elif event.recipient not in RECIPIENTS:
                    problems.append(f"{where}.recipient: unknown recipient {event.recipient!r}")
    return problems


def _trusted_instant(value: Any) -> datetime | None:
    if value is None:
        return None
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    # What this application writes is already in UTC: converted only when it is not.
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


def _trusted_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


_INSTANTS = ("at", "last_seen", "notified_at")
# How ``_construct`` builds each model: its defaults, the defaults that are lists (each
# instance gets its own), and which fields it reads from text.
_PLANS: dict[
    tuple[type[BaseModel], tuple[str, ...]], tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]
] = {}
# pydantic keeps these in slots: set through the slots' own descriptors (a frozen model's
# ``__setattr__`` refuses them, and ``object.__setattr__`` looks each one up by name).
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def _construct(model: type[_M], values: dict[str, Any], convert: dict[str, Any] | None = None) -> _M:
    """``model.model_construct(**values)`` for values already valid, without its per-field work.

    ``convert`` names the fields read from text (timestamps, dates) and how. The same
    instance pydantic would build (``__dict__`` of every field, defaults filled in, the
    fields given as set), which compares equal to the validated one.
    """
    names = tuple(convert) if convert else ()
    plan = _PLANS.get((model, names))
    if plan is None:
        defaults = {
            name: info.get_default(call_default_factory=True)
            for name, info in model.model_fields.items()
            if not info.is_required()
        }
        lists = tuple(n for n, v in defaults.items() if isinstance(v, list))
        plan = _PLANS[(model, names)] = (defaults, lists, tuple(n for n in names if n in model.model_fields))
    defaults, lists, converted = plan
    instance = model.__new__(model)
    fields = {**defaults, **values}
    for name in lists:
        if name not in values:
            fields[name] = []  # a default list of its own, as validation gives
    if convert:
        for name in converted:
            if name in values:
                fields[name] = convert[name](values[name])
    object.__setattr__(instance, "__dict__", fields)
    _SET_FIELDS(instance, set(values))
    _SET_EXTRA(instance, None)
    _SET_PRIVATE(instance, None)
    return instance


_from_iso = datetime.fromisoformat
_set = object.__setattr__
_EVENT_PLANS: dict[str, tuple[type[_Event], dict[str, Any], tuple[str, ...], tuple[str, ...]]] = {}


def _trusted_event(raw: dict[str, Any]) -> Event:
    """``_construct`` for one event of a stored record, its plan worked out once per type."""
    plan = _EVENT_PLANS.get(raw["type"])
    if plan is None:
        model = EVENT_TYPES[raw["type"]]
        _construct(model, {"type": raw["type"]})  # fills in the model's defaults
        defaults, lists, _ = _PLANS[(model, ())]
        instants = tuple(n for n in _INSTANTS if n in model.model_fields and n != "at")
        plan = _EVENT_PLANS[raw["type"]] = (model, defaults, lists, instants)
    model, defaults, lists, instants = plan
    event = model.__new__(model)
    fields = defaults.copy()
    fields.update(raw)
    for name in lists:
        if name not in raw:
            fields[name] = []
    at = raw["at"]
    if not isinstance(at, datetime):
        at = _from_iso(at)
    fields["at"] = at if at.tzinfo is UTC else at.astimezone(UTC)
    for name in instants:
        value = raw.get(name)
        if value is not None:
            fields[name] = _trusted_instant(value)
    _set(event, "__dict__", fields)
    _SET_FIELDS(event, set(raw))
    _SET_EXTRA(event, None)
    _SET_PRIVATE(event, None)
    return event  # type: ignore[return-value]


_DATES = ("date_of_birth", "uasc_arrival", "last_director_review")


def read_trusted(data: dict[str, Any]) -> Timeline:
    """The timeline of a case file this application wrote from its own stored record.

    Every event on a stored record was checked with ``parse_case`` before it was saved
    (``casework.timeline``), so the write path need not validate the whole record again on
    every change: this reads the same timeline without validating (pydantic's
    ``model_construct``), only turning timestamps and dates into values. A case file from
    anywhere else (``homeward replay``, an import) goes through ``parse_case``.
    """
    children: dict[str, Child] = {}
    dates = dict.fromkeys(_DATES, _trusted_date)
    for raw in data["children"]:
        values = raw
        if raw.get("placement") is not None:
            values = {**raw, "placement": _construct(Placement, raw["placement"])}
        child = _construct(Child, values, dates)
        children[child.id] = child
    events: list[Event] = [_trusted_event(raw) for raw in data["events"]]
    # By instant, ties in file order: the sort is stable, so the position need not be in the key.
    order = sorted(range(len(events)), key=[e.at for e in events].__getitem__)
    protocol = data.get("protocol")
    if isinstance(protocol, list):
        protocol = tuple(AdoptionRef.model_validate(ref) for ref in protocol)
    return Timeline(
        children=children,
        entries=tuple(_entry(i, events[i]) for i in order),
        protocol=protocol,
        as_of=_trusted_instant(data.get("as_of")),
    )
