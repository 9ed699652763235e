"""The DfE Children in Need census: which children and episodes a census year holds, and what
each says, as at the census reference date (31 March).

A census year starts on 1 April YYYY and ends on 31 March YYYY+1 (the reference date). A child
is in the return when one of their episodes was open at any point in the year: referred on or
before the reference date and closed on or after 1 April, or still open. The return describes
the year as it stood on the reference date, so anything recorded as happening after it (a
closure, an assessment's authorisation, a conference) is left out; and, as DfE's rules
require, modules that had already finished before the year began are not sent again.

Children are read in chunks (ids streamed with `.iterator()`; each chunk's episodes and their
modules read in one query per table, as plain values), so a district of any size is written in
constant memory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from sightline.casework.models import (
    Assessment,
    Conference,
    Episode,
    Plan,
    S47Enquiry,
)
from sightline.people.identifiers import upn_is_valid
from sightline.people.models import Person, SourceRecord
from sightline.people.services import social_care_agency

CHUNK = 2000

ETHNICITY_CODES = frozenset(
    ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN"]
    + ["ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]
)
ETHNICITY_NOT_OBTAINED = "NOBT"
NO_DISABILITY = "NONE"

# Reasons a UPN is not given (DfE code set). Sightline chooses among them from what it holds:
UPN_UNDER_SCHOOL_AGE = "UN1"  # under 6 and not yet at school (unborn children too)
UPN_NOT_HELD = "UN5"  # of school age, and no UPN DfE would accept is recorded
UPN_REFERRAL_NFA = "UN7"  # every referral in the return led to no further action

# Characters 2-4 of a UPN: the DfE code of the local authority that issued it (post-1998 LA
# codes and DfE's pseudo-LA codes). A UPN from any other code is rejected by DfE (rule 1530).
_LA_RANGES = (
    (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
    (380, 384), (390, 394), (660, 681), (701, 708), (800, 803), (805, 808), (810, 813),
    (820, 823), (835, 839), (850, 852), (855, 857), (865, 896), (935, 938), (940, 941),
)  # fmt: skip
_LA_SINGLES = (
    420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919,
    921, 925, 926, 928, 929, 931, 933,
)  # fmt: skip
ISSUING_LA_CODES = frozenset(
    [f"{n:03d}" for low, high in _LA_RANGES for n in range(low, high + 1)]
    + [f"{n:03d}" for n in _LA_SINGLES]
)
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


@dataclass(frozen=True)
class CensusYear:
    """The census year starting 1 April `year`."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @property
    def reference_date(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    @property
    def collection_year(self) -> int:
        """DfE names a collection by the year it ends in (the 2025-26 census is "2026")."""
        return self.year + 1

    @property
    def ruleset(self) -> str:
        return f"cin{self.year}_{(self.year + 1) % 100:02d}"

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.reference_date

    def known_by_end(self, day: dt.date | None) -> dt.date | None:
        """`day` if it had happened by the reference date, else None (not yet happened)."""
        return day if day is not None and day <= self.reference_date else None


# What the return says, module by module (DfE names in comments).


@dataclass
class AssessmentRow:
    start: dt.date  # AssessmentActualStartDate
    authorised: dt.date | None  # AssessmentAuthorisationDate
    factors: list[str]  # FactorsIdentifiedAtAssessment/AssessmentFactors


@dataclass
class CinPlanRow:
    start: dt.date  # CINPlanStartDate
    end: dt.date | None  # CINPlanEndDate


@dataclass
class S47Row:
    start: dt.date  # S47ActualStartDate
    icpc_target: dt.date | None  # InitialCPCtarget
    icpc_date: dt.date | None  # DateOfInitialCPC
    icpc_not_required: bool  # ICPCnotRequired
    ended: dt.date | None = None  # when the enquiry finished without a conference


@dataclass
class CpPlanRow:
    start: dt.date  # CPPstartDate
    end: dt.date | None  # CPPendDate
    initial_category: str  # InitialCategoryOfAbuse
    latest_category: str  # LatestCategoryOfAbuse
    previous_plans: int  # NumberOfPreviousCPP
    reviews: list[dt.date]  # Reviews/CPPreviewDate


@dataclass
class EpisodeRow:
    referral_date: dt.date  # CINreferralDate
    referral_source: str  # ReferralSource
    primary_need: str  # PrimaryNeedCode ("" when not recorded)
    closure_date: dt.date | None  # CINclosureDate
    closure_reason: str  # ReasonForClosure
    initial_cpc: dt.date | None  # DateOfInitialCPC, for an ICPC without an S47 here
    referral_nfa: bool  # ReferralNFA
    assessments: list[AssessmentRow] = field(default_factory=list)
    cin_plans: list[CinPlanRow] = field(default_factory=list)
    s47s: list[S47Row] = field(default_factory=list)
    cp_plans: list[CpPlanRow] = field(default_factory=list)


@dataclass
class ChildRow:
    la_child_id: str  # LAchildID
    upn: str  # UPN ("" when not given)
    upn_unknown: str  # UPNunknown ("" when a UPN is given)
    birth_date: dt.date | None  # PersonBirthDate
    expected_birth_date: dt.date | None  # ExpectedPersonBirthDate
    sex: str  # Sex: M, F or U
    death_date: dt.date | None  # PersonDeathDate
    ethnicity: str  # Ethnicity
    disabilities: list[str]  # Disabilities/Disability
    episodes: list[EpisodeRow]
    upn_withheld: bool = False  # a UPN is recorded but DfE would reject it


def upn_acceptable(upn: str) -> bool:
    """A UPN DfE accepts: format and check letter, and an issuing LA code it recognises."""
    value = (upn or "").strip().upper()
    return upn_is_valid(value) and value[1:4] in ISSUING_LA_CODES


def la_child_id(record_id: str | None, person_id: int) -> str:
    """The LA's own child ID: letters and digits only, at most 20 (DfE rules 1570, 1580)."""
    cleaned = _NOT_ALPHANUMERIC.sub("", record_id or "")[:20]
    return cleaned or f"LA{person_id:08d}"


def episodes_in_year_filter(census: CensusYear, prefix: str = "") -> Q:
    return Q(**{f"{prefix}referral_date__lte": census.reference_date}) & (
        Q(**{f"{prefix}closure_date__isnull": True})
        | Q(**{f"{prefix}closure_date__gte": census.start})
    )


def census_child_ids(census: CensusYear) -> Iterator[int]:
    """Ids of the children in the return, streamed in id order."""
    return (
        Episode.objects.filter(episodes_in_year_filter(census))
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
        .iterator(chunk_size=5000)
    )


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def census_children(census: CensusYear, *, chunk_size: int = CHUNK) -> Iterator[ChildRow]:
    """Every child of the return with their episodes, in person order."""
    agency = social_care_agency()
    for ids in _chunks(census_child_ids(census), chunk_size):
        yield from _chunk_rows(census, agency.pk, ids)


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows whose first value is their parent's id, by parent, in the order read."""
    groups: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        groups[row[0]].append(row)
    return groups


def _chunk_rows(census: CensusYear, agency_id: int, ids: list[int]) -> Iterator[ChildRow]:
    """One chunk of children: a query per table (plain values, no model instances: the
    return reads a few columns of many rows)."""
    end = census.reference_date
    # The chunk is every child of the return in an id range, so ranges and joins select its
    # rows (no list of thousands of ids sent with each query).
    low, high = ids[0], ids[-1]
    mine = episodes_in_year_filter(census, "episode__") & Q(
        episode__child_id__gte=low, episode__child_id__lte=high
    )
    episodes = _grouped(
        Episode.objects.filter(
            episodes_in_year_filter(census), child_id__gte=low, child_id__lte=high
        )
        .order_by("child_id", "referral_date", "id")
        .values_list(
            "child_id",
            "id",
            "referral_date",
            "referral_source",
            "primary_need",
            "closure_date",
            "closure_reason",
            "referral_nfa",
        )
    )
    assessments = _grouped(
        Assessment.objects.filter(mine, start_date__lte=end)
        .order_by("start_date", "id")
        .values_list("episode_id", "start_date", "authorised_date", "factors")
    )
    s47s = _grouped(
        S47Enquiry.objects.filter(mine, start_date__lte=end)
        .order_by("start_date", "id")
        .values_list(
            "episode_id",
            "start_date",
            "icpc_target_date",
            "completed_date",
            "icpc_not_required",
            "icpc__conference_date",
        )
    )
    plans = _grouped(
        Plan.objects.filter(mine, start_date__lte=end)
        .order_by("start_date", "id")
        .values_list(
            "episode_id",
            "kind",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "icpc__category",
        )
    )
    conferences = _grouped(
        Conference.objects.filter(mine, conference_date__lte=end)
        .order_by("conference_date", "id")
        .values_list("episode_id", "kind", "conference_date", "s47_id")
    )
    cp_starts = _grouped(
        Plan.objects.filter(
            kind=Plan.Kind.CP,
            episode__child_id__gte=low,
            episode__child_id__lte=high,
            start_date__lte=end,
        )
        .order_by("start_date")
        .values_list("episode__child_id", "start_date")
    )
    records = dict(
        SourceRecord.objects.filter(agency_id=agency_id, person_id__gte=low, person_id__lte=high)
        .order_by("-id")
        .values_list("person_id", "record_id")
    )
    people = (
        Person.objects.filter(pk__in=ids)
        .order_by("id")
        .values_list(
            "id",
            "kind",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "upn",
            "ethnicity",
            "date_of_death",
        )
    )
    for person in people:
        child_id = person[0]
        starts = [row[1] for row in cp_starts.get(child_id, ())]
        rows = [
            _episode_row(
                census,
                row,
                assessments.get(row[1], []),
                s47s.get(row[1], []),
                plans.get(row[1], []),
                conferences.get(row[1], []),
                starts,
            )
            for row in episodes.get(child_id, ())
        ]
        yield _child_row(census, person, records.get(child_id), rows)


def _child_row(
    census: CensusYear,
    person: tuple[Any, ...],
    record_id: str | None,
    episodes: list[EpisodeRow],
) -> ChildRow:
    person_id, kind, date_of_birth, expected_date, sex, upn, ethnicity, died = person
    end = census.reference_date
    born = date_of_birth if date_of_birth and date_of_birth <= end else None
    unborn = born is None and (
        kind == Person.Kind.UNBORN or expected_date is not None or date_of_birth is not None
    )
    expected = (expected_date or date_of_birth) if unborn else None
    upn = (upn or "").strip().upper()
    withheld = bool(upn) and not upn_acceptable(upn)
    if withheld:
        upn = ""
    ethnicity = (ethnicity or "").strip().upper()
    return ChildRow(
        la_child_id=la_child_id(record_id, person_id),
        upn=upn,
        upn_unknown="" if upn else _upn_unknown_reason(census, born, episodes),
        birth_date=born,
        expected_birth_date=expected,
        sex="U" if unborn else (sex if sex in ("M", "F") else "U"),
        death_date=census.known_by_end(died),
        ethnicity=ethnicity if ethnicity in ETHNICITY_CODES else ETHNICITY_NOT_OBTAINED,
        disabilities=[NO_DISABILITY],
        episodes=episodes,
        upn_withheld=withheld,
    )


def school_age_cutoff(census: CensusYear) -> dt.date:
    """Children born on or before this date are of school age in the census year (the date
    DfE's rule 8770Q uses: 31 August, six years before the end of the collection's summer)."""
    return dt.date(census.collection_year - 6, 8, 31)


def _upn_unknown_reason(
    census: CensusYear, born: dt.date | None, episodes: list[EpisodeRow]
) -> str:
    if episodes and all(e.referral_nfa for e in episodes):
        return UPN_REFERRAL_NFA
    if born is None or born > school_age_cutoff(census):
        return UPN_UNDER_SCHOOL_AGE
    return UPN_NOT_HELD


def _episode_row(  # noqa: PLR0913
    census: CensusYear,
    episode: tuple[Any, ...],
    assessments: list[tuple[Any, ...]],
    s47_rows: list[tuple[Any, ...]],
    plans: list[tuple[Any, ...]],
    conferences: list[tuple[Any, ...]],
    cp_starts: list[dt.date],
) -> EpisodeRow:
    _, _, referred, source, need, closure_date, reason, nfa = episode
    closure = census.known_by_end(closure_date)
    s47s = [_s47_row(census, row) for row in s47_rows]
    s47_icpcs = {s47.icpc_date for s47 in s47s if s47.icpc_date}
    initial_cpc = next(
        (
            day
            for _, kind, day, s47_id in conferences
            if kind == Conference.Kind.INITIAL
            and s47_id is None
            and census.within(day)
            and day not in s47_icpcs
        ),
        None,
    )
    reviews = [day for _, kind, day, _ in conferences if kind == Conference.Kind.REVIEW]
    return EpisodeRow(
        referral_date=referred,
        referral_source=source,
        primary_need=need,
        closure_date=closure,
        closure_reason=reason if closure else "",
        initial_cpc=initial_cpc,
        referral_nfa=nfa,
        assessments=[
            row for row in (_assessment_row(census, a) for a in assessments) if row is not None
        ],
        cin_plans=[
            CinPlanRow(start=start, end=census.known_by_end(ended))
            for _, kind, start, ended, *_ in plans
            if kind == Plan.Kind.CIN and _still_running(census, ended)
        ],
        s47s=[s for s in s47s if _s47_in_year(census, s)],
        cp_plans=[
            _cp_plan_row(census, plan, reviews, cp_starts)
            for plan in plans
            if plan[1] == Plan.Kind.CP and _still_running(census, plan[3])
        ],
    )


def _still_running(census: CensusYear, ended: dt.date | None) -> bool:
    """A module is sent when it had not finished before the census year began."""
    return ended is None or ended >= census.start


def _assessment_row(census: CensusYear, row: tuple[Any, ...]) -> AssessmentRow | None:
    _, start, authorised_date, factors = row
    authorised = census.known_by_end(authorised_date)
    if not _still_running(census, authorised):
        return None
    return AssessmentRow(
        start=start,
        authorised=authorised,
        # Factors belong to a completed assessment only (DfE rule 8614).
        factors=list(dict.fromkeys(factors or [])) if authorised else [],
    )


def _s47_row(census: CensusYear, row: tuple[Any, ...]) -> S47Row:
    _, start, target, completed, not_required_flag, icpc_day = row
    icpc_date = census.known_by_end(icpc_day)
    # "No conference needed" is decided when the enquiry ends: after the reference date, the
    # enquiry was still open on it.
    ended = completed or start
    not_required = bool(not_required_flag) and icpc_date is None and ended <= census.reference_date
    return S47Row(
        start=start,
        icpc_target=target,
        icpc_date=icpc_date,
        icpc_not_required=not_required,
        ended=ended if not_required else None,
    )


def _s47_in_year(census: CensusYear, s47: S47Row) -> bool:
    if s47.icpc_date is not None:
        return s47.icpc_date >= census.start
    if s47.icpc_not_required and s47.ended is not None:
        return s47.ended >= census.start
    return True


def _cp_plan_row(
    census: CensusYear, plan: tuple[Any, ...], reviews: list[dt.date], cp_starts: list[dt.date]
) -> CpPlanRow:
    _, _, start, ended, initial_category, latest_category, icpc_category = plan
    end = census.known_by_end(ended)
    initial = initial_category or icpc_category or ""
    return CpPlanRow(
        start=start,
        end=end,
        initial_category=initial,
        latest_category=latest_category or initial,
        previous_plans=sum(1 for day in cp_starts if day < start),
        reviews=[
            day
            for day in reviews
            if day > start and census.within(day) and (end is None or day <= end)
        ],
    )
