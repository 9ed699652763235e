"""The Integrated Front Door: contacts, partner information requests and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.people.models import Person


class ReferralSource(models.TextChoices):
    """DfE CIN census referral source codes (DOMAIN.md section 3)."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and friends)"
    SELF = "1C", "Individual: self"
    OTHER_INDIVIDUAL = "1D", "Individual: other"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    A_AND_E = "3E", "Health services: A&E"
    OTHER_HEALTH = "3F", "Health services: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services: social care"
    OTHER_INTERNAL = "5B", "LA services: other internal"
    OTHER_LA = "5C", "LA services: external, another LA"
    EARLY_HELP = "5D", "LA services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "The child is in immediate danger"
    TODAY = "today", "Something needs to happen today"
    NOT_URGENT = "not_urgent", "It is not urgent, but someone needs to know"


class Channel(models.TextChoices):
    PUBLIC = "public", "Public concern form"
    PRACTITIONER = "practitioner", "Practitioner form"
    API = "api", "Agency system"


class LawfulBasis(models.TextChoices):
    SAFEGUARDING = (
        "safeguarding",
        "Safeguarding children (Children Act 1989 and 2004, "
        "UK GDPR Art 6(1)(e), DPA 2018 Sch 8 para 4)",
    )
    CONSENT = "consent", "With the family's consent"
    VITAL_INTERESTS = "vital_interests", "To protect someone's life (vital interests)"
    LEGAL_OBLIGATION = "legal_obligation", "A legal duty to share"


class Consent(models.TextChoices):
    GIVEN = "given", "The family agreed to this referral"
    REFUSED = "refused", "The family refused, and I am sharing without consent"
    NOT_SOUGHT = "not_sought", "I did not ask, because asking could put the child at risk"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Contact(models.Model):
    class Status(models.TextChoices):
        AWAITING_DECISION = "awaiting", "Awaiting decision"
        AWAITING_AUTHORISATION = "authorising", "Awaiting manager authorisation"
        DECIDED = "decided", "Decided"

    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    decision_due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.AWAITING_DECISION, db_index=True
    )
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.NOT_URGENT)
    # The child, once identified; until then, what the reporter told us.
    child = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    child_details = models.JSONField(
        default=dict,
        blank=True,
        help_text="The child as described: names, date of birth or age, school, address, postcode",
    )
    household_details = models.TextField(blank=True)
    concern = models.TextField()
    child_voice = models.TextField(blank=True, help_text="What the child said, in their words")
    child_presentation = models.TextField(blank=True, help_text="How the child seemed")
    actions_taken = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    consent_detail = models.TextField(blank=True)
    # Who told us
    anonymous = models.BooleanField(default=False)
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_referred",
    )
    referrer_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts_referred"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_relationship = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referral_source = models.CharField(max_length=2, choices=ReferralSource.choices)
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The sending system's own id (API); makes resends safe",
    )
    # Work on the contact at the front door
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts_claimed",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(
        "chronology.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["decision_due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer_agency", "external_id"],
                condition=~models.Q(external_id=""),
                name="contact_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decision_due_at"]),
            models.Index(fields=["child", "received_at"]),
        ]
        permissions = [
            ("view_queue", "Can see the front door queue"),
            ("decide_contact", "Can decide the response to a contact"),
            ("authorise_decision", "Can authorise a front door decision"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_label(self) -> str:
        if self.child is not None:
            return self.child.full_name
        details = self.child_details or {}
        name = f"{details.get('given_name', '')} {details.get('family_name', '')}".strip()
        return name or "Child not yet identified"


class InformationRequest(models.Model):
    """A partner check: the front door asks an agency what it knows of the child and household."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="information_requests"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    answer = models.TextField(blank=True)
    known_to_agency = models.BooleanField(null=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "agency"], name="information_request_once_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact.reference} to {self.agency.name}"


class NeedLevel(models.TextChoices):
    L1 = "L1", "Level 1: Universal"
    L2 = "L2", "Level 2: Universal Partnership Plus"
    L3 = "L3", "Level 3: Targeted support (early help)"
    L4 = "L4", "Level 4: Statutory or specialist"


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action"
    ADVICE = "advice", "Advice or signposting"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care for assessment"
    STRATEGY = "strategy", "Immediate strategy discussion"


class Decision(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    level = models.CharField(max_length=2, choices=NeedLevel.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    needs_authorisation = models.BooleanField(default=False)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.contact.reference}: {self.get_outcome_display()}"
