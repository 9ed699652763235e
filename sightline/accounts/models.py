"""Agencies, their teams, users and the roles of DESIGN.md section 1; agency API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        HOSPITAL = "hospital", "NHS hospital trust"
        COMMUNITY_HEALTH = "community_health", "Community health"
        GP = "gp", "GP practice"
        SCHOOL = "school", "School"
        SOCIAL_CARE = "social_care", "Children's social care"
        PROBATION = "probation", "Probation"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    code = models.SlugField(
        max_length=40, unique=True, help_text="The agency's code in feeds and the API"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField(blank=True, help_text="Shared safeguarding inbox")
    phone = models.CharField(max_length=40, blank=True)
    out_of_hours_service = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who answers for the agency when its teams are closed (children's social "
        "care: the emergency duty team), as clinicians and partners are told",
    )
    out_of_hours_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.agency.name}"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Agency practitioner"
    UNSCHEDULED_CARE = "unscheduled_care", "Unscheduled-care clinician"
    IFD_PRACTITIONER = "ifd_practitioner", "Front door practitioner"
    IFD_MANAGER = "ifd_manager", "Front door manager"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Social work team manager"
    DRAM_COORDINATOR = "dram_coordinator", "DRAM and MARAC coordinator"
    PARTNERSHIP_OFFICER = "partnership_officer", "Partnership officer"
    SUBGROUP_CHAIR = "subgroup_chair", "Subgroup chair"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    ANALYST = "analyst", "Analyst"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance officer"
    ADMIN = "admin", "System administrator"


class Profession(models.TextChoices):
    """What the practitioner does; refines the DfE referral source of their contacts."""

    POLICE_OFFICER = "police_officer", "Police officer"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    MIDWIFE = "midwife", "Midwife"
    GP = "gp", "GP"
    ED_CLINICIAN = "ed_clinician", "Emergency department clinician"
    OTHER_HEALTH = "other_health", "Other health professional"
    DSL = "dsl", "Designated safeguarding lead"
    EDUCATION_SERVICES = "education_services", "Education services officer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    EARLY_HELP = "early_help", "Early help worker"
    PROBATION_OFFICER = "probation_officer", "Probation officer"
    YOUTH_JUSTICE = "youth_justice", "Youth justice worker"
    HOUSING_OFFICER = "housing_officer", "Housing officer"
    VOLUNTARY_WORKER = "voluntary_worker", "Voluntary sector worker"
    OTHER = "other", "Other"


SOCIAL_CARE_ROLES = frozenset(
    {Role.IFD_PRACTITIONER, Role.IFD_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
FRONT_DOOR_ROLES = frozenset({Role.IFD_PRACTITIONER, Role.IFD_MANAGER})


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PRACTITIONER)
    profession = models.CharField(
        max_length=30, choices=Profession.choices, default=Profession.OTHER
    )
    job_title = models.CharField(max_length=120, blank=True)
    is_agency_lead = models.BooleanField(
        "named agency lead",
        default=False,
        help_text="Answers the partnership's assurance requests and updates the actions it "
        "addresses to the user's agency (the rest of the agency's staff may only view them)",
    )
    phone = models.CharField(max_length=40, blank=True)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def works_in_social_care(self) -> bool:
        return self.role in SOCIAL_CARE_ROLES

    @property
    def works_at_front_door(self) -> bool:
        return self.role in FRONT_DOOR_ROLES


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-agency token for agency systems. Only its hash is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.prefix}"

    @staticmethod
    def new_secret() -> tuple[str, str]:
        prefix = secrets.token_hex(4)
        return prefix, f"sl_{prefix}_{secrets.token_urlsafe(32)}"

    @staticmethod
    def hash(token: str) -> str:
        return _hash_token(token)
