"""Risk: the rule catalogue's settings, the alerts it raises, and DASH records.

An alert is one instance of a pattern (or one missed timescale) about one person. It names
the rule, the person, the event that raised it (`raised_at` is that event's `occurred_at`),
the events that are its evidence, what it asks for and of whom.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.chronology.models import Event
from sightline.people.models import Person


class RuleSetting(models.Model):
    """A partnership's choice for one rule: on or off, and its thresholds (over the defaults)."""

    code = models.SlugField(max_length=60, unique=True)
    enabled = models.BooleanField(default=True)
    parameters = models.JSONField(default=dict, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class AlertOutcome(models.TextChoices):
    ACTION_TAKEN = "action_taken", "Action taken as asked"
    ALREADY_IN_HAND = "already_in_hand", "Already in hand"
    NO_ACTION_NEEDED = "no_action_needed", "Reviewed: no action needed"
    WITHDRAWN = "withdrawn", "Withdrawn: the pattern no longer holds"
    SUPERSEDED = "superseded", "Joined to another alert about the same pattern"


class Alert(models.Model):
    rule = models.SlugField(max_length=60, db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts")
    raised_by = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(db_index=True)
    evidence = models.ManyToManyField(Event, related_name="alerts")
    # What the alert is about in words, and what it asks for and of whom.
    title = models.CharField(max_length=300)
    asks_for = models.CharField(max_length=300)
    recipient_label = models.CharField(max_length=300)
    # The audiences it is addressed to, as ",role:ifd_manager,agency:hospital," (see catalogue).
    audience = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AlertOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["person", "rule"])]
        permissions = [("change_rule_settings", "Can change the rule catalogue's thresholds")]

    def __str__(self) -> str:
        return f"{self.rule} for {self.person} raised {self.raised_at:%Y-%m-%d}"

    @property
    def touched(self) -> bool:
        """Whether a person has acted on it (acknowledged or closed it)."""
        return bool(self.acknowledged_by_id or self.closed_by_id)


class DashLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


DASH_LEVEL_ORDER = {DashLevel.STANDARD: 0, DashLevel.MEDIUM: 1, DashLevel.HIGH: 2}


class DashRecord(models.Model):
    """A SafeLives DASH risk identification checklist completed for a domestic abuse incident.

    The licensed question wording is not reproduced: questions are numbered 1 to 24.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="dash_records")
    answers = models.JSONField(help_text="24 booleans: question 1 first; true is a yes")
    yes_count = models.PositiveSmallIntegerField()
    counted_level = models.CharField(max_length=10, choices=DashLevel.choices)
    level = models.CharField(
        max_length=10, choices=DashLevel.choices, help_text="After professional judgement"
    )
    judgement = models.TextField(blank=True, help_text="Why the level was raised")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"DASH {self.yes_count}/24 ({self.level}) for event {self.event_id}"


class EvaluationRequest(models.Model):
    """People whose rules must be evaluated again, waiting for the worker.

    Written when a feed batch commits (the people its events touch) or when the chronology
    says its entries moved between people (a merge, a split, an undo). The worker's task
    evaluates the rules for them and deletes the request in the same transaction, so a
    request whose evaluation failed stays here and the next task, or `sightline alerts`,
    evaluates it: none is dropped. Evaluating twice changes nothing."""

    class Cause(models.TextChoices):
        EVENTS = "events", "Events recorded"
        LINKAGE = "linkage", "Records merged or split"

    cause = models.CharField(max_length=10, choices=Cause.choices)
    person_ids = models.JSONField(help_text="The persons' ids, ascending")
    addresses = models.JSONField(
        default=list, blank=True, help_text="Address keys [postcode, line] whose residents too"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}: {len(self.person_ids)} people"
