"""The chronology: every significant event, and each person it concerns in a role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from sightline.accounts.models import Agency
from sightline.core.dates import local_day
from sightline.people.models import Person


class EventType(models.TextChoices):
    # The agency feed vocabulary (DESIGN.md section 5)
    CONTACT = "contact", "Contact to the front door"
    ASSESSMENT_STARTED = "assessment_started", "Assessment started"
    ASSESSMENT_COMPLETED = "assessment_completed", "Assessment completed"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    S47_STARTED = "s47_started", "Section 47 enquiry started"
    ICPC = "icpc", "Initial child protection conference"
    CP_PLAN_STARTED = "cp_plan_started", "Child protection plan started"
    CP_PLAN_ENDED = "cp_plan_ended", "Child protection plan ended"
    CIN_PLAN_STARTED = "cin_plan_started", "Child in need plan started"
    CIN_PLAN_ENDED = "cin_plan_ended", "Child in need plan ended"
    EPISODE_CLOSED = "episode_closed", "Episode closed"
    DOMESTIC_ABUSE_INCIDENT = "domestic_abuse_incident", "Domestic abuse incident"
    INJURY_OBSERVED = "injury_observed", "Injury observed"
    ED_ATTENDANCE = "ed_attendance", "Emergency department attendance"
    APPOINTMENT_NOT_BROUGHT = "appointment_not_brought", "Appointment: was not brought"
    ADDRESS_CHANGE = "address_change", "Change of address"
    HOUSEHOLD_MEMBER_JOINED = "household_member_joined", "Someone joined the household"
    HOUSEHOLD_MEMBER_LEFT = "household_member_left", "Someone left the household"
    CUSTODY_RELEASE = "custody_release", "Release from custody"
    MATERNITY_BOOKING = "maternity_booking", "Maternity booking"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    SCHOOL_EXCLUSION = "school_exclusion", "School exclusion"
    # Casework steps recorded by Sightline itself
    MEDICAL_REQUESTED = "medical_requested", "Child protection medical requested"
    MEDICAL_COMPLETED = "medical_completed", "Child protection medical completed"
    RCPC = "rcpc", "Review child protection conference"
    PLAN_CONFIRMED = "plan_confirmed", "Plan confirmed"
    CORE_GROUP = "core_group", "Core group meeting"
    STATUTORY_VISIT = "statutory_visit", "Statutory visit"
    SUPERVISION = "supervision", "Supervision"
    CASE_TRANSFERRED = "case_transferred", "Case transferred"
    EPISODE_OPENED = "episode_opened", "Episode opened"
    S47_COMPLETED = "s47_completed", "Section 47 enquiry completed"
    # Front door steps recorded by Sightline itself
    CONTACT_DECIDED = "contact_decided", "Front door decision"
    DECISION_AWAITING_MANAGER = (
        "decision_awaiting_manager",
        "Front door decision waiting for a manager's agreement",
    )
    DECISION_SENT_BACK = "decision_sent_back", "Front door decision sent back by a manager"
    INFORMATION_REQUESTED = "information_requested", "Partner information requested"
    INFORMATION_SHARED = "information_shared", "Partner information shared"
    # Risk management meetings (DRAM, MARAC, exploitation meeting) recorded by Sightline
    RISK_MEETING_CASE = "risk_meeting_case", "Discussed at a risk management meeting"
    RISK_MEETING_ACTION = "risk_meeting_action", "Action agreed at a risk management meeting"


class Role(models.TextChoices):
    CHILD = "child", "Child"
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Alleged perpetrator"
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    CARER = "carer", "Carer"
    MEMBER = "member", "Household member"
    SUBJECT = "subject", "Subject"
    REFERRER = "referrer", "Referrer"


class Event(models.Model):
    type = models.CharField(max_length=40, choices=EventType.choices, db_index=True)
    # When it happened. A step recorded with a date only (has_time False) is stored at the start
    # of its day, UK time (core.dates): its time is never shown, and the chronology orders
    # it by occurred_on, the UK date, and then by the order things were recorded (id).
    occurred_at = models.DateTimeField(db_index=True)
    occurred_on = models.DateField()
    has_time = models.BooleanField(default=True, db_default=True)
    recorded_at = models.DateTimeField()
    summary = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    source = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    source_event_id = models.CharField(max_length=100, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    people = models.ManyToManyField(Person, through="Participant", related_name="events")

    class Meta:
        # The rules' order (risk.world relies on it); the chronology's own order, by date and
        # then by recording, is the timeline selector's (chronology.selectors.Timeline).
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_event_id"], name="event_unique_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.get_type_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Events are written by chronology.services (which sets the date); a row saved another
        # way, such as a test's, still gets the UK date of its moment.
        if self.occurred_on is None and self.occurred_at is not None:
            self.occurred_on = local_day(self.occurred_at)
        super().save(*args, **kwargs)


class Participant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Copied from the event so a person's timeline is one index range scan.
    occurred_at = models.DateTimeField()
    # The agency's record the person was named by in a feed (empty for events recorded in
    # Sightline itself): a split moves exactly the entries its records brought.
    source_record = models.ForeignKey(
        "people.SourceRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="participant_unique")
        ]
        indexes = [models.Index(fields=["person", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.event}"
