"""The business plan in the shape of the 2016-18 plan's outcomes table: each priority has
numbered outcomes with targets and timelines, the evidence or evaluation of impact, and who
is responsible; progress updates keep who said what, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.partnership.models.plan import Subgroup

__all__ = ["OutcomeProgress", "PlanOutcome", "PlanPriority", "ProgressRating"]


class ProgressRating(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    ACHIEVED = "achieved", "Achieved"


PROGRESS_COLOURS = {
    ProgressRating.NOT_STARTED: "grey",
    ProgressRating.ON_TRACK: "green",
    ProgressRating.AT_RISK: "yellow",
    ProgressRating.OFF_TRACK: "red",
    ProgressRating.ACHIEVED: "purple",
}


class PlanPriority(models.Model):
    number = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=20, help_text="The plan's years, for example 2025-27")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "number"], name="partnership_priority_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class PlanOutcome(models.Model):
    priority = models.ForeignKey(PlanPriority, on_delete=models.PROTECT, related_name="outcomes")
    number = models.CharField(max_length=10, help_text="For example 1.2")
    outcome = models.TextField()
    targets_and_timelines = models.TextField()
    evidence_of_impact = models.TextField("evidence or evaluation of impact")
    responsible_subgroups = models.ManyToManyField(Subgroup, blank=True, related_name="outcomes")
    responsibility_note = models.CharField(
        max_length=200, blank=True, help_text="Others responsible, for example the main board"
    )
    rating = models.CharField(
        max_length=20, choices=ProgressRating.choices, default=ProgressRating.NOT_STARTED
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority__number", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.outcome[:60]}"

    @property
    def responsibility(self) -> str:
        names = [subgroup.name for subgroup in self.responsible_subgroups.all()]
        if self.responsibility_note:
            names.append(self.responsibility_note)
        return ", ".join(names)

    @property
    def rating_colour(self) -> str:
        return PROGRESS_COLOURS.get(ProgressRating(self.rating), "grey")


class OutcomeProgress(models.Model):
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="progress")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=20, choices=ProgressRating.choices)
    note = models.TextField()
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Progress on {self.outcome.number} by {self.by}"

    @property
    def rating_colour(self) -> str:
        return PROGRESS_COLOURS.get(ProgressRating(self.rating), "grey")
