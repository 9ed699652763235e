"""Ofsted's Annex A lists 1 to 7 (DOMAIN.md section 4) for a date range, one sheet per list,
with the column headings of the public specification (liia-tools `spec/annex_a`).

1 contacts, 2 early help, 3 referrals, 4 assessments, 5 S47 enquiries and ICPCs, 6 children
in need, 7 child protection. Each list holds what happened in the range (or, for 6 and 7,
what was open at any point in it).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sightline.casework.models import (
    Assessment,
    ClosureReason,
    Conference,
    Episode,
    Plan,
    S47Enquiry,
    StatutoryVisit,
)
from sightline.core.dates import add_months
from sightline.core.exports import safe_cell
from sightline.frontdoor.models import Contact, Outcome, ReferralSource
from sightline.insight.census import la_child_id
from sightline.insight.census_xml import dfe_la_code
from sightline.people.models import Disability, Person, SourceRecord
from sightline.people.services import social_care_agency

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ["Allocated Team", "Allocated Worker", "LA"]

HEADINGS: dict[str, list[str]] = {
    "List 1": [*CHILD, "Date of Contact", "Contact Source", "LA"],
    "List 2": [
        *CHILD,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
        "LA",
    ],
    "List 3": [
        *CHILD,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        *ALLOCATED,
    ],
    "List 4": [
        *CHILD,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *ALLOCATED,
    ],
    "List 5": [
        *CHILD,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *ALLOCATED,
    ],
    "List 6": [
        *CHILD,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *ALLOCATED,
    ],
    "List 7": [
        *CHILD,
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        *ALLOCATED,
    ],
}
TITLES = {
    "List 1": "Contacts",
    "List 2": "Early help",
    "List 3": "Referrals",
    "List 4": "Assessments",
    "List 5": "Section 47 enquiries and ICPCs",
    "List 6": "Children in need",
    "List 7": "Child protection",
}
SEX = {"M": "Male", "F": "Female", "U": "Not known"}
NO_SUPPORT = {ClosureReason.RC8, ClosureReason.RC9}


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def disability(child: Person) -> str:
    """Yes or No as a social worker recorded it; blank when nobody has recorded it yet."""
    if child.disabilities_recorded_at is None:
        return ""
    return yes_no(any(code != Disability.NONE for code in child.disabilities or []))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_twelve_months(cls, today: dt.date) -> Period:
        return cls(start=add_months(today, -12) + dt.timedelta(days=1), end=today)


class ChildColumns:
    """The five columns every list begins with, and the LA's child ID, for people looked up
    once per list."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.agency_id = social_care_agency().pk
        self.la = dfe_la_code()
        self._ids: dict[int, str] = {}

    def load(self, person_ids: Iterable[int]) -> None:
        wanted = set(person_ids) - set(self._ids)
        for person_id, record_id in SourceRecord.objects.filter(
            agency_id=self.agency_id, person_id__in=wanted
        ).values_list("person_id", "record_id"):
            self._ids.setdefault(person_id, la_child_id(record_id, person_id))

    def cells(self, person: Person | None, fallback_id: str = "") -> list[Any]:
        if person is None:
            return [fallback_id, "", "", None, None]
        age = person.age_on(self.period.end)
        return [
            self._ids.get(person.pk) or la_child_id(None, person.pk),
            "Unborn" if person.kind == Person.Kind.UNBORN else SEX.get(person.sex, "Not known"),
            person.ethnicity or "NOBT",
            person.date_of_birth or person.expected_date_of_birth,
            age,
        ]


def _worker(episode: Episode) -> str:
    worker = episode.lead_social_worker
    return (worker.get_full_name() or worker.username) if worker else ""


def _allocated(columns: ChildColumns, episode: Episode) -> list[Any]:
    return [episode.team.name if episode.team_id else "", _worker(episode), columns.la]


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def list_1_contacts(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    contacts = (
        Contact.objects.filter(
            received_at__date__gte=period.start, received_at__date__lte=period.end
        )
        .select_related("child")
        .order_by("received_at", "id")
    )
    columns.load(contacts.exclude(child=None).values_list("child_id", flat=True))
    sources = dict(ReferralSource.choices)
    for contact in contacts.iterator(chunk_size=2000):
        yield [
            *columns.cells(contact.child, contact.reference),
            contact.received_at.date(),
            sources.get(contact.referral_source, contact.referral_source),
            columns.la,
        ]


def list_2_early_help(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    contacts = (
        Contact.objects.filter(
            decision__outcome=Outcome.EARLY_HELP,
            decision__decided_at__date__gte=period.start,
            decision__decided_at__date__lte=period.end,
        )
        .select_related("child", "decision")
        .order_by("decision__decided_at", "id")
    )
    columns.load(contacts.exclude(child=None).values_list("child_id", flat=True))
    for contact in contacts.iterator(chunk_size=2000):
        yield [
            *columns.cells(contact.child, contact.reference),
            contact.decision.decided_at.date(),
            None,
            "Early help (from the front door)",
            columns.la,
        ]


def _episodes(queryset: Any) -> Any:
    return queryset.select_related("child", "team", "lead_social_worker")


def list_3_referrals(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    episodes = list(_episodes(Episode.objects.filter(_in(period, "referral_date"))))
    episodes.sort(key=lambda e: (e.referral_date, e.pk))
    columns.load(e.child_id for e in episodes)
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    first = period.start - dt.timedelta(days=366)
    for child_id, day in Episode.objects.filter(
        child_id__in={e.child_id for e in episodes}, referral_date__gte=first
    ).values_list("child_id", "referral_date"):
        earlier[child_id].append(day)
    sources = dict(ReferralSource.choices)
    for episode in episodes:
        since = add_months(episode.referral_date, -12)
        count = sum(1 for d in earlier[episode.child_id] if since < d <= episode.referral_date)
        yield [
            *columns.cells(episode.child),
            episode.referral_date,
            sources.get(episode.referral_source, episode.referral_source),
            yes_no(episode.referral_nfa),
            count,
            *_allocated(columns, episode),
        ]


def list_4_assessments(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    assessments = list(
        Assessment.objects.filter(start_date__lte=period.end)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gte=period.start))
        .select_related("episode__child", "episode__team", "episode__lead_social_worker")
        .prefetch_related("episode__plans")
        .order_by("start_date", "id")
    )
    columns.load(a.episode.child_id for a in assessments)
    for assessment in assessments:
        episode = assessment.episode
        support = None
        if assessment.authorised_date:
            support = bool(episode.plans.all()) or (
                episode.closure_reason not in NO_SUPPORT and not episode.referral_nfa
            )
        yield [
            *columns.cells(episode.child),
            disability(episode.child),
            assessment.start_date,
            yes_no(assessment.child_seen_date is not None),
            assessment.authorised_date,
            yes_no(support),
            *_allocated(columns, episode),
        ]


def list_5_s47(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    enquiries = list(
        S47Enquiry.objects.filter(_in(period, "start_date"))
        .select_related("episode__child", "episode__team", "episode__lead_social_worker", "icpc")
        .order_by("start_date", "id")
    )
    columns.load(s.episode.child_id for s in enquiries)
    children = {s.episode.child_id for s in enquiries}
    first = period.start - dt.timedelta(days=366)
    s47_days: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in S47Enquiry.objects.filter(
        episode__child_id__in=children, start_date__gte=first
    ).values_list("episode__child_id", "start_date"):
        s47_days[child_id].append(day)
    icpc_days: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in Conference.objects.filter(
        episode__child_id__in=children,
        kind=Conference.Kind.INITIAL,
        conference_date__gte=first,
    ).values_list("episode__child_id", "conference_date"):
        icpc_days[child_id].append(day)
    for s47 in enquiries:
        episode = s47.episode
        icpc = getattr(s47, "icpc", None)
        since = add_months(s47.start_date, -12)
        yield [
            *columns.cells(episode.child),
            disability(episode.child),
            s47.start_date,
            yes_no(s47.icpc_not_required),
            icpc.conference_date if icpc else None,
            yes_no(icpc.decision == Conference.Decision.CP_PLAN) if icpc else "",
            sum(1 for d in s47_days[episode.child_id] if since < d <= s47.start_date),
            sum(1 for d in icpc_days[episode.child_id] if since < d <= s47.start_date),
            *_allocated(columns, episode),
        ]


def _open_during(period: Period, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": period.end}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period.start})
    )


def list_6_children_in_need(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    episodes = list(
        _episodes(
            Episode.objects.filter(
                _open_during(period, "referral_date", "closure_date"), referral_nfa=False
            )
        ).order_by("referral_date", "id")
    )
    columns.load(e.child_id for e in episodes)
    seen: dict[int, dt.date] = {}
    for episode_id, day in StatutoryVisit.objects.filter(
        episode__in=episodes, child_seen=True, visit_date__lte=period.end
    ).values_list("episode_id", "visit_date"):
        seen[episode_id] = max(day, seen.get(episode_id, day))
    for episode_id, seen_on in Assessment.objects.filter(
        episode__in=episodes, child_seen_date__lte=period.end
    ).values_list("episode_id", "child_seen_date"):
        if seen_on is not None:
            seen[episode_id] = max(seen_on, seen.get(episode_id, seen_on))
    for episode in episodes:
        closed = (
            episode.closure_date
            if episode.closure_date and episode.closure_date <= period.end
            else None
        )
        yield [
            *columns.cells(episode.child),
            disability(episode.child),
            episode.referral_date,
            episode.primary_need,
            seen.get(episode.pk),
            closed,
            episode.closure_reason if closed else "",
            "Closed" if closed else "Open",
            *_allocated(columns, episode),
        ]


def list_7_child_protection(period: Period, columns: ChildColumns) -> Iterator[list[Any]]:
    plans = list(
        Plan.objects.filter(_open_during(period, "start_date", "end_date"), kind=Plan.Kind.CP)
        .select_related("episode__child", "episode__team", "episode__lead_social_worker")
        .order_by("start_date", "id")
    )
    columns.load(p.episode.child_id for p in plans)
    children = {p.episode.child_id for p in plans}
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in Plan.objects.filter(
        kind=Plan.Kind.CP, episode__child_id__in=children
    ).values_list("episode__child_id", "start_date"):
        starts[child_id].append(day)
    visits: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for episode_id, day, alone in StatutoryVisit.objects.filter(
        episode_id__in={p.episode_id for p in plans}, visit_date__lte=period.end
    ).values_list("episode_id", "visit_date", "seen_alone"):
        visits[episode_id].append((day, alone))
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for episode_id, day in Conference.objects.filter(
        episode_id__in={p.episode_id for p in plans},
        kind=Conference.Kind.REVIEW,
        conference_date__lte=period.end,
    ).values_list("episode_id", "conference_date"):
        reviews[episode_id].append(day)
    for plan in plans:
        ended = plan.end_date if plan.end_date and plan.end_date <= period.end else None
        last = max((v for v in visits[plan.episode_id] if v[0] >= plan.start_date), default=None)
        review = max(
            (d for d in reviews[plan.episode_id] if plan.start_date < d <= (ended or period.end)),
            default=None,
        )
        yield [
            *columns.cells(plan.episode.child),
            disability(plan.episode.child),
            plan.start_date,
            plan.initial_category,
            plan.latest_category or plan.initial_category,
            last[0] if last else None,
            yes_no(last[1]) if last else "",
            review,
            ended,
            "",  # not recorded in Sightline
            sum(1 for d in starts[plan.episode.child_id] if d < plan.start_date),
            *_allocated(columns, plan.episode),
        ]


LISTS = {
    "List 1": list_1_contacts,
    "List 2": list_2_early_help,
    "List 3": list_3_referrals,
    "List 4": list_4_assessments,
    "List 5": list_5_s47,
    "List 6": list_6_children_in_need,
    "List 7": list_7_child_protection,
}


def _sheet_rows(
    sheet: WriteOnlyWorksheet, headers: Sequence[str], rows: Iterable[list[Any]]
) -> int:
    bold = Font(bold=True)
    heading = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value, "xlsx"))
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    return count


def annex_a_workbook(period: Period) -> tuple[bytes, dict[str, int]]:
    """The workbook (XLSX bytes) and the number of rows in each list."""
    book = Workbook(write_only=True)
    columns = ChildColumns(period)
    counts: dict[str, int] = {}
    for name, rows in LISTS.items():
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        counts[name] = _sheet_rows(sheet, HEADINGS[name], rows(period, columns))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), counts
