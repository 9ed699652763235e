"""The partnership's training calendar for the demo district, written through the learning
services with the clock set to when each thing happened.

Courses answering the review themes; sessions over the past five months (registers taken, a
few people who did not attend or cancelled late, so charges to invoice, evaluations and
follow-ups on practice) and the coming four (bookings, two sessions full with a waiting list,
one cancelled by the partnership). Every name is synthetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, User
from sightline.core.themes import themes_ensure
from sightline.core.working_days import LONDON, is_working_day
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.organisations import DEMO_USERS
from sightline.demo.synthetic import Synthetic
from sightline.learning.models import Booking, Course, NonAttendanceCharge, TrainingSession
from sightline.learning.services import (
    attendance_record,
    booking_cancel,
    booking_create,
    booking_evaluate,
    booking_follow_up,
    charge_invoice,
    charge_mark_paid,
    course_create,
    session_cancel,
    session_create,
)

F2F, VIRTUAL, ELEARNING = Course.Mode.FACE_TO_FACE, Course.Mode.VIRTUAL, Course.Mode.E_LEARNING

# title, level, mode, themes, topics, audience
COURSES = [
    (
        "Recognising and responding to neglect",
        3,
        F2F,
        ["neglect", "think-family"],
        "Cumulative harm\nUsing the neglect toolkit and Graded Care Profile 2\nCase studies",
        "Practitioners from every agency who work with children and families",
    ),
    (
        "Injuries in non-mobile babies and coping with infant crying",
        3,
        F2F,
        ["injuries-in-babies", "think-family"],
        "Bruising in babies who are not yet mobile\nThe local protocol\nSupporting fathers",
        "Health visitors, midwives, GPs, emergency department staff, social workers",
    ),
    (
        "Domestic abuse: the child's lived experience",
        3,
        VIRTUAL,
        ["domestic-abuse", "voice-of-the-child"],
        "Coercive control\nDASH risk assessment\nHearing the child",
        "Practitioners working with families where there is domestic abuse",
    ),
    (
        "Information sharing and professional curiosity",
        2,
        VIRTUAL,
        ["information-sharing"],
        "When and how to share\nConsent and its limits\nAsking the next question",
        "Everyone who works with children",
    ),
    (
        "Your role in the child protection process",
        2,
        F2F,
        ["information-sharing", "supervision"],
        "Strategy discussions\nConferences and core groups\nEscalation and resolution",
        "Practitioners new to child protection work",
    ),
    (
        "Child criminal exploitation and county lines",
        3,
        F2F,
        ["exploitation"],
        "Signs of exploitation\nReferral pathways\nContextual safeguarding",
        "Schools, youth justice, police, housing and voluntary sector staff",
    ),
    (
        "Cultural competency in safeguarding practice",
        3,
        VIRTUAL,
        ["cultural-competency", "voice-of-the-child"],
        "Unconscious bias\nWorking with interpreters\nFamilies' own words",
        "Every agency",
    ),
    (
        "Was not brought: missed health appointments",
        2,
        ELEARNING,
        ["was-not-brought", "neglect"],
        "Why 'did not attend' becomes 'was not brought'\nFollowing up",
        "Health staff and school nurses",
    ),
]

VENUES = [
    "Partnership training room, Civic Centre, Northmoor",
    "Millbrook Community Hub, meeting room 2",
    "Northmoor Police Learning Centre",
]
PRACTICE_CHANGES = [
    "I now ask who else lives in the home or stays over at every new-birth visit.",
    "I check the chronology for earlier contacts before I close a case.",
    "I share my concerns with the health visitor straight away rather than waiting for the "
    "next meeting.",
    "I record what the child said in their own words.",
    "I use the escalation policy when I disagree with a decision, and I recorded it.",
    "I ask about fathers and other men in the household, not only mothers.",
]


class _TrainingDemo:
    def __init__(self, seed: int) -> None:
        self.s = Synthetic(seed)
        self.random = self.s.random
        self.today = timezone.localdate()
        self.now = timezone.now()

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        with clock_set(DemoClock(min(moment, timezone.now()))):
            yield

    def working_day(self, day: dt.date) -> dt.date:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    # --- Who ----------------------------------------------------------------------------
    def officer(self) -> User:
        user = (
            User.objects.filter(username="partnership.officer").first()
            or User.objects.filter(role=Role.PARTNERSHIP_OFFICER, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            given, family = self.s.person_name("F")
            user = User.objects.create(
                username="training.coordinator",
                password=make_password(None),
                first_name=given,
                last_name=family,
                email="training.coordinator@example.org",
                role=Role.PARTNERSHIP_OFFICER,
                job_title="Safeguarding training coordinator",
            )
        return user

    def practitioners(self, wanted: int = 60) -> list[User]:
        agencies = list(Agency.objects.filter(active=True).order_by("pk"))
        if not agencies:
            raise RuntimeError("Load the district's agencies before the training demo.")
        pool = list(
            User.objects.filter(is_active=True, agency__isnull=False)
            .exclude(role=Role.UNSCHEDULED_CARE)
            .order_by("pk")
        )
        for number in range(len(pool), wanted):
            agency = agencies[number % len(agencies)]
            given, family = self.s.person_name(self.s.pick({"F": 0.7, "M": 0.3}))
            username = f"trainee.{number:03d}"
            user = User.objects.filter(username=username).first() or User.objects.create(
                username=username,
                password=make_password(None),  # cannot sign in: a name on the register
                first_name=given,
                last_name=family,
                email=f"{username}@example.org",
                agency=agency,
                role=Role.PRACTITIONER,
                profession=Profession.OTHER,
            )
            pool.append(user)
        return pool

    # --- What ---------------------------------------------------------------------------
    def courses(self, officer: User) -> list[Course]:
        themes = {theme.code: theme for theme in themes_ensure()}
        made = []
        with self.at(self.now - dt.timedelta(days=200)):
            for title, level, mode, codes, topics, audience in COURSES:
                made.append(
                    course_create(
                        actor=officer,
                        title=title,
                        level=level,
                        mode=mode,
                        themes=[themes[c] for c in codes if c in themes],
                        topics=topics,
                        audience=audience,
                        description=f"A multi-agency course for {audience.lower()}.",
                    )
                )
        return made

    def session(self, officer: User, course: Course, day: dt.date, capacity: int):  # type: ignore[no-untyped-def]
        starts = dt.datetime.combine(self.working_day(day), dt.time(9, 30), tzinfo=LONDON)
        online = course.mode != F2F
        self.sessions_made = getattr(self, "sessions_made", 0) + 1
        with self.at(starts - dt.timedelta(days=60)):
            return session_create(
                actor=officer,
                course=course,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3 if online else 6, minutes=30),
                capacity=capacity,
                venue="" if online else self.random.choice(VENUES),
                joining_link=f"https://meet.example.org/northmoor-{course.pk}" if online else "",
                trainer_name="Partnership training team",
                # Every other session is led by a demo sign-in, who takes its register.
                # (Counted here, not by primary key: keys depend on what the database held.)
                trainer=self.trainer if self.sessions_made % 2 == 0 else None,
            )

    def book(self, session: TrainingSession, people: list[User], count: int) -> list[Booking]:
        bookings = []
        for n, person in enumerate(self.random.sample(people, min(count, len(people)))):
            moment = session.starts_at - dt.timedelta(days=40 - n, hours=self.random.randint(0, 8))
            with self.at(moment):
                bookings.append(
                    booking_create(
                        actor=person,
                        session=session,
                        confidence_before=self.random.choice([1, 2, 2, 3, 3, 3, 4]),
                    )
                )
        return bookings

    def hold(self, officer: User, session: TrainingSession, bookings: list[Booking]) -> None:
        """A past session: a late cancellation or two, the register, evaluations, follow-ups."""
        confirmed = [b for b in bookings if b.status == Booking.Status.CONFIRMED]
        for booking in confirmed[:1] if self.random.random() < 0.5 else []:
            with self.at(session.starts_at - dt.timedelta(hours=20)):
                booking_cancel(actor=booking.attendee, booking=booking)
        on_register = [
            b
            for b in Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
            .select_related("attendee")
            .order_by("pk")
        ]
        marks = {
            b.pk: "did_not_attend" if self.random.random() < 0.12 else "attended"
            for b in on_register
        }
        with self.at(session.ends_at + dt.timedelta(minutes=20)):
            attendance_record(actor=session.trainer or officer, session=session, marks=marks)
        for booking in on_register:
            if marks[booking.pk] != "attended" or self.random.random() < 0.25:
                continue
            with self.at(session.ends_at + dt.timedelta(days=1)):
                booking_evaluate(
                    actor=booking.attendee,
                    booking=booking,
                    confidence_after=min(
                        5, (booking.confidence_before or 3) + self.random.randint(0, 2)
                    ),
                )
            follow_up_at = session.ends_at + dt.timedelta(weeks=6)
            if follow_up_at < self.now and self.random.random() < 0.4:
                with self.at(follow_up_at):
                    booking_follow_up(
                        actor=booking.attendee,
                        booking=booking,
                        practice_change=self.random.choice(PRACTICE_CHANGES),
                    )

    def trainer_user(self) -> User | None:
        """A demo sign-in who trains for the partnership: the health visitor (the demo's
        practitioner sign-ins otherwise), who takes the registers of the sessions they lead."""
        practitioners = User.objects.filter(
            username__in=[spec.username for spec in DEMO_USERS],
            role=Role.PRACTITIONER,
            is_active=True,
        )
        return (
            practitioners.filter(username="health.visitor").first()
            or practitioners.order_by("pk").first()
        )

    def invoice(self, officer: User) -> None:
        """Charges from sessions over six weeks ago are invoiced; over three months, paid."""
        for number, charge in enumerate(
            NonAttendanceCharge.objects.filter(status=NonAttendanceCharge.Status.OUTSTANDING)
            .select_related("booking__session")
            .order_by("booking__session__starts_at", "pk")
        ):
            held = charge.booking.session.ends_at
            if held > self.now - dt.timedelta(weeks=6):
                continue
            invoiced = held + dt.timedelta(weeks=2)
            with self.at(invoiced):
                charge_invoice(
                    actor=officer,
                    charge=charge,
                    invoice_reference=f"NSCP-{timezone.localtime(invoiced):%Y}-{number + 101:04d}",
                    invoiced_on=timezone.localtime(invoiced).date(),
                )
            paid = invoiced + dt.timedelta(weeks=4)
            if held < self.now - dt.timedelta(weeks=13):
                with self.at(paid):
                    charge_mark_paid(
                        actor=officer, charge=charge, paid_on=timezone.localtime(paid).date()
                    )

    def load(self) -> None:
        officer = self.officer()
        self.trainer = self.trainer_user()
        people = self.practitioners()
        courses = self.courses(officer)
        # Past five months: two or three sessions a month.
        for weeks_ago in range(21, 0, -2):
            course = courses[weeks_ago % len(courses)]
            day = self.today - dt.timedelta(weeks=weeks_ago, days=self.random.randint(0, 3))
            session = self.session(officer, course, day, capacity=self.random.choice([16, 20, 24]))
            bookings = self.book(session, people, self.random.randint(10, session.capacity))
            self.hold(officer, session, bookings)
        self.invoice(officer)
        # Coming four months.
        upcoming = []
        for weeks_ahead in range(1, 18, 2):
            course = courses[(weeks_ahead + 3) % len(courses)]
            day = self.today + dt.timedelta(weeks=weeks_ahead, days=self.random.randint(0, 3))
            capacity = self.random.choice([12, 16, 20, 30])
            session = self.session(officer, course, day, capacity=capacity)
            upcoming.append(session)
            self.book(session, people, self.random.randint(3, capacity - 2))
        # Two full sessions with a waiting list (one has since had a cancellation move up).
        for session in upcoming[:2]:
            taken = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
            already = set(session.bookings.values_list("attendee", flat=True))
            free = [p for p in people if p.pk not in already]
            self.book(session, free, session.capacity - taken + 3)
        first = upcoming[0].bookings.filter(status=Booking.Status.CONFIRMED).first()
        if first is not None:
            with self.at(self.now - dt.timedelta(hours=2)):
                booking_cancel(actor=first.attendee, booking=first)
        with self.at(self.now - dt.timedelta(hours=1)):
            session_cancel(
                actor=officer,
                session=upcoming[-1],
                reason="The trainer is unavailable; the session will be rearranged.",
            )


def load_learning_demo(*, seed: int = 11) -> None:
    """Load the training calendar once (nothing happens if courses already exist)."""
    if Course.objects.exists():
        return
    with transaction.atomic():
        _TrainingDemo(seed).load()
