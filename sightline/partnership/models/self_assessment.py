"""Section 11 (agencies) and Section 175 (schools) self-assessment returns.

Each framework has its own configurable list of standards. A return is one agency's, for one
year: a RAG rating and evidence per standard, then the partnership's challenge.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency

__all__ = ["Framework", "Rag", "SelfAssessmentReturn", "Standard", "StandardRating"]


class Framework(models.TextChoices):
    SECTION_11 = "s11", "Section 11"
    SECTION_175 = "s175", "Section 175"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_COLOURS = {Rag.RED: "red", Rag.AMBER: "orange", Rag.GREEN: "green"}


class Standard(models.Model):
    framework = models.CharField(max_length=10, choices=Framework.choices)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="partnership_standard_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SelfAssessmentReturn(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        CHALLENGED = "challenged", "Challenged by the partnership"
        RESPONDED = "responded", "Challenge answered by the agency"

    framework = models.CharField(max_length=10, choices=Framework.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    challenge = models.TextField("the partnership's challenge", blank=True)
    challenged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenged_at = models.DateTimeField(null=True, blank=True)
    challenge_response = models.TextField("the agency's response to the challenge", blank=True)
    challenge_responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenge_responded_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "framework", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "agency", "year"], name="partnership_return_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_framework_display()} return {self.period}, {self.agency}"

    @property
    def period(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def status_colour(self) -> str:
        return {
            self.Status.REQUESTED: "grey",
            self.Status.IN_PROGRESS: "blue",
            self.Status.SUBMITTED: "green",
            self.Status.CHALLENGED: "purple",
            self.Status.RESPONDED: "turquoise",
        }.get(self.Status(self.status), "grey")

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.IN_PROGRESS)


class StandardRating(models.Model):
    assessment = models.ForeignKey(
        SelfAssessmentReturn, on_delete=models.CASCADE, related_name="ratings"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices)
    evidence = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["standard__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "standard"], name="partnership_rating_once_per_standard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard.number}: {self.get_rag_display()}"

    @property
    def rag_colour(self) -> str:
        return RAG_COLOURS.get(Rag(self.rag), "grey")
