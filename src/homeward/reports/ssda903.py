"""The SSDA903 Missing table, with the Header and Episodes tables its validation reads.

The Department for Education's looked-after-children return: one row per
missing (``M``) or away-without-authorisation (``A``) period of a looked-after
child that touches the collection year (1 April to 31 March), in the DfE
column layout with dates as dd/mm/YYYY and ``MIS_END`` blank while the period
is open at the year's end. Absences are not returned: an absence the protocol
never read as missing is not a missing period. Whether a return interview was
offered or accepted is not a 903 column; Annex A keeps it.

The Episodes table is built from placements (one 903 episode per placement:
a change of placement starts a new episode) and the Header from the child.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db.models import Q, QuerySet

from homeward.accounts.models import OrganisationKind
from homeward.care.models import CouncilEpisode
from homeward.children.models import Child, Placement, PlacementType
from homeward.protocols.calendar import from_local
from homeward.reports.cells import safe_cell
from homeward.reports.reading import EpisodeFacts, local_date, read_episodes
from homeward.reports.ssda903_rules import CareEpisode, Period

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
MISSING_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
# Columns whose value someone typed (a postcode) rather than one we chose from the DfE's codes.
# Only these go through safe_cell in the files: the validator must see the codes and dates as
# they are, and none of them can begin with a formula sign.
FREE_TEXT_COLUMNS = frozenset({"HOME_POST", "PL_POST"})

# DfE ethnicity codes by (group, name) as the record writes them ("White: British").
ETHNIC_CODES = {
    ("white", "british"): "WBRI",
    ("white", "irish"): "WIRI",
    ("white", "any other white background"): "WOTH",
    ("white", "traveller of irish heritage"): "WIRT",
    ("white", "gypsy/roma"): "WROM",
    ("white", "gypsy or roma"): "WROM",
    ("mixed", "white and black caribbean"): "MWBC",
    ("mixed", "white and black african"): "MWBA",
    ("mixed", "white and asian"): "MWAS",
    ("mixed", "any other mixed background"): "MOTH",
    ("asian", "indian"): "AIND",
    ("asian", "pakistani"): "APKN",
    ("asian", "bangladeshi"): "ABAN",
    ("asian", "any other asian background"): "AOTH",
    ("asian", "chinese"): "CHNE",
    ("black", "caribbean"): "BCRB",
    ("black", "african"): "BAFR",
    ("black", "any other black background"): "BOTH",
    ("", "chinese"): "CHNE",
    ("", "any other ethnic group"): "OOTH",
    ("", "refused"): "REFU",
}
ALL_ETHNIC = set(ETHNIC_CODES.values()) | {"NOBT"}

# 903 placement codes: K2 children's home; U6 foster carer (not known to be long term);
# K3 supported accommodation (for 16 and 17 year olds); P1 placed with parents.
PLACE_CODES = {
    PlacementType.RESIDENTIAL: "K2",
    PlacementType.FOSTER: "U6",
    PlacementType.SEMI_INDEPENDENT: "K3",
    PlacementType.HOME: "P1",
}


class InputError(ValueError):
    """Bad input, with the option or field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CollectionYear:
    """1 April to 31 March; named by the year it ends in ("2026" = 2025-26)."""

    ends: int

    @property
    def first_day(self) -> date:
        return date(self.ends - 1, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.ends, 3, 31)

    @property
    def starts_at(self) -> datetime:
        return from_local(datetime.combine(self.first_day, time()))

    @property
    def ends_at(self) -> datetime:
        """The first instant after the year (midnight starting 1 April, London time)."""
        return from_local(datetime.combine(date(self.ends, 4, 1), time()))

    @property
    def label(self) -> str:
        return f"{self.ends - 1}-{str(self.ends)[-2:]}"


def collection_year(value: object, today: date, option: str = "--year") -> CollectionYear:
    """The collection year named by ``value`` (YYYY, the year it ends), refusing nonsense."""
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise InputError(option, f"give the year the collection year ends in, as YYYY (got {text!r})")
    year = CollectionYear(int(text))
    if year.ends < 2000:
        raise InputError(option, f"{text} is before the records this system keeps")
    if year.first_day > today:
        raise InputError(option, f"the {year.label} collection year has not started yet")
    return year


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def ethnic_code(text: str) -> str:
    words = text.strip()
    if words.upper() in ALL_ETHNIC:
        return words.upper()
    group, _, name = words.rpartition(":")
    group_word = group.strip().split(" ")[0].lower() if group else ""
    return ETHNIC_CODES.get((group_word, name.strip().lower()), "NOBT")


def sex_code(gender: str) -> str:
    return {"female": "F", "male": "M", "girl": "F", "boy": "M"}.get(gender.strip().lower(), "U")


def provider_code(child: Child, placement: Placement) -> str:
    provider = placement.establishment.provider
    if placement.type == PlacementType.HOME:
        return "PR0"
    if provider is None or provider == child.responsible_authority:
        return "PR1"
    if provider.kind == OrganisationKind.LOCAL_AUTHORITY:
        return "PR2"
    return "PR4"  # a private provider: the record does not say voluntary or private


@dataclass
class Return903:
    year: CollectionYear
    header: list[dict[str, str]]
    episodes: list[dict[str, str]]
    missing: list[dict[str, str]]

    def tables(self) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
        return {
            "header": (HEADER_COLUMNS, self.header),
            "episodes": (EPISODE_COLUMNS, self.episodes),
            "missing": (MISSING_COLUMNS, self.missing),
        }


def in_care_during(children: QuerySet[Child], year: CollectionYear) -> QuerySet[Child]:
    """Looked-after children with a placement at some time in the year."""
    return children.filter(
        Q(looked_after=True),
        Q(placements__started_at__lt=year.ends_at),
        Q(placements__ended_on__isnull=True) | Q(placements__ended_on__gte=year.starts_at),
    ).distinct()


def missing_code(episode: EpisodeFacts) -> str | None:
    """M if the protocol read the episode as missing, A if only away; absences are not returned."""
    if episode.is_missing:
        return "M"
    if episode.was_away:
        return "A"
    return None


@dataclass(frozen=True)
class EpisodeOfCare:
    """A 903 episode: a stretch of care with one placement and one legal status."""

    starts_at: datetime
    ends_at: datetime | None
    placement: Placement
    facts: CouncilEpisode | None  # the council's record in force at the start, if imported
    reason_new: str  # RNE: P change of placement, L of legal status, T both
    continued: bool = False  # another episode follows the same day (REC X1)
    moved_next: bool = False  # ... and it is a change of placement (REASON_PLACE_CHANGE)


def _in_force(council: list[CouncilEpisode], day: date) -> CouncilEpisode | None:
    """The council's row from the latest day on or before ``day`` (its rows hold until the next)."""
    found = None
    for row in council:  # oldest first
        if row.starts_on <= day:
            found = row
    return found


def episodes_of_care(
    child: Child, stays: list[Placement], council: list[CouncilEpisode]
) -> list[EpisodeOfCare]:
    """The child's 903 episodes, oldest first: a new one at each placement (RNE P) and, from the
    council's extract, at each change of legal status within a placement (L; T if on the day the
    placement changed). A council row applies from its day until the next; one before the first
    placement applies from it."""
    if not stays:
        return []
    starts: list[tuple[datetime, Placement, bool]] = [(stay.started_at, stay, True) for stay in stays]
    placement_days = {local_date(stay.started_at) for stay in stays}
    first_day = local_date(stays[0].started_at)
    for row in council:
        if row.starts_on <= first_day or row.starts_on in placement_days:
            continue
        before = _in_force(council, row.starts_on - timedelta(days=1))
        if before is not None and before.legal_status == row.legal_status:
            continue  # the same legal status goes on: not a new 903 episode
        at = from_local(datetime.combine(row.starts_on, time()))
        placement = next((s for s in reversed(stays) if s.started_at <= at), stays[0])
        if placement.ended_on is not None and placement.ended_on <= at:
            continue
        starts.append((at, placement, False))
    starts.sort(key=lambda s: s[0])
    parts: list[EpisodeOfCare] = []
    for i, (at, placement, moved) in enumerate(starts):
        facts = _in_force(council, local_date(at))
        following = starts[i + 1] if i + 1 < len(starts) else None
        previous = parts[-1].facts if parts else None
        changed_status = bool(facts and previous and facts.legal_status != previous.legal_status)
        parts.append(
            EpisodeOfCare(
                starts_at=at,
                ends_at=following[0] if following else placement.ended_on,
                placement=placement,
                facts=facts,
                reason_new=("T" if changed_status else "P") if moved else "L",
                continued=following is not None,
                moved_next=bool(following and following[2]),
            )
        )
    return parts


@dataclass
class Assembled:
    """The return, and for each child their missing and away periods of the year and their
    episodes of care as the DfE's rules read them (``reports.ssda903_rules``). The periods of a
    looked-after child with no placement recorded are among ``periods`` (``returned`` False)
    but not in the return."""

    ret: Return903
    periods: dict[int, list[Period]]
    care: dict[int, list[CareEpisode]]


def build(children: QuerySet[Child], year: CollectionYear, as_of: datetime) -> Return903:
    """The three tables for the looked-after children among ``children``."""
    return assemble(children, year, as_of).ret


def assemble(children: QuerySet[Child], year: CollectionYear, as_of: datetime) -> Assembled:
    kids = list(in_care_during(children, year).select_related("responsible_authority").order_by("pk"))
    placements: dict[int, list[Placement]] = defaultdict(list)
    for placement in (
        Placement.objects.filter(child__in=children.filter(looked_after=True))
        .select_related("establishment", "establishment__provider")
        .order_by("started_at", "pk")
    ):
        placements[placement.child_id].append(placement)

    council: dict[int, list[CouncilEpisode]] = defaultdict(list)
    for row in CouncilEpisode.objects.filter(child__in=kids).order_by("starts_on"):
        council[row.child_id].append(row)

    header: list[dict[str, str]] = []
    episodes: list[dict[str, str]] = []
    care: dict[int, list[CareEpisode]] = defaultdict(list)
    for child in kids:
        dob = dmy(child.date_of_birth)
        sex = sex_code(child.gender)
        header.append(
            {
                "CHILD": str(child.pk),
                "SEX": sex,
                "DOB": dob,
                "ETHNIC": ethnic_code(child.ethnicity),
                # The record keeps no unique pupil number: UN5 is "sources collating UPNs
                # reflect UPN not yet available".
                "UPN": "UN5",
                "MOTHER": "0" if sex == "F" else "",
                "MC_DOB": "",
            }
        )
        for i, part in enumerate(episodes_of_care(child, placements[child.pk], council[child.pk])):
            placement, facts = part.placement, part.facts
            if part.starts_at >= year.ends_at or (part.ends_at is not None and part.ends_at < year.starts_at):
                continue
            ended = part.ends_at if part.ends_at and part.ends_at < year.ends_at else None
            reason_ended = ("X1" if part.continued else "E8") if ended else ""
            episodes.append(
                {
                    "CHILD": str(child.pk),
                    "DECOM": dmy(local_date(part.starts_at)),
                    "RNE": part.reason_new if i else "S",
                    "LS": facts.legal_status if facts else child.legal_status or "C2",
                    # Without the council's extract (casework.care), the record keeps no category
                    # of need: N1 abuse or neglect.
                    "CIN": facts.category_of_need if facts else "N1",
                    "PLACE": PLACE_CODES.get(PlacementType(placement.type), "K2"),
                    "PLACE_PROVIDER": provider_code(child, placement),
                    "DEC": dmy(local_date(ended)) if ended else "",
                    "REC": reason_ended,
                    "REASON_PLACE_CHANGE": "CARPL" if ended and part.moved_next else "",
                    "HOME_POST": facts.home_postcode if facts else "",
                    "PL_POST": (facts.placement_postcode if facts else "")
                    or placement.establishment.postcode,
                    # Without the council's URN: XXXXXXX ("not known"); rules 218/242 flag it.
                    "URN": (facts.urn if facts else "") or "XXXXXXX",
                }
            )
            care[child.pk].append(
                CareEpisode(
                    placement.pk,
                    local_date(part.starts_at),
                    local_date(ended) if ended else None,
                    reason_ended,
                )
            )

    # The periods of the return's children; and of looked-after children with no placement
    # recorded at all, whom the return leaves out (their periods are missing from care, but with
    # no episode of care rule 581 would refuse them). A child's periods before their first
    # placement are missing from home, not from care: not the 903's.
    unplaced = children.filter(looked_after=True, placements__isnull=True, episodes__isnull=False)
    in_return = {child.pk for child in kids}
    read = Child.objects.filter(pk__in=[*in_return, *unplaced.values_list("pk", flat=True)])
    missing: list[dict[str, str]] = []
    periods: dict[int, list[Period]] = defaultdict(list)
    for episode in read_episodes(read, as_of):
        code = missing_code(episode)
        if code is None or episode.start >= year.ends_at:
            continue
        if episode.found_at is not None and episode.found_at < year.starts_at:
            continue
        ended_in_year = episode.found_at is not None and episode.found_at < year.ends_at
        start = local_date(episode.start)
        # In care as rules 578 and 581 read it: the day it began lies within a placement's days.
        returned = episode.child_pk in in_return and _in_care(placements[episode.child_pk], start)
        if not returned and placements[episode.child_pk]:
            continue
        end = local_date(episode.found_at) if ended_in_year and episode.found_at else None
        periods[episode.child_pk].append(
            Period(episode.pk, code, start, end, episode.date_of_birth, returned=returned)
        )
        if not returned:
            continue
        missing.append(
            {
                "CHILD": str(episode.child_pk),
                "DOB": dmy(episode.date_of_birth),
                "MISSING": code,
                "MIS_START": dmy(start),
                "MIS_END": dmy(end),
            }
        )
    return Assembled(Return903(year=year, header=header, episodes=episodes, missing=missing), periods, care)


def _in_care(stays: list[Placement], day: date) -> bool:
    return any(
        local_date(stay.started_at) <= day and (stay.ended_on is None or day <= local_date(stay.ended_on))
        for stay in stays
    )


def write(ret: Return903, out: Path) -> list[Path]:
    """Write header.csv, episodes.csv and missing.csv into ``out``."""
    if out.exists() and not out.is_dir():
        raise InputError("--out", f"{out} is a file, not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot create {out} ({exc.strerror})") from None
    written = []
    for name, (columns, rows) in ret.tables().items():
        path = out / f"{name}.csv"
        write_csv(path, columns, rows)
        written.append(path)
    return written


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(csv_text(columns, rows))


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    """One 903 table as the file the validator reads (the command's files and the page's download)."""
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {name: safe_cell(value) if name in FREE_TEXT_COLUMNS else value for name, value in row.items()}
        for row in rows
    )
    return buffer.getvalue()
