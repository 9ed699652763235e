"""The demo district's risk meetings: a year of DRAMs and monthly MARACs.

Written through the meetings' own services with the clock set to each meeting (as the rest of
the demo is), from the year's police domestic abuse incidents: each working day with something
on its agenda has its DRAM (attendees, what the police shared, the risk, the safety plan, the
MARAC decision, an action for a police officer); each case referred has its MARAC referral,
heard at the next monthly MARAC, which reviews the actions outstanding and publishes its minutes
within 3 working days (the latest MARAC's minutes may still be due). Deterministic for a given
district and day: choices come from a seeded `Synthetic`.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core.working_days import LONDON, add_working_days, is_working_day
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.synthetic import Synthetic
from sightline.sharing.meetings import services
from sightline.sharing.meetings.agenda import dram_agenda
from sightline.sharing.meetings.models import (
    MeetingAction,
    MeetingKind,
    Referral,
    ReferralCriterion,
    RiskMeeting,
)

DRAM_WORKING_DAYS = 250  # a year of working days: a DRAM on each with something to discuss
MARAC_MONTHS = 12

SAFETY_PLANS = (
    "Refuge space offered; police marker placed on the address; IDVA to call within 24 hours.",
    "Victim staying with family; target hardening requested; school asked to agree a safe adult.",
    "Bail conditions confirmed; panic alarm fitted; health visitor to see the victim alone.",
)
ACTIONS = (
    ("Tell the children's school and agree a safe adult for each child.", "child"),
    ("Fit a door alarm and place a marker on the address.", "victim"),
    ("Check bail conditions and tell the victim of any change.", "perpetrator"),
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


class _Meetings:
    def __init__(self, seed: int) -> None:
        self.s = Synthetic(seed)
        self.today = timezone.localdate()
        self.coordinator = User.objects.get(username="dram.coordinator")
        police = Agency.objects.filter(kind=Agency.Kind.POLICE, active=True).order_by("pk")
        self.police = police.first()
        self.officers = list(
            User.objects.filter(
                agency=self.police, role=Role.PRACTITIONER, is_active=True
            ).order_by("pk")
        )
        self.csc = Agency.objects.filter(kind=Agency.Kind.SOCIAL_CARE).order_by("pk").first()
        self.dash = ReferralCriterion.objects.get(meeting_kind="marac", code="dash")
        self.judgement = ReferralCriterion.objects.get(meeting_kind="marac", code="judgement")

    def on(self, moment: dt.datetime) -> DemoClock:
        return DemoClock(min(moment, timezone.now()))

    def days(self) -> list[dt.date]:
        found: list[dt.date] = []
        day = self.today - dt.timedelta(days=1)
        while len(found) < DRAM_WORKING_DAYS:
            if is_working_day(day):
                found.append(day)
            day -= dt.timedelta(days=1)
        return sorted(found)

    def attend(self, meeting: RiskMeeting) -> None:
        assert self.police is not None
        services.attendee_record(
            actor=self.coordinator,
            meeting=meeting,
            agency=self.police,
            name=self.coordinator.get_full_name(),
            user=self.coordinator,
            present=True,
            confidentiality_accepted=True,
        )
        if self.csc is not None:
            services.attendee_record(
                actor=self.coordinator,
                meeting=meeting,
                agency=self.csc,
                name="Front door duty manager",
                present=self.s.chance(0.8),
                confidentiality_accepted=True,
            )

    def dram(self, day: dt.date) -> None:
        if not dram_agenda(day):
            return
        with clock_set(self.on(_at(day, 9, 30))):
            meeting = services.risk_meeting_create(
                actor=self.coordinator, kind=MeetingKind.DRAM, held_on=day, chair=self.coordinator
            )
            self.attend(meeting)
            for case in meeting.cases.select_related("incident", "subject"):
                self.discuss(case, day)

    def discuss(self, case, day: dt.date) -> None:  # type: ignore[no-untyped-def]
        details = case.incident.details if case.incident is not None else {}
        dash = int(details.get("dash_yes_count") or 0)
        refer = dash >= 14 or str(details.get("risk_level")) == "high"
        assert self.police is not None
        services.meeting_case_record(
            actor=self.coordinator,
            case=case,
            version=None,
            risk_level="high" if refer else "medium",
            safety_plan=SAFETY_PLANS[self.s.randrange(0, len(SAFETY_PLANS))],
            shares={self.police: "Police attended; previous call-outs to the address this year."},
            marac_decision="refer" if refer else "not_refer",
            marac_reason=(
                f"DASH {dash}: visible high risk."
                if refer and dash >= 14
                else "Assessed high risk by the attending officer."
                if refer
                else "Repeated incidents below the MARAC threshold: IDVA support, review at DRAM."
            ),
        )
        if self.officers:
            what, protects = ACTIONS[self.s.randrange(0, len(ACTIONS))]
            action = services.meeting_action_add(
                actor=self.coordinator,
                case=case,
                agency=self.police,
                owner=self.officers[self.s.randrange(0, len(self.officers))],
                what=what,
                protects=protects,
                due_on=add_working_days(day, self.s.randint(2, 7)),
            )
            self.owner_reports(action)
        if refer and not Referral.objects.filter(subject=case.subject).exists():
            self.refer(case, dash)

    def owner_reports(self, action: MeetingAction) -> None:
        """Most owners record their action done by its due date; a few are left overdue."""
        if action.due_on >= self.today or self.s.chance(0.1):
            return
        with clock_set(self.on(_at(action.due_on, 16))):
            services.meeting_action_review(
                actor=action.owner,
                action=action,
                version=None,
                status=MeetingAction.Status.DONE,
                note="",
            )

    def refer(self, case, dash: int) -> None:  # type: ignore[no-untyped-def]
        consent = "given" if self.s.chance(0.7) else "not_sought"
        services.referral_create(
            actor=self.coordinator,
            meeting_kind=MeetingKind.MARAC,
            subject=case.subject,
            criteria=[self.dash] if dash >= 14 else [self.judgement],
            dash_score=dash if dash >= 14 else None,
            judgement_reasons="" if dash >= 14 else "The attending officer assessed it high risk.",
            consent=consent,
            without_consent_reason=(
                ""
                if consent == "given"
                else "Seeking consent would raise the risk of serious harm."
            ),
            victim_knows=consent == "given",
            safe_contact="Call the IDVA service first; the victim will ring back when safe.",
        )

    def maracs(self) -> None:
        for months_ago in range(MARAC_MONTHS, 0, -1):
            first = self.today.replace(day=1) - relativedelta(months=months_ago)
            thursdays = [
                first + dt.timedelta(days=d)
                for d in range(28)
                if (first + dt.timedelta(days=d)).weekday() == 3
            ]
            day = thursdays[1]
            if not is_working_day(day):
                day = add_working_days(day, 1)
            if day >= self.today:
                continue
            waiting = Referral.objects.filter(
                meeting_kind=MeetingKind.MARAC, cases__isnull=True, referred_at__lt=_at(day, 9)
            ).order_by("referred_at", "pk")
            if not waiting.exists():
                continue
            with clock_set(self.on(_at(day, 10))):
                meeting = services.risk_meeting_create(
                    actor=self.coordinator,
                    kind=MeetingKind.MARAC,
                    held_on=day,
                    chair=self.coordinator,
                )
                self.attend(meeting)
                for referral in list(waiting):
                    services.referral_list_at(
                        actor=self.coordinator, meeting=meeting, referral=referral
                    )
                for action in services.outstanding_actions(meeting=meeting):
                    if action.due_on < day:
                        services.meeting_action_review(
                            actor=self.coordinator,
                            action=action,
                            version=None,
                            status=MeetingAction.Status.DONE,
                            note="",
                            meeting=meeting,
                        )
                for case in meeting.cases.select_related("incident", "subject"):
                    self.discuss_marac(case)
            published = add_working_days(day, 2)
            if published < self.today:
                with clock_set(self.on(_at(published, 15))):
                    services.minutes_publish(
                        actor=self.coordinator,
                        meeting=meeting,
                        version=None,
                        minutes="Each case discussed; actions agreed with named owners.",
                    )

    def discuss_marac(self, case) -> None:  # type: ignore[no-untyped-def]
        assert self.police is not None
        services.meeting_case_record(
            actor=self.coordinator,
            case=case,
            version=None,
            risk_level="high",
            safety_plan=SAFETY_PLANS[self.s.randrange(0, len(SAFETY_PLANS))],
            shares={self.police: "Incidents at the address in the last year shared."},
        )
        if self.officers:
            action = services.meeting_action_add(
                actor=self.coordinator,
                case=case,
                agency=self.police,
                owner=self.officers[self.s.randrange(0, len(self.officers))],
                what="Flag the address for an urgent response and review at the next MARAC.",
                protects="victim",
                due_on=add_working_days(case.meeting.held_on, 10),
            )
            self.owner_reports(action)


@transaction.atomic
def load_meetings_demo(*, seed: int = 11) -> None:
    """Write the demo's DRAMs and MARACs (once: a second call does nothing)."""
    if RiskMeeting.objects.exists() or not User.objects.filter(username="dram.coordinator"):
        return
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        demo = _Meetings(seed)
        for day in demo.days():
            demo.dram(day)
        demo.maracs()
