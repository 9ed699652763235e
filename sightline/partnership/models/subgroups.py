"""Subgroups at work: members by agency, meetings with attendance and minutes, meeting actions
with an owner and a due date."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.partnership.models.plan import Subgroup

__all__ = ["Attendance", "MeetingAction", "MeetingAttendance", "SubgroupMeeting", "SubgroupMember"]


class SubgroupMember(models.Model):
    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role_title = models.CharField("role", max_length=200, blank=True)
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.agency.name}"

    @property
    def current(self) -> bool:
        return self.left_on is None


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent without apologies"


class SubgroupMeeting(models.Model):
    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subgroup} meeting on {self.held_on:%-d %B %Y}"

    def _count(self, attendance: str) -> int:
        return sum(1 for row in self.attendance.all() if row.attendance == attendance)

    @property
    def present_count(self) -> int:
        return self._count(Attendance.PRESENT)

    @property
    def apologies_count(self) -> int:
        return self._count(Attendance.APOLOGIES)


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        SubgroupMeeting, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(SubgroupMember, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=20, choices=Attendance.choices)

    class Meta:
        ordering = ["member__agency__name", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="partnership_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_attendance_display()}"


class MeetingAction(models.Model):
    meeting = models.ForeignKey(SubgroupMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(SubgroupMember, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and today > self.due_on
