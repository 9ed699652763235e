"""What Sightline shared: each CP-IS style lookup by an unscheduled-care clinician."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.people.models import Person
from sightline.sharing.encompass.models import *  # noqa: F403 (Operation Encompass)
from sightline.sharing.meetings.models import *  # noqa: F403  (risk meetings)

__all__ = ["Audience", "CpisLookup", "Due", "NetworkNotification", "NotificationKind"]


class CpisLookup(models.Model):
    """One lookup (DOMAIN.md section 7): who asked, where, what they typed, what they were told.

    `answer_detail` keeps exactly what the page showed, so the record answers "what did the
    clinician see?" without reconstructing it from plans that may have changed since.
    """

    class SearchedBy(models.TextChoices):
        NHS_NUMBER = "nhs_number", "NHS number"
        NAME = "name", "Name and date of birth"

    class Setting(models.TextChoices):
        EMERGENCY_DEPARTMENT = "ed", "Emergency department attendance"
        URGENT_TREATMENT = "utc", "Urgent treatment centre or minor injuries unit"
        WALK_IN = "walk_in", "Walk-in centre"
        OUT_OF_HOURS = "ooh", "Out-of-hours GP"
        AMBULANCE = "ambulance", "Ambulance service"
        MATERNITY = "maternity", "Maternity unscheduled attendance"
        ADMISSION = "admission", "Unplanned hospital admission"

    class Answer(models.TextChoices):
        ON_PLAN = "on_plan", "On a child protection plan"
        PLAN_ENDED = "plan_ended", "Was on a child protection plan in the last 12 months"
        NO_PLAN = "no_plan", "Not on a child protection plan in the last 12 months"
        NOT_IDENTIFIED = "not_identified", "One child could not be identified"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cpis_lookups"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    searched_by = models.CharField(max_length=20, choices=SearchedBy.choices)
    nhs_number = models.CharField(max_length=10, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cpis_lookups",
        help_text="The person the search found; empty when no one (or more than one) matched",
    )
    answer = models.CharField(max_length=20, choices=Answer.choices)
    unborn_on_plan = models.BooleanField(
        default=False, help_text="The searched woman's unborn child is on a CP plan"
    )
    answer_detail = models.JSONField(default=dict, help_text="What the page showed")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"CP-IS lookup by {self.user} at {self.at:%d %b %Y %H:%M}"

    @property
    def searched_for(self) -> str:
        if self.searched_by == self.SearchedBy.NHS_NUMBER:
            return f"NHS number {format_nhs_number(self.nhs_number)}"
        born = f"{self.date_of_birth:%d/%m/%Y}" if self.date_of_birth else "date of birth not given"
        return f"{self.given_name} {self.family_name}, born {born}"


def format_nhs_number(digits: str) -> str:
    """943 476 5919: the NHS's own 3-3-4 grouping."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


class Due(models.TextChoices):
    """How soon a notification must be acted on, counted from when it is made."""

    SAME_DAY = "same_day", "The same day"
    NEXT_WORKING_DAY = "next_working_day", "By the end of the next working day"
    THREE_WORKING_DAYS = "three_working_days", "Within 3 working days"


class NotificationKind(models.Model):
    """What a kind of notification is called and when it is due: one per rule code, plus the
    events the design says reach the child's network (`address-change`, `cpis-lookup`)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    due = models.CharField(max_length=30, choices=Due.choices, default=Due.NEXT_WORKING_DAY)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """One role a kind of notification goes to (the audience as rows, not a string)."""

    class Role(models.TextChoices):
        LEAD_SOCIAL_WORKER = "lead_social_worker", "The lead social worker"
        LEAD_MANAGER = "lead_manager", "The lead social worker's manager"
        FRONT_DOOR = "front_door", "The front door, for a child with no open work"
        INVOLVED = "involved", "Every professional working with the child"
        INVOLVED_PROFESSION = "involved_profession", "The child's professionals of one kind"
        INVOLVED_AGENCY = "involved_agency", "The child's professionals from one kind of agency"
        SIGHTLINE_ROLE = "sightline_role", "Everyone with one Sightline role"

    kind = models.ForeignKey(NotificationKind, on_delete=models.CASCADE, related_name="audiences")
    role = models.CharField(max_length=30, choices=Role.choices)
    value = models.CharField(
        max_length=60,
        blank=True,
        help_text="The front door role, profession, agency kind or Sightline role meant",
    )

    class Meta:
        ordering = ["kind", "role", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "role", "value"], name="audience_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind.code}: {self.role} {self.value}".strip()


class NetworkNotification(models.Model):
    """One notification to one named recipient: what happened, about whom, by when to act.

    Its e-mail (no personal details, only a link) is an outbox message (`core.Notification`),
    delivered by the worker; `delivered_at` is when that message was sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_notifications"
    )
    kind = models.SlugField(max_length=60, db_index=True)
    title = models.CharField(max_length=300)
    asks_for = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)
    persons = models.ManyToManyField(Person, related_name="network_notifications")
    alert_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why this recipient")
    created_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(db_index=True)
    urgent = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    email = models.OneToOneField(
        "core.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "alert_id"],
                condition=models.Q(alert_id__isnull=False, escalation_of__isnull=True),
                name="network_notification_once_per_alert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} to {self.recipient}"

    @property
    def delivered_at(self) -> dt.datetime | None:
        return self.email.sent_at if self.email is not None else None
