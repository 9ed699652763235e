"""Assurance asked of agencies, their answers and the oversight group's judgement; escalations
of blocked actions to the lead safeguarding partners."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.core.versions import Versioned
from sightline.partnership.models.plan import Action

__all__ = ["AssuranceRequest", "Escalation"]


class AssuranceRequest(Versioned):
    class Judgement(models.TextChoices):
        ASSURED = "assured", "Assured"
        PARTLY_ASSURED = "partly_assured", "Partly assured"
        NOT_ASSURED = "not_assured", "Not assured"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="assurance_requests"
    )
    question = models.TextField("what is asked")
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    judgement_notes = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    # After "not assured" (or partly assured): the partnership asks again (a new request
    # naming this one) or escalates to the lead safeguarding partners.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    escalation_reason = models.TextField(blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Assurance from {self.agency} due {self.due_on:%d %B %Y}"

    @property
    def state(self) -> str:
        if self.escalated_at:
            return f"{self.get_judgement_display()}: escalated"
        if self.judgement:
            return self.get_judgement_display()
        if self.responded_at:
            return "Answered, awaiting judgement"
        return "Awaiting answer"

    @property
    def state_colour(self) -> str:
        colours: dict[str, str] = {
            self.Judgement.ASSURED: "green",
            self.Judgement.PARTLY_ASSURED: "yellow",
            self.Judgement.NOT_ASSURED: "red",
        }
        return colours.get(self.judgement, "blue" if self.responded_at else "grey")

    def overdue(self, today: dt.date) -> bool:
        return self.responded_at is None and today > self.due_on

    @property
    def needs_next_step(self) -> bool:
        """Judged short of assured, and neither asked again nor escalated yet."""
        return (
            self.judgement in (self.Judgement.NOT_ASSURED, self.Judgement.PARTLY_ASSURED)
            and not self.escalated_at
            and not self.follow_ups.exists()
        )


class Escalation(models.Model):
    """A blocked action raised with the lead safeguarding partners, with the reason."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="escalations")
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"Escalation of action {self.action_id}"
