"""Child protection: strategy discussions, S47 enquiries, medicals and conferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.casework.models.codes import AbuseCategory
from sightline.casework.models.episodes import Episode

USER = settings.AUTH_USER_MODEL


class StrategyDiscussion(models.Model):
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    information_shared = models.TextField()
    missing_agency_reason = models.TextField(
        blank=True, help_text="Why children's social care, police or health was not there"
    )
    s47_decided = models.BooleanField(help_text="Section 47 enquiries to start")
    rationale = models.TextField(blank=True)
    safety_plan = models.TextField(blank=True, help_text="Keeping the child safe until conference")
    chaired_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"Strategy discussion for {self.episode.child} on {self.held_at:%d %b %Y}"


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.agency})"


class AgreedAction(models.Model):
    """An action agreed at a strategy discussion or a core group: who does what by when."""

    discussion = models.ForeignKey(
        StrategyDiscussion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    core_group = models.ForeignKey(
        "casework.CoreGroupMeeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    action = models.TextField()
    owner = models.CharField(max_length=200)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    done_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.action[:60]} ({self.owner}, by {self.due_date:%d %b %Y})"


class S47Enquiry(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="s47_enquiries")
    strategy_discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    start_date = models.DateField()
    icpc_target_date = models.DateField(help_text="15 working days after the strategy discussion")
    completed_date = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField(default=False)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"

    def __str__(self) -> str:
        return f"S47 enquiry for {self.episode.child} from {self.start_date:%d %b %Y}"


class MedicalRequest(models.Model):
    """A child protection medical: what the paediatrician needs to know, and the outcome."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="medicals")
    s47 = models.ForeignKey(
        S47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="medicals"
    )
    requested_at = models.DateTimeField()
    injury = models.TextField(help_text="The injury or concern: where, what it looks like")
    history = models.TextField(help_text="The explanation given, by whom, and when")
    parental_responsibility = models.TextField(help_text="Who has parental responsibility")
    previous_concerns = models.TextField(blank=True)
    paediatrician = models.CharField(max_length=200, blank=True)
    examined_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Medical for {self.episode.child} requested {self.requested_at:%d %b %Y}"


class Conference(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial child protection conference"
        REVIEW = "review", "Review child protection conference"

    class Decision(models.TextChoices):
        CP_PLAN = "cp_plan", "Child protection plan"
        NO_PLAN = "no_plan", "No child protection plan"
        CONTINUE = "continue", "Plan continues"
        END = "end", "Plan ends"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    s47 = models.OneToOneField(
        S47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="icpc"
    )
    conference_date = models.DateField()
    due_date = models.DateField()
    child_wishes = models.TextField(blank=True, help_text="The child's wishes and feelings")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    lead_social_worker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chair = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-conference_date"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} for {self.episode.child}, {self.conference_date:%d %b %Y}"
        )


class ConferenceAttendee(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    attended = models.BooleanField(default=True)
    report_submitted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.agency}) at {self.conference}"
