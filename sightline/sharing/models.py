"""What Sightline shared: each CP-IS style lookup by an unscheduled-care clinician."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.people.models import Person

__all__ = ["CpisLookup"]


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
