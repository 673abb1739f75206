"""Small timelines for protocol tests, written the way a practitioner would tell them.

    obligations("wakefield", [child(looked_after=True)],
                [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
                as_of="2026-03-05 12:00")

Times are UTC unless they carry their own offset ("2026-07-01 10:00+01:00").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeward.protocols.engine import Obligation, evaluate
from homeward.protocols.pack import load_pack
from homeward.protocols.timeline import parse_case


def at(text: str) -> str:
    """'2026-03-01 19:00' (UTC) or with an offset, as an ISO-8601 instant string."""
    value = text.replace(" ", "T")
    if not (value.endswith("Z") or "+" in value[10:] or value[10:].count("-") > 0):
        value += "Z"
    return value


def instant(text: str) -> datetime:
    return datetime.fromisoformat(at(text))


def child(id: str = "C1", **facts: Any) -> dict[str, Any]:
    return {"id": id, **facts}


def _event(type_: str, when: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"at": at(when), "type": type_}
    for key, value in fields.items():
        if value is None:
            continue
        out[key] = at(value) if key in ("last_seen", "notified_at") else value
    return out


def reported(
    when: str,
    episode: str = "E1",
    child: str = "C1",
    category: str = "missing",
    last_seen: str | None = None,
    police_informed: bool | None = None,
) -> dict[str, Any]:
    return _event(
        "reported",
        when,
        child=child,
        episode=episode,
        category=category,
        last_seen=last_seen,
        police_informed=police_informed,
    )


def found(
    when: str, episode: str = "E1", notified_at: str | None = None, harmed: bool | None = None
) -> dict[str, Any]:
    return _event("found", when, episode=episode, notified_at=notified_at, harmed=harmed)


def reclassified(when: str, category: str, episode: str = "E1") -> dict[str, Any]:
    return _event("reclassified", when, episode=episode, category=category)


def graded(when: str, level: str, episode: str = "E1") -> dict[str, Any]:
    return _event("risk_graded", when, episode=episode, level=level)


def police_informed(when: str, episode: str = "E1") -> dict[str, Any]:
    return _event("police_informed", when, episode=episode)


def media_interest(when: str, episode: str = "E1") -> dict[str, Any]:
    return _event("media_interest", when, episode=episode)


def director_reviewed(when: str, child: str = "C1") -> dict[str, Any]:
    return _event("director_reviewed", when, child=child)


def placement_started(
    when: str,
    establishment: str,
    child: str = "C1",
    emergency: bool | None = None,
    out_of_area: bool | None = None,
    placement_type: str | None = None,
) -> dict[str, Any]:
    return _event(
        "placement_started",
        when,
        child=child,
        establishment=establishment,
        emergency=emergency,
        out_of_area=out_of_area,
        placement_type=placement_type,
    )


def completed(
    when: str,
    kind: str,
    episode: str | None = "E1",
    child: str = "C1",
    recipient: str | None = None,
    outcome: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    return _event(
        "completed",
        when,
        child=child,
        kind=kind,
        episode=episode,
        recipient=recipient,
        outcome=outcome,
        reason=reason,
    )


def case_file(protocol: str, children: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"protocol": protocol, "children": children, "events": events}


def obligations(
    protocol: str, children: list[dict[str, Any]], events: list[dict[str, Any]], as_of: str
) -> list[Obligation]:
    timeline = parse_case(case_file(protocol, children, events))
    return evaluate(load_pack(protocol), timeline, instant(as_of))


def where(found_obligations: list[Obligation], **fields: Any) -> list[Obligation]:
    """The obligations whose fields equal the given ones (times as '2026-03-01 19:00')."""
    out = []
    for obligation in found_obligations:
        ok = True
        for key, want in fields.items():
            have = getattr(obligation, key)
            if key in ("opens_at", "due_at", "closed_at") and want is not None:
                want = instant(want)
            if have != want:
                ok = False
                break
        if ok:
            out.append(obligation)
    return out


def show(found_obligations: list[Obligation]) -> str:
    return "\n".join(
        f"  {o.rule} {o.kind} {o.requirement} recipient={o.recipient} level={o.level} "
        f"establishment={o.establishment} child={o.child} episode={o.episode} "
        f"opens={o.opens_at.isoformat()} due={o.due_at.isoformat() if o.due_at else None} {o.status}"
        for o in found_obligations
    )


def one(found_obligations: list[Obligation], **fields: Any) -> Obligation:
    """The single obligation with these fields; on failure, what there was of that kind."""
    matches = where(found_obligations, **fields)
    if len(matches) != 1:
        kin = [o for o in found_obligations if o.kind == fields.get("kind", o.kind)]
        raise AssertionError(
            f"expected one obligation with {fields}, got {len(matches)}; of that kind:\n{show(kin)}"
        )
    return matches[0]


def none(found_obligations: list[Obligation], **fields: Any) -> None:
    matches = where(found_obligations, **fields)
    if matches:
        raise AssertionError(f"expected no obligation with {fields}, got:\n{show(matches)}")
