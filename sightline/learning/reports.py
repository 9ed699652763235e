"""Attendance reports: by agency, by course and by theme (who has been trained in what the
reviews asked for). Each returns a `Report` that pages show as a table and export as CSV/XLSX.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.core.models import Theme
from sightline.core.working_days import LONDON
from sightline.learning.models import Booking, Course, NonAttendanceCharge

ATTENDED = Booking.Attendance.ATTENDED
DNA = Booking.Attendance.DID_NOT_ATTEND
LATE = Booking.Attendance.CANCELLED_LATE


@dataclass
class Report:
    slug: str
    title: str
    caption: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numeric_from: int = 1  # columns from this index are numbers (right-aligned)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def _period(date_from: dt.date | None, date_to: dt.date | None, prefix: str = "") -> Q:
    """Bookings on sessions held in the period (never the future, never cancelled ones)."""
    session = f"{prefix}session__"
    query = Q(**{f"{session}starts_at__lte": timezone.now(), f"{session}cancelled_at": None})
    if date_from:
        query &= Q(**{f"{session}starts_at__gte": _day_start(date_from)})
    if date_to:
        query &= Q(**{f"{session}starts_at__lt": _day_start(date_to + dt.timedelta(days=1))})
    return query


def _caption(base: str, date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        return f"{base}, sessions from {date_from:%-d %B %Y} to {date_to:%-d %B %Y}"
    if date_from:
        return f"{base}, sessions from {date_from:%-d %B %Y}"
    if date_to:
        return f"{base}, sessions up to {date_to:%-d %B %Y}"
    return f"{base}, all sessions held so far"


def _require(user: Any) -> None:
    if not user.has_perm("learning.view_reports"):
        raise PermissionDenied


def _counts() -> dict[str, Count]:
    return {
        "booked": Count("id", filter=Q(status=Booking.Status.CONFIRMED) | Q(attendance=LATE)),
        "attended": Count("id", filter=Q(attendance=ATTENDED)),
        "dna": Count("id", filter=Q(attendance=DNA)),
        "late": Count("id", filter=Q(attendance=LATE)),
    }


def _rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def attendance_by_agency(
    *, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Report:
    _require(user)
    rows_by_agency: dict[int | None, dict[str, Any]] = {
        row["agency"]: dict(row)
        for row in Booking.objects.filter(_period(date_from, date_to))
        .values("agency")
        .annotate(**_counts())
    }
    charges = dict(
        NonAttendanceCharge.objects.filter(
            _period(date_from, date_to, prefix="booking__"),
            status=NonAttendanceCharge.Status.OUTSTANDING,
        )
        .values_list("agency")
        .annotate(total=Sum("amount"))
    )
    report = Report(
        slug="agency",
        title="Attendance by agency",
        caption=_caption("Attendance by agency", date_from, date_to),
        headers=[
            "Agency",
            "Places booked",
            "Attended",
            "Did not attend",
            "Cancelled late",
            "Attendance rate",
            "Charges to invoice (£)",
        ],
    )
    names = dict(Agency.objects.values_list("pk", "name"))
    for agency_id, row in sorted(
        rows_by_agency.items(), key=lambda item: names.get(item[0] or 0, "~")
    ):
        report.rows.append(
            [
                names.get(agency_id or 0, "No agency"),
                row["booked"],
                row["attended"],
                row["dna"],
                row["late"],
                _rate(row["attended"], row["booked"]),
                Decimal(charges.get(agency_id) or 0).quantize(Decimal("0.01")),
            ]
        )
    return report


def attendance_by_course(
    *, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Report:
    _require(user)
    stats: dict[int, dict[str, Any]] = {
        row["session__course"]: dict(row)
        for row in Booking.objects.filter(_period(date_from, date_to))
        .values("session__course")
        .annotate(
            **_counts(),
            sessions=Count("session", distinct=True),
            before=Avg("confidence_before", filter=Q(attendance=ATTENDED)),
            after=Avg("confidence_after", filter=Q(attendance=ATTENDED)),
            follow_ups=Count("id", filter=Q(followed_up_at__isnull=False)),
        )
    }
    report = Report(
        slug="course",
        title="Attendance by course",
        caption=_caption("Attendance by course", date_from, date_to),
        headers=[
            "Course",
            "Sessions held",
            "Places booked",
            "Attended",
            "Did not attend",
            "Cancelled late",
            "Confidence before (average of 5)",
            "Confidence after (average of 5)",
            "Follow-ups on practice",
        ],
    )
    for course in Course.objects.filter(pk__in=stats).order_by("title"):
        row = stats[course.pk]
        report.rows.append(
            [
                course.title,
                row["sessions"],
                row["booked"],
                row["attended"],
                row["dna"],
                row["late"],
                _average(row["before"]),
                _average(row["after"]),
                row["follow_ups"],
            ]
        )
    return report


def _average(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


def attendance_by_theme(
    *, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Report:
    """For each review theme and agency: how many people attended training answering it."""
    _require(user)
    people: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    attendances: dict[tuple[int, int | None], int] = defaultdict(int)
    attended = Booking.objects.filter(_period(date_from, date_to), attendance=ATTENDED)
    for theme_id, agency_id, attendee_id in attended.values_list(
        "session__course__themes", "agency", "attendee"
    ):
        if theme_id is None:
            continue
        people[(theme_id, agency_id)].add(attendee_id)
        attendances[(theme_id, agency_id)] += 1
    names = dict(Agency.objects.values_list("pk", "name"))
    report = Report(
        slug="theme",
        title="Attendance by theme",
        caption=_caption("People trained in each review theme, by agency", date_from, date_to),
        headers=["Theme", "Agency", "People trained", "Attendances"],
        numeric_from=2,
    )
    for theme in Theme.objects.filter(active=True).order_by("name"):
        keys = sorted(
            (key for key in people if key[0] == theme.pk),
            key=lambda key: names.get(key[1] or 0, "~"),
        )
        if not keys:
            report.rows.append([theme.name, "No one trained yet", 0, 0])
        for key in keys:
            report.rows.append(
                [
                    theme.name,
                    names.get(key[1] or 0, "No agency"),
                    len(people[key]),
                    attendances[key],
                ]
            )
    return report


REPORTS = {
    "agency": attendance_by_agency,
    "course": attendance_by_course,
    "theme": attendance_by_theme,
}
