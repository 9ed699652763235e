"""The demo district's Operation Encompass year: every school's calendar for this school year
and the last (terms, half terms, INSET days that differ from school to school), an elective
home education officer, two children educated at home, and a notice for each child of every
police domestic abuse incident of the last year, each told, delivered and (mostly)
acknowledged at the time it happened. A few arrive after the school day has started, so the
measures and T10 have something to show. Loaded through the services, with the clock set."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, Team, User
from sightline.chronology.models import Event, EventType
from sightline.core.models import Notification
from sightline.core.working_days import is_bank_holiday
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.organisations import DEMO_PASSWORD, LOADER
from sightline.people.models import Person, SourceRecord
from sightline.sharing.encompass.models import EncompassNotice, SchoolCalendar
from sightline.sharing.encompass.services import (
    CalendarRow,
    encompass_acknowledge,
    encompass_notify_event,
    pupil_roll_record,
    school_calendars_load,
)

EHE_OFFICER = "ehe.officer"
MONDAY, FRIDAY = 0, 4


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _good_friday(year: int) -> dt.date:
    return next(
        day
        for day in (dt.date(year, 3, 20) + dt.timedelta(days=n) for n in range(40))
        if day.weekday() == FRIDAY and is_bank_holiday(day)
    )


def school_year_terms(first_year: int) -> list[tuple[str, dt.date, dt.date]]:
    """An English school year's six half terms (the usual pattern; LOCAL in real life)."""
    y, n = first_year, first_year + 1
    autumn1 = (
        _weekday_on_or_after(dt.date(y, 9, 2), 2),
        _weekday_on_or_before(dt.date(y, 10, 24), FRIDAY),
    )
    autumn2_start = autumn1[1] + dt.timedelta(days=10)
    autumn2 = (autumn2_start, _weekday_on_or_before(dt.date(y, 12, 19), FRIDAY))
    spring1 = (
        _weekday_on_or_after(dt.date(n, 1, 5), MONDAY),
        _weekday_on_or_before(dt.date(n, 2, 13), FRIDAY),
    )
    good_friday = _good_friday(n)
    spring2 = (spring1[1] + dt.timedelta(days=10), good_friday - dt.timedelta(days=1))
    spring_bank = _weekday_on_or_before(dt.date(n, 5, 31), MONDAY)
    summer1 = (good_friday + dt.timedelta(days=17), spring_bank - dt.timedelta(days=3))
    summer2 = (spring_bank + dt.timedelta(days=7), _weekday_on_or_before(dt.date(n, 7, 22), FRIDAY))
    return [
        ("Autumn first half", *autumn1),
        ("Autumn second half", *autumn2),
        ("Spring first half", *spring1),
        ("Spring second half", *spring2),
        ("Summer first half", *summer1),
        ("Summer second half", *summer2),
    ]


def calendar_rows(school: Agency, first_year: int, index: int) -> list[CalendarRow]:
    terms = school_year_terms(first_year)
    starts = (
        dt.time(8, 45) if "Primary" in school.name or "Infant" in school.name else dt.time(8, 30)
    )
    rows = [CalendarRow(school, "term", first, last, name, starts) for name, first, last in terms]
    # INSET days: the first day of the autumn term everywhere, then two more that differ.
    inset = [terms[0][1], terms[1 + index % 3][1], terms[3 + index % 3][2]]
    rows += [CalendarRow(school, "inset", day, day, "Staff training day", None) for day in inset]
    return rows


def _school_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _ehe_officer() -> User:
    found = User.objects.filter(username=EHE_OFFICER).first()
    if found is not None:
        return found
    csc = Agency.objects.get(code="csc")
    team, _ = Team.objects.get_or_create(agency=csc, name="Education Safeguarding")
    return User.objects.create(
        username=EHE_OFFICER,
        password=make_password(DEMO_PASSWORD),
        first_name="Morwenna",
        last_name="Tarnfield",
        email=f"{EHE_OFFICER}@example.org",
        agency=csc,
        team=team,
        role=Role.PRACTITIONER,
        profession=Profession.EDUCATION_SERVICES,
        job_title="Elective home education officer",
    )


def _home_educated(rng: random.Random, today: dt.date) -> None:
    at_school = SourceRecord.objects.filter(agency__kind=Agency.Kind.SCHOOL).values("person_id")
    children = list(
        Person.objects.filter(
            kind=Person.Kind.CHILD,
            date_of_birth__lte=today - dt.timedelta(days=6 * 365),
            date_of_birth__gte=today - dt.timedelta(days=15 * 365),
        )
        .exclude(pk__in=at_school)
        .order_by("pk")[:40]
    )
    for child in rng.sample(children, min(2, len(children))):
        pupil_roll_record(
            actor=LOADER, person=child, home_educated=True, started=today - dt.timedelta(days=500)
        )


def _deliver(notice: EncompassNotice, delay: dt.timedelta) -> None:
    for notification in notice.notifications.all():
        if notification.email_id is not None:
            Notification.objects.filter(pk=notification.email_id).update(
                status=Notification.Status.SENT, sent_at=notice.created_at + delay, attempts=1
            )


def load_encompass_demo(*, seed: int = 15) -> None:
    """Load once (nothing happens when any school already has a calendar)."""
    if SchoolCalendar.objects.exists():
        return
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        schools = list(Agency.objects.filter(kind=Agency.Kind.SCHOOL).order_by("code"))
        rows = [
            row
            for index, school in enumerate(schools)
            for year in (_school_year_of(today) - 1, _school_year_of(today))
            for row in calendar_rows(school, year, index)
        ]
        school_calendars_load(actor=LOADER, rows=rows)
        _ehe_officer()
        _home_educated(rng, today)
        incidents = Event.objects.filter(
            type=EventType.DOMESTIC_ABUSE_INCIDENT,
            source__kind=Agency.Kind.POLICE,
            occurred_at__gte=now - dt.timedelta(days=365),
        ).order_by("occurred_at", "pk")
        for event in incidents:
            late = rng.random() < 0.04
            told_at = event.occurred_at + dt.timedelta(
                hours=rng.randrange(14, 40) if late else 0, minutes=rng.randrange(20, 120)
            )
            with clock_set(DemoClock(min(told_at, now))):
                notices = encompass_notify_event(event.pk)
            for notice in notices:
                _deliver(notice, dt.timedelta(minutes=1))
                if notice.route == EncompassNotice.Route.FRONT_DOOR or rng.random() < 0.06:
                    continue
                readers = list(notice.notifications.select_related("recipient")[:1])
                seen = notice.created_at + dt.timedelta(minutes=rng.randrange(30, 600))
                if readers and seen < now:
                    with clock_set(DemoClock(seen)):
                        encompass_acknowledge(actor=readers[0].recipient, notice=notice)
