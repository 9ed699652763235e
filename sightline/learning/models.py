"""The training programme: courses, their sessions, bookings with a waiting list, attendance,
evaluation and the non-attendance charges invoiced to agencies.

Writes go through `sightline.learning.services`; reads through `sightline.learning.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sightline.accounts.models import Agency
from sightline.core.models import Theme
from sightline.core.versions import Versioned

__all__ = ["Booking", "Course", "NonAttendanceCharge", "TrainingSession"]


class Course(Versioned):
    class Level(models.IntegerChoices):
        # LOCAL: the partnership's own wording for its three levels of training.
        FOUNDATION = 1, "Level 1: foundation (universal)"
        TARGETED = 2, "Level 2: targeted"
        SPECIALIST = 3, "Level 3: specialist multi-agency"

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        VIRTUAL = "virtual", "Virtual (online, live)"
        E_LEARNING = "e_learning", "E-learning"

    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.SPECIALIST)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.FACE_TO_FACE)
    topics = models.TextField(blank=True, help_text="What the course covers, one topic a line")
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="courses",
        help_text="The learning themes from reviews that this course answers",
    )
    description = models.TextField(blank=True)
    audience = models.CharField(
        max_length=300, blank=True, help_text="Who should attend, for example health visitors"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]


class TrainingSession(Versioned):
    """One date of a course, with its places."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    joining_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    trainer_name = models.CharField(max_length=200, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions_led",
        help_text="A Sightline user who may take the register",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_places"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.starts_at:%d %b %Y}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def where(self) -> str:
        return self.venue or ("Online" if self.joining_link else "")

    @property
    def places_left(self) -> int:
        """Free places (uses the `confirmed_count` annotation of the selectors when present)."""
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = self.bookings.filter(status=Booking.Status.CONFIRMED).count()
        return max(self.capacity - confirmed, 0)


class Booking(models.Model):
    """A practitioner's place on a session, or their place in its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Place confirmed"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        NOT_RECORDED = "", "Not recorded"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        CANCELLED_LATE = "cancelled_late", "Cancelled late"

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="bookings")
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_bookings"
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The attendee's agency when they booked: the agency any charge goes to",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, blank=True, default=Attendance.NOT_RECORDED
    )
    booked_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confidence_before = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence_after = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluation_comments = models.TextField(blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    practice_change = models.TextField(blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "attendee"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="booking_one_active_per_attendee",
            ),
            models.CheckConstraint(
                condition=Q(confidence_before__isnull=True)
                | Q(confidence_before__gte=1, confidence_before__lte=5),
                name="booking_confidence_before_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(confidence_after__isnull=True)
                | Q(confidence_after__gte=1, confidence_after__lte=5),
                name="booking_confidence_after_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} on {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class NonAttendanceCharge(models.Model):
    """What an agency is invoiced when its practitioner did not attend or cancelled late."""

    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", "To invoice"
        INVOICED = "invoiced", "Invoiced"
        PAID = "paid", "Paid"
        WITHDRAWN = "withdrawn", "Withdrawn"

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="charge")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="training_charges")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    reason = models.CharField(max_length=20, choices=Booking.Attendance.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OUTSTANDING)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    invoice_reference = models.CharField(max_length=60, blank=True)
    invoiced_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "created_at"]

    def __str__(self) -> str:
        return f"{self.amount_label} to {self.agency} for {self.booking}"

    @property
    def amount_label(self) -> str:
        return f"£{self.amount:,.2f}"

    @property
    def status_colour(self) -> str:
        colours = {
            self.Status.OUTSTANDING.value: "yellow",
            self.Status.INVOICED.value: "blue",
            self.Status.PAID.value: "green",
        }
        return colours.get(str(self.status), "grey")
