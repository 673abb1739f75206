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
from datetime import date, datetime, time
from pathlib import Path

from django.db.models import Q, QuerySet

from homeward.accounts.models import OrganisationKind
from homeward.children.models import Child, Placement, PlacementType
from homeward.protocols.calendar import from_local
from homeward.reports.cells import safe_cell
from homeward.reports.reading import EpisodeFacts, local_date, read_episodes

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


def build(children: QuerySet[Child], year: CollectionYear, as_of: datetime) -> Return903:
    """The three tables for the looked-after children among ``children``."""
    kids = list(in_care_during(children, year).select_related("responsible_authority").order_by("pk"))
    placements: dict[int, list[Placement]] = defaultdict(list)
    for placement in (
        Placement.objects.filter(child__in=kids)
        .select_related("establishment", "establishment__provider")
        .order_by("started_at", "pk")
    ):
        placements[placement.child_id].append(placement)

    header: list[dict[str, str]] = []
    episodes: list[dict[str, str]] = []
    care: dict[int, list[tuple[datetime, datetime | None]]] = {}
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
        stays = placements[child.pk]
        care[child.pk] = [(p.started_at, p.ended_on) for p in stays]
        for i, placement in enumerate(stays):
            if placement.started_at >= year.ends_at or (
                placement.ended_on is not None and placement.ended_on < year.starts_at
            ):
                continue
            ended = placement.ended_on if placement.ended_on and placement.ended_on < year.ends_at else None
            moved = ended is not None and i + 1 < len(stays)
            episodes.append(
                {
                    "CHILD": str(child.pk),
                    "DECOM": dmy(local_date(placement.started_at)),
                    "RNE": "S" if i == 0 else "P",
                    "LS": child.legal_status or "C2",
                    "CIN": "N1",  # abuse or neglect: the record keeps no category of need
                    "PLACE": PLACE_CODES.get(PlacementType(placement.type), "K2"),
                    "PLACE_PROVIDER": provider_code(child, placement),
                    "DEC": dmy(local_date(ended)) if ended else "",
                    "REC": ("X1" if moved else "E8") if ended else "",
                    "REASON_PLACE_CHANGE": "CARPL" if moved else "",
                    "HOME_POST": "",
                    "PL_POST": placement.establishment.postcode,
                    # The record keeps no Ofsted URN: XXXXXXX ("not known"); rules 218/242 flag it.
                    "URN": "XXXXXXX",
                }
            )

    missing: list[dict[str, str]] = []
    for episode in read_episodes(Child.objects.filter(pk__in=[c.pk for c in kids]), as_of):
        code = missing_code(episode)
        if code is None or not _in_care(care.get(episode.child_pk, []), episode.start):
            continue
        if episode.start >= year.ends_at:
            continue
        if episode.found_at is not None and episode.found_at < year.starts_at:
            continue
        ended_in_year = episode.found_at is not None and episode.found_at < year.ends_at
        missing.append(
            {
                "CHILD": str(episode.child_pk),
                "DOB": dmy(episode.date_of_birth),
                "MISSING": code,
                "MIS_START": dmy(local_date(episode.start)),
                "MIS_END": dmy(local_date(episode.found_at)) if ended_in_year and episode.found_at else "",
            }
        )
    return Return903(year=year, header=header, episodes=episodes, missing=missing)


def _in_care(stays: list[tuple[datetime, datetime | None]], at: datetime) -> bool:
    return any(start <= at and (end is None or end > at) for start, end in stays)


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
