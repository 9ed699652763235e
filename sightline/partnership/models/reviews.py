"""Case reviews: a serious incident notified to the national panel (T7), its rapid review (T8)
and perhaps a local child safeguarding practice review (T9)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.core.versions import Versioned
from sightline.people.models import Person

__all__ = [
    "AgencyInformationRequest",
    "PracticeReview",
    "PracticeReviewMilestone",
    "RapidReview",
    "SeriousIncident",
]


class SeriousIncident(models.Model):
    """A serious incident the local authority became aware of, and its notification (T7)."""

    reference = models.CharField(max_length=30, unique=True)
    summary = models.TextField(help_text="What happened, in a few sentences")
    child = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child_description = models.CharField(
        max_length=200, blank=True, help_text="Who the child is, when not linked to a record"
    )
    incident_on = models.DateField(null=True, blank=True)
    aware_on = models.DateField("date the local authority became aware")
    notification_due_on = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-aware_on", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_label(self) -> str:
        return self.child.full_name if self.child else (self.child_description or "Not recorded")

    def notification_overdue(self, today: dt.date) -> bool:
        if self.notified_on is None:
            return today > self.notification_due_on
        return False

    @property
    def notified_late(self) -> bool:
        return self.notified_on is not None and self.notified_on > self.notification_due_on


class RapidReview(models.Model):
    """The rapid review that follows a notification, due 15 working days after it (T8)."""

    class Decision(models.TextChoices):
        PRACTICE_REVIEW = "practice_review", "Local child safeguarding practice review"
        NO_PRACTICE_REVIEW = "no_practice_review", "No local practice review"

    incident = models.OneToOneField(
        SeriousIncident, on_delete=models.PROTECT, related_name="rapid_review"
    )
    due_on = models.DateField()
    meeting_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    panel_response = models.TextField(blank=True)
    panel_responded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_on", "-pk"]

    def __str__(self) -> str:
        return f"Rapid review {self.incident.reference}"

    def overdue(self, today: dt.date) -> bool:
        return self.decided_on is None and today > self.due_on

    @property
    def completed_late(self) -> bool:
        return self.decided_on is not None and self.decided_on > self.due_on


class AgencyInformationRequest(models.Model):
    """An agency asked for its information for a rapid review, by a date, and its return."""

    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, related_name="information_requests"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    question = models.TextField(
        "what the agency is asked for", blank=True, help_text="The information the review needs"
    )
    returned_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What the agency's return said")
    # Who gave the return: the agency's named lead answering in Sightline, or the partnership
    # recording a return it received another way.
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapid_review", "agency"],
                name="partnership_information_request_once_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} for {self.rapid_review}"

    def overdue(self, today: dt.date) -> bool:
        return self.returned_on is None and today > self.due_on


class PracticeReview(Versioned):
    """A local child safeguarding practice review, published within 6 months (T9, LOCAL)."""

    title = models.CharField(max_length=200, help_text="The name the review is published under")
    rapid_review = models.OneToOneField(
        RapidReview, null=True, blank=True, on_delete=models.PROTECT, related_name="practice_review"
    )
    decided_on = models.DateField("date the partnership decided to hold the review")
    publication_due_on = models.DateField()
    terms_of_reference = models.TextField(blank=True)
    author = models.CharField("commissioned author", max_length=200, blank=True)
    scope_from = models.DateField(null=True, blank=True)
    scope_to = models.DateField(null=True, blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    final_report_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    learning_brief = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def publication_overdue(self, today: dt.date) -> bool:
        return self.published_on is None and today > self.publication_due_on


class PracticeReviewMilestone(models.Model):
    """A step in a practice review: a progress milestone or a practitioner event."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", "Progress milestone"
        PRACTITIONER_EVENT = "practitioner_event", "Practitioner event"

    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MILESTONE)
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description
