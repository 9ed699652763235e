"""Operation Encompass records: each school's calendar, the pupil roll, and one notice per child
per police-attended domestic abuse incident (DOMAIN.md T10).

Imported by `sharing.models`, so the models belong to the `sharing` app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.chronology.models import Event
from sightline.people.models import Person

__all__ = ["EncompassNotice", "PupilRollEntry", "SchoolCalendar", "SchoolCalendarPeriod"]

# LOCAL: when a school's day starts unless its calendar says otherwise.
DEFAULT_DAY_STARTS = dt.time(8, 30)


class SchoolCalendar(models.Model):
    """A school's year as data: when its day starts, its terms, INSET days and closures.

    Weekends and bank holidays are never school days (core.working_days)."""

    school = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="school_calendar")
    day_starts = models.TimeField(default=DEFAULT_DAY_STARTS)
    updated_at = models.DateTimeField()
    updated_by = models.CharField(max_length=200, help_text="Who loaded it last")

    class Meta:
        ordering = ["school__name"]

    def __str__(self) -> str:
        return f"Calendar of {self.school.name}"


class SchoolCalendarPeriod(models.Model):
    class Kind(models.TextChoices):
        TERM = "term", "Term"
        INSET = "inset", "INSET day (school closed to pupils)"
        CLOSURE = "closure", "Other closure"

    calendar = models.ForeignKey(SchoolCalendar, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")),
                name="school_period_in_order",
            ),
            models.UniqueConstraint(
                fields=["calendar", "kind", "first_day"], name="school_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_day} to {self.last_day}"


class PupilRollEntry(models.Model):
    """A child on a school's roll from one day to another, or known to be educated at home."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pupil_roll")
    school = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="pupil_roll"
    )
    home_educated = models.BooleanField(default=False)
    started = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True)
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name_plural = "pupil roll entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(school__isnull=False, home_educated=False)
                    | models.Q(school__isnull=True, home_educated=True)
                ),
                name="pupil_roll_school_or_home",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.school or 'home'}"


class EncompassNotice(models.Model):
    """One child of one incident: where the notification went, by when, and its acknowledgement.

    `notifications` are those to the intended recipients (the school's designated
    safeguarding leads, the elective home education officer, or the front door)."""

    class Route(models.TextChoices):
        SCHOOL = "school", "The school's designated safeguarding lead"
        HOME_EDUCATION = "home_education", "The elective home education officer"
        FRONT_DOOR = "front_door", "The front door (no school known)"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="encompass_notices")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="encompass_notices")
    route = models.CharField(max_length=20, choices=Route.choices)
    school = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="encompass_notices"
    )
    created_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(db_index=True)
    undeliverable = models.CharField(
        max_length=300, blank=True, help_text="Why nobody could be told (empty when sent)"
    )
    notifications = models.ManyToManyField(
        "sharing.NetworkNotification", related_name="encompass_notices", blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "child"], name="encompass_once_per_child")
        ]

    def __str__(self) -> str:
        return f"Operation Encompass notice for {self.child} ({self.get_route_display()})"
