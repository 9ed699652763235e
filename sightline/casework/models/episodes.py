"""A child's episode of need: from referral to closure, with its assessments, visits,
supervision and transfers between teams."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Team
from sightline.casework.models.codes import ClosureReason, PrimaryNeed
from sightline.core.versions import Versioned
from sightline.people.models import Person

USER = settings.AUTH_USER_MODEL


class Episode(models.Model):
    """One CIN episode (DfE census): opened by a referral, closed with a reason."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, help_text="DfE referral source code")
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    referral_nfa = models.BooleanField(
        default=False, help_text="The referral led to no further action (census flag)"
    )
    contact = models.OneToOneField(
        "frontdoor.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episode",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    lead_social_worker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="episodes_led"
    )
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)
    closure_summary = models.TextField(
        blank=True, help_text="What was done, what changed and why the episode can close"
    )
    closure_authorised_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referral_date"]
        indexes = [models.Index(fields=["child", "closure_date"])]
        permissions = [("work_cases", "Can record child in need and child protection work")]

    def __str__(self) -> str:
        return f"{self.child} from {self.referral_date:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class Assessment(Versioned):
    """A social work (s17) assessment, due 45 working days after the referral (T2)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    start_date = models.DateField()
    due_date = models.DateField()
    child_seen_date = models.DateField(null=True, blank=True)
    child_voice = models.TextField(blank=True, help_text="What the child said, in their words")
    factors = models.JSONField(default=list, blank=True, help_text="CIN assessment factor codes")
    outcome = models.TextField(blank=True)
    completed_date = models.DateField(null=True, blank=True)
    authorised_date = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_reason = models.TextField(blank=True)
    social_worker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"Assessment of {self.episode.child} from {self.start_date:%d %b %Y}"


class StatutoryVisit(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits")
    visit_date = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visit_date"]

    def __str__(self) -> str:
        return f"Visit to {self.episode.child} on {self.visit_date:%d %b %Y}"


class Supervision(models.Model):
    """Recorded management oversight of a case."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="supervisions")
    supervision_date = models.DateField()
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    discussion = models.TextField(blank=True)
    decisions = models.TextField()
    next_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-supervision_date"]

    def __str__(self) -> str:
        return f"Supervision of {self.episode.child} on {self.supervision_date:%d %b %Y}"


class CaseTransfer(models.Model):
    """A move of the case to another team, or a reallocation within its team (the same team
    on both sides, from one social worker to another)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="transfers")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    from_social_worker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    to_social_worker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_date = models.DateField()
    reason = models.TextField()
    transferred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-transfer_date"]

    def __str__(self) -> str:
        return f"{self.episode.child}: {self.from_team} to {self.to_team}"

    @property
    def within_team(self) -> bool:
        return self.from_team_id == self.to_team_id


class ClosureRequest(models.Model):
    """A social worker's request to close an episode, for a team manager to authorise."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a manager"
        AUTHORISED = "authorised", "Authorised"
        RETURNED = "returned", "Returned"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="closure_requests")
    closure_date = models.DateField()
    reason = models.CharField(max_length=3, choices=ClosureReason.choices)
    summary = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Closure of {self.episode.child} asked {self.requested_at:%d %b %Y}"


class LinkedContact(models.Model):
    """A front door referral about a child whose episode was already open: in the CIN census it
    is not a new referral (an episode has one), so it joins the open episode as a contact."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="linked_contacts")
    contact = models.OneToOneField(
        "frontdoor.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_episode",
    )
    contact_reference = models.CharField(max_length=40, unique=True)
    received_date = models.DateField()
    linked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_date"]

    def __str__(self) -> str:
        return f"Contact {self.contact_reference} on {self.episode}"
