"""The thematic action plan: recommendations from every review, their themes and actions.

An action carries evidence of completion and, separately, evidence of impact. It is
`achieved` only when impact is signed off (see `services.plan.action_impact_sign_off`).
A recommendation or an action may be withdrawn, with a reason (`services.plan_changes`): it
stays in the plan, marked withdrawn, and counts neither as open nor as overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from sightline.accounts.models import Agency
from sightline.core.models import Theme
from sightline.core.versions import Versioned
from sightline.partnership.models.reviews import PracticeReview, RapidReview

__all__ = [
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "ImpactAssessment",
    "Recommendation",
    "RecommendationUpdate",
    "Subgroup",
]


class Subgroup(Versioned):
    name = models.CharField(max_length=120, unique=True)
    terms_of_reference = models.TextField(blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_subgroups",
        help_text="The subgroup chair's sign-in; risks they log are raised by this subgroup",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# A history row's kind in words (a kind not listed reads as its own words).
UPDATE_KINDS = {
    "created": "Created",
    "edited": "Changed",
    "progress": "Progress recorded",
    "impact_signed_off": "Impact signed off",
    "escalated": "Escalated",
    "escalation_resolved": "Escalation resolved",
    "reopened": "Re-opened",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
    "raised": "Raised",
    "responded": "Responded",
}


def kind_words(kind: str) -> str:
    return UPDATE_KINDS.get(kind) or kind.replace("_", " ").capitalize()


def field_words(model: type[models.Model] | None, name: str) -> str:
    """A changed field's verbose name ("due_on" reads "Due on"), never the field's name."""
    try:
        if model is not None:
            field = model._meta.get_field(name)
            return capfirst(str(getattr(field, "verbose_name", name.replace("_", " "))))
    except FieldDoesNotExist:
        pass
    return name.replace("_", " ").capitalize()


def change_lines(
    changes: dict[str, Any], model: type[models.Model] | None = None
) -> list[tuple[str, str, str]]:
    """A history row's changes as (what, from, to), for those recorded with both values."""
    lines = []
    for name, value in changes.items():
        if isinstance(value, dict) and {"from", "to"} <= value.keys():
            before, after = (_shown(value[key]) for key in ("from", "to"))
            lines.append((field_words(model, name), before, after))
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{dt.date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            return value
    return "none" if value in ("", None) else str(value)


class Recommendation(Versioned):
    class Source(models.TextChoices):
        LOCAL_REVIEW = "local_review", "Local practice review"
        RAPID_REVIEW = "rapid_review", "Rapid review"
        NATIONAL_REVIEW = "national_review", "National review"
        INSPECTION = "inspection", "Inspection"
        AUDIT = "audit", "Audit"
        CHALLENGE_PANEL = "challenge_panel", "Challenge panel"

    source = models.CharField(max_length=20, choices=Source.choices)
    source_reference = models.CharField(
        "source title or reference", max_length=200, help_text="For example the review's name"
    )
    practice_review = models.ForeignKey(
        PracticeReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    rapid_review = models.ForeignKey(
        RapidReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    number = models.CharField(max_length=20, blank=True, help_text="Its number in the source")
    text = models.TextField("recommendation")
    for_partnership = models.BooleanField("addressed to the partnership", default=False)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    themes = models.ManyToManyField(Theme, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["source_reference", "number", "pk"]

    def __str__(self) -> str:
        number = f" {self.number}" if self.number else ""
        return f"{self.source_reference}{number}"

    @property
    def addressed_to(self) -> str:
        names = [agency.name for agency in self.agencies.all()]
        if self.for_partnership:
            names.insert(0, "The partnership")
        return ", ".join(names)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RecommendationUpdate(models.Model):
    """One change to a recommendation: who, when, what changed (from and to) and why."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def change_lines(self) -> list[tuple[str, str, str]]:
        return change_lines(self.changes or {}, Recommendation)

    @property
    def kind_words(self) -> str:
        return kind_words(self.kind)

    @property
    def changed_fields(self) -> list[str]:
        return [field_words(Recommendation, name) for name in self.changes or {}]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    ACHIEVED = "achieved", "Achieved (impact signed off)"
    WITHDRAWN = "withdrawn", "Withdrawn"


# GOV.UK tag colours; the text always says the status too.
STATUS_COLOURS = {
    ActionStatus.NOT_STARTED: "grey",
    ActionStatus.ON_TRACK: "green",
    ActionStatus.AT_RISK: "yellow",
    ActionStatus.OFF_TRACK: "red",
    ActionStatus.COMPLETED: "blue",
    ActionStatus.ACHIEVED: "purple",
    ActionStatus.WITHDRAWN: "grey",
}
OPEN_STATUSES = (
    ActionStatus.NOT_STARTED,
    ActionStatus.ON_TRACK,
    ActionStatus.AT_RISK,
    ActionStatus.OFF_TRACK,
)
LOCKED_STATUSES = (ActionStatus.COMPLETED, ActionStatus.ACHIEVED, ActionStatus.WITHDRAWN)


class ImpactAssessment(models.TextChoices):
    NOT_EVIDENCED = "not_evidenced", "Not evidenced"
    SOME_IMPACT = "some_impact", "Some impact"
    IMPACT_SHOWN = "impact_shown", "Impact shown"


class Action(Versioned):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_subgroup = models.ForeignKey(
        Subgroup, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    lead_person = models.CharField(max_length=200, blank=True)
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    completion_evidence = models.TextField(blank=True)
    impact_evidence = models.TextField(blank=True)
    impact_assessment = models.CharField(
        max_length=20, choices=ImpactAssessment.choices, default=ImpactAssessment.NOT_EVIDENCED
    )
    impact_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    impact_signed_off_at = models.DateTimeField(null=True, blank=True)
    impact_sign_off_basis = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_agency__isnull=False)
                | models.Q(owner_subgroup__isnull=False),
                name="partnership_action_has_an_owner",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner(self) -> str:
        return str(self.owner_agency or self.owner_subgroup or "")

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(ActionStatus(self.status), "grey")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def withdrawn(self) -> bool:
        return self.status == ActionStatus.WITHDRAWN

    @property
    def locked(self) -> bool:
        """Completed, signed off or withdrawn: its terms change only after an explicit re-open
        (a withdrawn action stays withdrawn)."""
        return self.status in LOCKED_STATUSES

    def overdue(self, today: dt.date) -> bool:
        return self.is_open and today > self.due_on


class ActionUpdate(models.Model):
    """One change to an action: who, when, what it became and why (the action's history)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def change_lines(self) -> list[tuple[str, str, str]]:
        return change_lines(self.changes or {}, Action)

    @property
    def kind_words(self) -> str:
        return kind_words(self.kind)

    @property
    def changed_fields(self) -> list[str]:
        return [field_words(Action, name) for name in self.changes or {}]
