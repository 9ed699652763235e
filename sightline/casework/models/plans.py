"""Child protection and child in need plans: SMART outcomes, versions and the core group."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.casework.models.codes import AbuseCategory
from sightline.casework.models.episodes import Episode
from sightline.casework.models.protection import Conference
from sightline.core.versions import Versioned

USER = settings.AUTH_USER_MODEL


class Plan(models.Model):
    class Kind(models.TextChoices):
        CP = "cp", "Child protection plan"
        CIN = "cin", "Child in need plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed"
        ENDED = "ended", "Ended"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=3, choices=Kind.choices)

    class EndedBecause(models.TextChoices):
        """Why a child protection plan ended. Working Together: a review conference decides it,
        unless the child moves to another local authority (whose transfer-in conference takes
        the plan over), turns 18 or dies. The CIN census records no reason for a plan's end,
        so there is no census code to map these to."""

        REVIEW_CONFERENCE = "review_conference", "A review conference decided the plan ends"
        MOVED = (
            "moved_authority",
            "The child moved to another local authority, whose transfer-in conference took "
            "over the plan",
        )
        TURNED_18 = "turned_18", "The child turned 18"
        DIED = "died", "The child died"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    ended_because = models.CharField(
        max_length=20,
        choices=EndedBecause.choices,
        blank=True,
        help_text="Why a child protection plan ended (blank for a child in need plan)",
    )
    receiving_authority = models.CharField(
        max_length=200,
        blank=True,
        help_text="The local authority that took over a child protection plan when the child moved",
    )
    ended_by_conference = models.ForeignKey(
        Conference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans_ended",
        help_text="The review conference that decided a child protection plan ends",
    )
    icpc = models.OneToOneField(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="plan"
    )
    initial_category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="The last confirmed version")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.episode.child} from {self.start_date:%d %b %Y}"


class PlanOutcome(Versioned):
    """One outcome: the concern, the action, who (person and agency), by when, and how
    success will be measured. A plan cannot be confirmed while any of these is missing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveIntegerField(default=0)
    concern = models.TextField()
    action = models.TextField()
    responsible_person = models.CharField(max_length=200)
    responsible_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_when = models.DateField(null=True, blank=True)
    success_measure = models.TextField()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.concern[:60]} ({self.responsible_person})"


class PlanVersion(models.Model):
    """What a plan said when it was confirmed (kept for every confirmation)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    outcomes = models.JSONField()
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan}, version {self.number}"


class CoreGroupMember(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="core_group")
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=200, help_text="For example: parent, health visitor, DSL")
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class CoreGroupMeeting(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="core_group_meetings")
    meeting_date = models.DateField()
    due_date = models.DateField()
    present = models.ManyToManyField(CoreGroupMember, related_name="meetings_attended", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting_date"]

    def __str__(self) -> str:
        return f"Core group for {self.plan.episode.child} on {self.meeting_date:%d %b %Y}"


class OutcomeProgress(models.Model):
    class Rating(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        ON_TRACK = "on_track", "On track"
        SOME_PROGRESS = "some", "Some progress"
        NO_PROGRESS = "none", "No progress"

    meeting = models.ForeignKey(CoreGroupMeeting, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.PROTECT, related_name="progress")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    note = models.TextField()

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_rating_display()}"
