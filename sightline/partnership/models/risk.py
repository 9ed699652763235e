"""The challenge and risk log (the 2016-18 plan's accountability framework).

The board or a subgroup raises a risk or concern against an agency or a subgroup and asks it
for an assurance report by a date; the agency or subgroup responds; the partnership records
the outcome and closes the entry. The business planning group reports on the log quarterly.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.core.versions import Versioned
from sightline.partnership.models.plan import Subgroup

__all__ = ["RiskLogEntry", "RiskLogUpdate", "RiskOutcome", "RiskStatus"]


class RiskStatus(models.TextChoices):
    OPEN = "open", "Awaiting assurance report"
    RESPONDED = "responded", "Responded, awaiting outcome"
    CLOSED = "closed", "Closed"


class RiskOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved: assured"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved: further action agreed"
    NOT_RESOLVED = "not_resolved", "Not resolved: escalated to the board"
    WITHDRAWN = "withdrawn", "Withdrawn"


RISK_STATUS_COLOURS = {
    RiskStatus.OPEN: "yellow",
    RiskStatus.RESPONDED: "blue",
    RiskStatus.CLOSED: "green",
}


class RiskLogEntry(Versioned):
    reference = models.CharField(max_length=20, unique=True)
    raised_on = models.DateField()
    raised_by_subgroup = models.ForeignKey(
        Subgroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks_raised",
        help_text="Empty when the board raised it",
    )
    against_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    against_subgroup = models.ForeignKey(
        Subgroup, null=True, blank=True, on_delete=models.PROTECT, related_name="risks_against"
    )
    concern = models.TextField("the risk or concern")
    assurance_requested = models.TextField("the assurance report requested")
    assurance_due_on = models.DateField("assurance report due")
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=RiskOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name_plural = "risk log entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(against_agency__isnull=False, against_subgroup__isnull=True)
                    | models.Q(against_agency__isnull=True, against_subgroup__isnull=False)
                ),
                name="partnership_risk_against_one",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def raised_by_label(self) -> str:
        return str(self.raised_by_subgroup) if self.raised_by_subgroup else "The board"

    @property
    def against_label(self) -> str:
        return str(self.against_agency or self.against_subgroup or "")

    @property
    def status_colour(self) -> str:
        return RISK_STATUS_COLOURS.get(RiskStatus(self.status), "grey")

    def overdue(self, today: dt.date) -> bool:
        return self.status == RiskStatus.OPEN and today > self.assurance_due_on


class RiskLogUpdate(models.Model):
    """One change to a log entry: who, when, what (the entry's history)."""

    entry = models.ForeignKey(RiskLogEntry, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.by}"
