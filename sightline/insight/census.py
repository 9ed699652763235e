"""The DfE Children in Need census: which children and episodes a census year holds, and what
each says, as at the census reference date (31 March).

A census year starts on 1 April YYYY and ends on 31 March YYYY+1 (the reference date). A child
is in the return when one of their episodes was open at any point in the year: referred on or
before the reference date and closed on or after 1 April, or still open. The return describes
the year as it stood on the reference date, so anything recorded as happening after it (a
closure, an assessment's authorisation, a conference) is left out; and, as DfE's rules
require, modules that had already finished before the year began are not sent again.

Each table is read once, by one query ordered by child that is fetched in batches, as the
database driver's plain values (no model instances); the queries are walked together child by
child, so a district of any size is written in constant memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any

from django.db import connections
from django.db.models import FilteredRelation, Q, QuerySet
from django.db.models.sql.constants import MULTI

from sightline.casework.models import (
    Assessment,
    Conference,
    Episode,
    Plan,
    S47Enquiry,
)
from sightline.people.identifiers import upn_is_valid
from sightline.people.models import Disability, Person
from sightline.people.services import social_care_agency

CHUNK = 2000
# Codes compared for every row, looked up once.
_INITIAL, _REVIEW = Conference.Kind.INITIAL.value, Conference.Kind.REVIEW.value
_CIN_PLAN, _CP_PLAN = Plan.Kind.CIN.value, Plan.Kind.CP.value
_UNBORN = Person.Kind.UNBORN.value

ETHNICITY_CODES = frozenset(
    ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN"]
    + ["ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]
)
ETHNICITY_NOT_OBTAINED = "NOBT"
NO_DISABILITY = Disability.NONE.value
DISABILITY_CODES = frozenset(Disability.values)

# Reasons a UPN is not given (DfE code set). Sightline chooses among them from what it holds:
UPN_UNDER_SCHOOL_AGE = "UN1"  # under 6 and not yet at school (unborn children too)
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

    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @cached_property
    def reference_date(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    @property
    def collection_year(self) -> int:
        """DfE names a collection by the year it ends in (the 2025-26 census is "2026")."""
        return self.year + 1

    @property
    def ruleset(self) -> str:
        return f"cin{self.year}_{(self.year + 1) % 100:02d}"

    @cached_property
    def school_age_cutoff(self) -> dt.date:
        """See `school_age_cutoff`."""
        return dt.date(self.collection_year - 6, 8, 31)

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.reference_date

    def known_by_end(self, day: dt.date | None) -> dt.date | None:
        """`day` if it had happened by the reference date, else None (not yet happened)."""
        return day if day is not None and day <= self.reference_date else None


# What the return says, module by module (DfE names in comments).


@dataclass(slots=True)
class AssessmentRow:
    start: dt.date  # AssessmentActualStartDate
    authorised: dt.date | None  # AssessmentAuthorisationDate
    factors: list[str]  # FactorsIdentifiedAtAssessment/AssessmentFactors


@dataclass(slots=True)
class CinPlanRow:
    start: dt.date  # CINPlanStartDate
    end: dt.date | None  # CINPlanEndDate


@dataclass(slots=True)
class S47Row:
    start: dt.date  # S47ActualStartDate
    icpc_target: dt.date | None  # InitialCPCtarget
    icpc_date: dt.date | None  # DateOfInitialCPC
    icpc_not_required: bool  # ICPCnotRequired
    ended: dt.date | None = None  # when the enquiry finished without a conference


@dataclass(slots=True)
class CpPlanRow:
    start: dt.date  # CPPstartDate
    end: dt.date | None  # CPPendDate
    initial_category: str  # InitialCategoryOfAbuse
    latest_category: str  # LatestCategoryOfAbuse
    previous_plans: int  # NumberOfPreviousCPP
    reviews: list[dt.date]  # Reviews/CPPreviewDate


@dataclass(slots=True)
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


@dataclass(slots=True)
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
    # Nobody has recorded the child's disabilities: NONE is sent (DfE requires the element)
    # and the export's summary names the child.
    disabilities_not_recorded: bool = False
    person_id: int = 0  # Sightline's own id (not sent): the dashboard's drill-down


def upn_acceptable(upn: str) -> bool:
    """A UPN DfE accepts: format and check letter, and an issuing LA code it recognises."""
    value = (upn or "").strip().upper()
    return upn_is_valid(value) and value[1:4] in ISSUING_LA_CODES


def la_child_id(record_id: str | None, person_id: int) -> str:
    """The LA's own child ID: letters and digits only, at most 20 (DfE rules 1570, 1580)."""
    record_id = record_id or ""
    if not (record_id.isascii() and record_id.isalnum()):
        record_id = _NOT_ALPHANUMERIC.sub("", record_id)
    cleaned = record_id[:20]
    return cleaned or f"LA{person_id:08d}"


def episodes_in_year_filter(census: CensusYear, prefix: str = "") -> Q:
    return Q(**{f"{prefix}referral_date__lte": census.reference_date}) & (
        Q(**{f"{prefix}closure_date__isnull": True})
        | Q(**{f"{prefix}closure_date__gte": census.start})
    )


def census_child_ids(census: CensusYear) -> Iterator[int]:
    """Ids of the children in the return, streamed in id order."""
    return _child_ids(census).order_by("child_id").iterator(chunk_size=5000)


def _child_ids(census: CensusYear) -> QuerySet[Episode, int]:
    return (
        Episode.objects.filter(episodes_in_year_filter(census))
        .values_list("child_id", flat=True)
        .distinct()
    )


def _stream(queryset: QuerySet[Any, Any], chunk_size: int) -> Iterator[tuple[Any, ...]]:
    """A query's rows as the database driver gives them, fetched `chunk_size` at a time (a
    server-side cursor where the database has one): no model instances and none of Django's
    per-value conversions. Dates come as dates from both SQLite and PostgreSQL; booleans may
    come as 0 and 1, and JSON as its text (see `_factors`)."""
    connection = connections[queryset.db]
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    compiler = queryset.query.get_compiler(using=queryset.db)
    batches = compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=chunk_size)
    return chain.from_iterable(batches)


class _ByChild:
    """Rows ordered by child id (their first value), handed out one child at a time."""

    __slots__ = ("_head", "_rows")

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def take(self, child_id: int) -> Sequence[tuple[Any, ...]]:
        head = self._head
        while head is not None and head[0] < child_id:  # never expected: a stray row
            head = self._head = next(self._rows, None)
        if head is None or head[0] != child_id:
            return ()
        taken = [head]
        for row in self._rows:
            if row[0] != child_id:
                self._head = row
                return taken
            taken.append(row)
        self._head = None
        return taken


def census_children(census: CensusYear, *, chunk_size: int = CHUNK) -> Iterator[ChildRow]:
    """Every child of the return with their episodes, in person order.

    Each table is read once, by one query ordered by child, and the queries are walked
    together child by child (so a district of any size is written in constant memory)."""
    end = census.reference_date
    window = episodes_in_year_filter(census, "episode__")
    children = _child_ids(census).order_by()

    def stream(queryset: QuerySet[Any, Any]) -> _ByChild:
        return _ByChild(_stream(queryset, chunk_size))

    # Each child with the LA's own record of them (the first, where there are several).
    people = _stream(
        Person.objects.filter(pk__in=children)
        .annotate(
            la_record=FilteredRelation(
                "source_records", condition=Q(source_records__agency=social_care_agency())
            )
        )
        .order_by("id", "la_record__id")
        .values_list(
            "id",
            "kind",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "upn",
            "ethnicity",
            "date_of_death",
            "la_record__record_id",
            "disabilities",
            "disabilities_recorded_at",
        ),
        chunk_size,
    )
    episodes = stream(
        Episode.objects.filter(episodes_in_year_filter(census))
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
    assessments = stream(
        Assessment.objects.filter(window, start_date__lte=end)
        .order_by("episode__child_id", "start_date", "id")
        .values_list("episode__child_id", "episode_id", "start_date", "authorised_date", "factors")
    )
    s47s = stream(
        S47Enquiry.objects.filter(window, start_date__lte=end)
        .order_by("episode__child_id", "start_date", "id")
        .values_list(
            "episode__child_id",
            "episode_id",
            "start_date",
            "icpc_target_date",
            "completed_date",
            "icpc_not_required",
            "icpc__conference_date",
        )
    )
    plans = stream(
        Plan.objects.filter(window, start_date__lte=end)
        .order_by("episode__child_id", "start_date", "id")
        .values_list(
            "episode__child_id",
            "episode_id",
            "kind",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "icpc__category",
        )
    )
    conferences = stream(
        Conference.objects.filter(window, conference_date__lte=end)
        .order_by("episode__child_id", "conference_date", "id")
        .values_list("episode__child_id", "episode_id", "kind", "conference_date", "s47_id")
    )
    # Every CP plan a child of the return has had, in any episode (NumberOfPreviousCPP).
    cp_starts = stream(
        Plan.objects.filter(kind=Plan.Kind.CP, episode__child_id__in=children, start_date__lte=end)
        .order_by("episode__child_id")
        .values_list("episode__child_id", "start_date")
    )
    child_id = None
    for person in people:
        if person[0] == child_id:
            continue  # the child's other LA records
        child_id = person[0]
        own = episodes.take(child_id)
        modules = (
            assessments.take(child_id),
            s47s.take(child_id),
            plans.take(child_id),
            conferences.take(child_id),
        )
        starts = [row[1] for row in cp_starts.take(child_id)]
        if len(own) == 1:  # nearly every child: all the modules are that episode's
            rows = [_episode_row(census, own[0], *modules, starts)]
        else:
            rows = []
            for episode in own:
                ours = [[row for row in part if row[1] == episode[1]] for part in modules]
                rows.append(
                    _episode_row(census, episode, ours[0], ours[1], ours[2], ours[3], starts)
                )
        yield _child_row(census, person, rows)


def _child_row(census: CensusYear, person: tuple[Any, ...], episodes: list[EpisodeRow]) -> ChildRow:
    (
        person_id,
        kind,
        date_of_birth,
        expected_date,
        sex,
        upn,
        ethnicity,
        died,
        record_id,
        disabilities,
        disabilities_recorded_at,
    ) = person
    end = census.reference_date
    born = date_of_birth if date_of_birth and date_of_birth <= end else None
    unborn = born is None and (
        kind == _UNBORN or expected_date is not None or date_of_birth is not None
    )
    expected = (expected_date or date_of_birth) if unborn else None
    upn = (upn or "").strip().upper()
    withheld = bool(upn) and not upn_acceptable(upn)
    if withheld:
        upn = ""
    ethnicity = (ethnicity or "").strip().upper()
    recorded = [code for code in _codes(disabilities) if code in DISABILITY_CODES]
    if NO_DISABILITY in recorded and len(recorded) > 1:
        recorded.remove(NO_DISABILITY)  # never sent beside a disability (DfE rule 8794)
    return ChildRow(
        la_child_id=la_child_id(record_id, person_id),
        upn=upn,
        upn_unknown="" if upn else _upn_unknown_reason(census, born, episodes),
        birth_date=born,
        expected_birth_date=expected,
        sex="U" if unborn else (sex if sex in ("M", "F") else "U"),
        death_date=census.known_by_end(died),
        ethnicity=ethnicity if ethnicity in ETHNICITY_CODES else ETHNICITY_NOT_OBTAINED,
        disabilities=recorded or [NO_DISABILITY],
        episodes=episodes,
        upn_withheld=withheld,
        disabilities_not_recorded=not (disabilities_recorded_at and recorded),
        person_id=person_id,
    )


def school_age_cutoff(census: CensusYear) -> dt.date:
    """Children born on or before this date are of school age in the census year (the date
    DfE's rule 8770Q uses: 31 August, six years before the end of the collection's summer)."""
    return census.school_age_cutoff


def _upn_unknown_reason(
    census: CensusYear, born: dt.date | None, episodes: list[EpisodeRow]
) -> str:
    if episodes and all(e.referral_nfa for e in episodes):
        return UPN_REFERRAL_NFA
    if born is None or born > census.school_age_cutoff:
        return UPN_UNDER_SCHOOL_AGE
    # Of school age with no UPN DfE would accept: Sightline does not hold why (never at
    # school in England, newly arrived ...), so no reason is invented; the export's summary
    # names the child instead.
    return ""


def _episode_row(  # noqa: PLR0913
    census: CensusYear,
    episode: tuple[Any, ...],
    assessments: Sequence[tuple[Any, ...]],
    s47_rows: Sequence[tuple[Any, ...]],
    plans: Sequence[tuple[Any, ...]],
    conferences: Sequence[tuple[Any, ...]],
    cp_starts: list[dt.date],
) -> EpisodeRow:
    _, _, referred, source, need, closure_date, reason, nfa = episode
    nfa = bool(nfa)
    closure = census.known_by_end(closure_date)
    s47s = [_s47_row(census, row) for row in s47_rows]
    initial_cpc = reviews = None
    if conferences:
        s47_icpcs = {s47.icpc_date for s47 in s47s if s47.icpc_date}
        initial_cpc = next(
            (
                day
                for _, _, kind, day, s47_id in conferences
                if kind == _INITIAL
                and s47_id is None
                and census.within(day)
                and day not in s47_icpcs
            ),
            None,
        )
        reviews = [day for _, _, kind, day, _ in conferences if kind == _REVIEW]
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
            for _, _, kind, start, ended, *_ in plans
            if kind == _CIN_PLAN and _still_running(census, ended)
        ]
        if plans
        else [],
        s47s=[s for s in s47s if _s47_in_year(census, s)] if s47s else [],
        cp_plans=[
            _cp_plan_row(census, plan, reviews or [], cp_starts)
            for plan in plans
            if plan[2] == _CP_PLAN and _still_running(census, plan[4])
        ]
        if plans
        else [],
    )


def _still_running(census: CensusYear, ended: dt.date | None) -> bool:
    """A module is sent when it had not finished before the census year began."""
    return ended is None or ended >= census.start


def _assessment_row(census: CensusYear, row: tuple[Any, ...]) -> AssessmentRow | None:
    _, _, start, authorised_date, factors = row
    authorised = census.known_by_end(authorised_date)
    if not _still_running(census, authorised):
        return None
    return AssessmentRow(
        start=start,
        authorised=authorised,
        # Factors belong to a completed assessment only (DfE rule 8614).
        factors=_factors(factors) if authorised else [],
    )


_FACTORS: dict[str | bytes, list[Any]] = {}


def _factors(value: Any) -> list[Any]:
    """An assessment's factor codes, each once: from the JSON text as read (the same few
    combinations recur, so each text is decoded once), or a list where the driver decoded it."""
    if not isinstance(value, str | bytes):
        return list(dict.fromkeys(value or []))
    codes = _FACTORS.get(value)
    if codes is None:
        codes = list(dict.fromkeys(json.loads(value) or []))
        if len(_FACTORS) < 10_000:
            _FACTORS[value] = codes
    return list(codes)


def _codes(value: Any) -> list[str]:
    """A JSON list of codes as the driver gives it: decoded already, or its text."""
    if isinstance(value, str | bytes):
        value = json.loads(value or "[]")
    return [str(code) for code in value or []]


def _s47_row(census: CensusYear, row: tuple[Any, ...]) -> S47Row:
    _, _, start, target, completed, not_required_flag, icpc_day = row
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
    _, _, _, start, ended, initial_category, latest_category, icpc_category = plan
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
