"""Risk management meetings: DRAM, MARAC and the multi-agency child exploitation meeting.

One model serves all three (DOMAIN.md sections 1 and 5): a meeting has a kind, a date, a chair,
attendees by agency (each accepting the confidentiality statement) and apologies, and the cases
it discusses. Each case records the people concerned, what each agency shared, the risk level,
the safety plan, the actions (agency, named owner, what, whom it protects, due date, status)
and the decision to refer to MARAC or not, with its reason.

A referral (to MARAC, or to the exploitation meeting) records the criteria met, held as data
(`ReferralCriterion`), consent or why information is shared without it, whether the victim
knows, the safe contact details (a confidential detail: see `meetings.selectors.safe_contact`)
and the children of the victim and of the perpetrator with their schools.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.chronology.models import Event
from sightline.core.versions import Versioned
from sightline.people.models import Person

__all__ = [
    "AgencyShare",
    "CasePerson",
    "MeetingAction",
    "MeetingAttendee",
    "MeetingCase",
    "MeetingKind",
    "Referral",
    "ReferralChild",
    "ReferralCriterion",
    "RiskLevel",
    "RiskMeeting",
]


class MeetingKind(models.TextChoices):
    DRAM = "dram", "Daily risk assessment meeting (DRAM)"
    MARAC = "marac", "Multi-agency risk assessment conference (MARAC)"
    EXPLOITATION = "exploitation", "Multi-agency child exploitation meeting"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class RiskMeeting(Versioned):
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, db_index=True)
    held_on = models.DateField(db_index=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    minutes_due_on = models.DateField(null=True, blank=True)
    minutes_published_on = models.DateField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on.day} {self.held_on:%B %Y}"


class MeetingAttendee(models.Model):
    """Someone present for an agency (who accepted the confidentiality statement), or an
    agency's apologies."""

    meeting = models.ForeignKey(RiskMeeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings_attended",
    )
    name = models.CharField(max_length=200)
    present = models.BooleanField(default=True, help_text="False: the agency sent apologies")
    confidentiality_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-present", "agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class ReferralCriterion(models.Model):
    """One criterion a referral to a kind of meeting may meet (held as data, so the
    exploitation meeting's criteria can differ by partnership)."""

    class Evidence(models.TextChoices):
        NONE = "", "Nothing more"
        DASH = "dash", "A DASH score"
        REASONS = "reasons", "Reasons in the referrer's words"
        INCIDENTS = "incidents", "A count of incidents in 12 months"
        EARLIER_REFERRAL = "earlier_referral", "An earlier referral within 12 months"

    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    code = models.SlugField(max_length=40)
    wording = models.CharField(max_length=300)
    evidence = models.CharField(max_length=20, choices=Evidence.choices, blank=True)
    threshold = models.PositiveIntegerField(
        null=True, blank=True, help_text="DASH score or incident count needed (LOCAL)"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting_kind", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_kind", "code"], name="criterion_unique")
        ]

    def __str__(self) -> str:
        return self.wording


class Referral(models.Model):
    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused: shared without consent"
        NOT_SOUGHT = "not_sought", "Consent not sought: shared without consent"

    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    subject = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="meeting_referrals",
        help_text="The victim (MARAC) or the child (exploitation meeting)",
    )
    perpetrator = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_referrals"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    referred_at = models.DateTimeField(db_index=True)
    criteria = models.ManyToManyField(ReferralCriterion, related_name="referrals")
    dash_score = models.PositiveSmallIntegerField(null=True, blank=True)
    judgement_reasons = models.TextField(blank=True)
    incidents_in_12_months = models.PositiveSmallIntegerField(null=True, blank=True)
    concern = models.TextField(blank=True, help_text="What the referrer is worried about")
    consent = models.CharField(max_length=20, choices=Consent.choices)
    without_consent_reason = models.TextField(blank=True)
    victim_knows = models.BooleanField()
    # Confidential: read only through meetings.selectors.safe_contact.
    safe_contact = models.TextField(blank=True)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )

    class Meta:
        ordering = ["-referred_at", "-pk"]

    def __str__(self) -> str:
        day = self.referred_at.date()
        return f"Referral to {self.get_meeting_kind_display()} on {day.day} {day:%B %Y}"

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None


class ReferralChild(models.Model):
    class Of(models.TextChoices):
        VICTIM = "victim", "The victim's child"
        PERPETRATOR = "perpetrator", "The perpetrator's child"
        BOTH = "both", "Child of both"
        SUBJECT = "subject", "The child referred"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    of = models.CharField(max_length=20, choices=Of.choices)
    school = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_of_display()})"


class MeetingCase(Versioned):
    class MaracDecision(models.TextChoices):
        REFER = "refer", "Refer to MARAC"
        NOT_REFER = "not_refer", "Do not refer to MARAC"

    meeting = models.ForeignKey(RiskMeeting, on_delete=models.CASCADE, related_name="cases")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meeting_cases")
    incident = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_cases"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    listed_because = models.TextField(blank=True)
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    safety_plan = models.TextField(blank=True)
    marac_decision = models.CharField(max_length=20, choices=MaracDecision.choices, blank=True)
    marac_reason = models.TextField(blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Case {self.pk} at {self.meeting}"


class CasePerson(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        CHILD = "child", "Child"
        PERPETRATOR = "perpetrator", "Alleged perpetrator"

    case = models.ForeignKey(MeetingCase, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_person_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class AgencyShare(models.Model):
    """What one agency shared about a case at the meeting."""

    case = models.ForeignKey(MeetingCase, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared = models.TextField()

    class Meta:
        ordering = ["agency__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="agency_share_once")]

    def __str__(self) -> str:
        return f"What {self.agency} shared"


class MeetingAction(Versioned):
    class Protects(models.TextChoices):
        VICTIM = "victim", "The victim"
        CHILD = "child", "The child or children"
        PERPETRATOR = "perpetrator", "Work with the perpetrator"

    class Status(models.TextChoices):
        OPEN = "open", "Not yet reviewed"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"
        NOT_POSSIBLE = "not_possible", "Not possible: circumstances changed"

    case = models.ForeignKey(MeetingCase, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    what = models.TextField()
    protects = models.CharField(max_length=20, choices=Protects.choices)
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(blank=True)
    status_on = models.DateField(null=True, blank=True)
    reviewed_at_meeting = models.ForeignKey(
        RiskMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def outstanding(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.NOT_DONE)
