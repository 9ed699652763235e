"""Casework history for the demo district: episodes from referral to closure over at least two
full census years ending today, so the CIN census and Annex A lists have something to show.

Referrals of the last year are the front door's own referral decisions: an episode opened
from one links the contact and takes its received date and source. Older referrals are drawn
here, at the same yearly rate, from the households that worry agencies, with a year before
the first full census year so plans are already open on its first day.

Each episode is planned in memory, step by step, by the rules the casework services enforce
(DOMAIN.md sections 2 and 3): every date on or after the referral and never after today;
conferences on working days; a CP plan from its ICPC date; no CIN plan overlapping a CP plan;
one open episode, assessment, S47 enquiry, CP plan and CIN plan per child; RC8 and RC9 only
after an assessment with no plan or S47; factor 21 alone. The rows are then written with
`bulk_create`, with the chronology events the services would have written (same types, times
and details, plus the episode's key), recorded when they happened. A referral that arrives
while the child's episode is open joins that episode and starts a new assessment.

The front door year's replay puts bare assessment and closure events on the chronology for
its referrals; they are replaced by the events of the episodes built here, so the chronology
and the casework records say the same thing. Proportions follow Bradford scaled to the
district and England's rates (DOMAIN.md section 8): about 86% of assessments within 45
working days, about 81% of ICPCs within 15 working days of the S47 start.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, Team, User
from sightline.casework.models import (
    ASSESSMENT_FACTORS,
    AbuseCategory,
    AgreedAction,
    Assessment,
    CaseTransfer,
    ClosureReason,
    Conference,
    ConferenceAttendee,
    CoreGroupMeeting,
    CoreGroupMember,
    Episode,
    LinkedContact,
    MedicalRequest,
    OutcomeProgress,
    Plan,
    PlanOutcome,
    PlanVersion,
    S47Enquiry,
    StatutoryVisit,
    StrategyAttendee,
    StrategyDiscussion,
    Supervision,
)
from sightline.casework.services.episodes import REFERRAL_SOURCES
from sightline.chronology.models import Event, EventType, Participant
from sightline.core import audit
from sightline.core.dates import add_months, local_day, occurrence
from sightline.core.working_days import LONDON, add_working_days, is_working_day
from sightline.demo.organisations import LOADER, NORTH, Staff, _new_user
from sightline.demo.population import District, Home, Someone
from sightline.demo.synthetic import SEED, Synthetic
from sightline.frontdoor.models import Contact
from sightline.people.models import HouseholdMember, Person, Relationship, SourceRecord
from sightline.people.names import name_key

ASSESSMENT_ON_TIME = 0.857  # England 2025: assessments within 45 working days
ICPC_ON_TIME = 0.814  # England 2025: ICPC within 15 working days of the S47 start
OLDER_SOURCES = {
    "6": 0.29,
    "2A": 0.18,
    "3A": 0.03,
    "3B": 0.04,
    "3E": 0.04,
    "3F": 0.03,
    "5A": 0.03,
    "5C": 0.02,
    "5D": 0.05,
    "1A": 0.05,
    "1B": 0.02,
    "1C": 0.01,
    "4": 0.03,
    "7": 0.04,
    "8": 0.06,
    "9": 0.06,
    "10": 0.02,
}
FACTOR_POOLS = {
    "domestic_abuse": ["3B", "3A", "3C", "4B", "1B"],
    "neglect": ["16A", "2B", "1B", "4B", "5B"],
    "parental_mental_health": ["4B", "6B", "7A", "17A"],
    "substance_misuse": ["2B", "1B", "2C", "16A"],
    "adolescent_risk": ["10A", "24A", "11A", "14A", "13A", "4A", "15A"],
    "physical_harm": ["18C", "17A", "3B"],
    "housing_and_poverty": ["20", "16A", "6B"],
    "none": ["20", "4B", "6A", "5A", "14A", "6B"],
}
CATEGORY_FACTOR = {"NEG": "16A", "EMO": "17A", "PHY": "18C", "SAB": "19C"}
CATEGORIES = {
    "domestic_abuse": {"EMO": 0.7, "MUL": 0.2, "PHY": 0.1},
    "neglect": {"NEG": 0.9, "MUL": 0.1},
    "physical_harm": {"PHY": 0.7, "MUL": 0.3},
    "adolescent_risk": {"SAB": 0.3, "EMO": 0.3, "PHY": 0.2, "NEG": 0.2},
    "substance_misuse": {"NEG": 0.8, "MUL": 0.2},
    "parental_mental_health": {"EMO": 0.5, "NEG": 0.5},
}
DEFAULT_CATEGORIES = {"NEG": 0.5, "EMO": 0.3, "MUL": 0.1, "PHY": 0.06, "SAB": 0.04}
NEEDS = {"N1": 0.5, "N2": 0.06, "N3": 0.07, "N4": 0.12, "N5": 0.13, "N6": 0.07, "N8": 0.03}
NEEDS_FOR_THEME = {"adolescent_risk": "N6", "housing_and_poverty": "N4"}
CONCERNS = {
    "NEG": "The children's basic care (food, warmth, hygiene, health appointments) is not met",
    "EMO": "The child lives with conflict and is frightened at home",
    "PHY": "The child has been physically hurt by an adult at home",
    "SAB": "The child has been sexually harmed and remains at risk",
    "MUL": "The child is harmed by neglect and by the conflict at home",
}
LATE_REASONS = [
    "The family did not keep three planned visits; the child was seen on the fourth.",
    "Waiting for the paediatric and CAMHS reports needed to complete the analysis.",
    "The allocated social worker was absent; the case was reallocated.",
    "The family moved address during the assessment.",
]
OUTCOMES = {
    "nfa": "Needs met by the family with universal services; no further action.",
    "early_help": "Needs can be met by a family support worker: stepped down to early help.",
    "cin": "Child in need: a child in need plan with the family and partner agencies.",
    "s47": "Significant harm found: continues under the child protection plan.",
    "close": "Concerns addressed during the assessment; services ceased.",
    "update": "Updated assessment after a new referral; the current plan continues.",
}
CHILD_WORDS = [
    "I like it when Mum takes me to the park.",
    "I don't like the shouting at night.",
    "School is OK, I have a best friend there.",
    "I want things to be calmer at home.",
    "Sometimes there isn't anything for tea.",
]
CLOSE_AFTER_PLAN = {"RC7": 0.82, "RC5": 0.07, "RC3": 0.05, "RC4": 0.06}


def census_year(day: dt.date) -> int:
    """The census year (1 April to 31 March) a day falls in, by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def history_start(today: dt.date) -> dt.date:
    """A year before the earlier of the two full census years that end on or before today."""
    first_full = census_year(today - dt.timedelta(days=364)) - 1
    return dt.date(first_full - 1, 4, 1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """When a demo worker recorded a step: the order `_events` writes steps in. A step with a
    date only is still stored at the start of its day (`core.dates.date_only_moment`)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _wd(day: dt.date, count: int) -> dt.date:
    return add_working_days(day, count)


def _agency(user: User) -> Agency:
    assert user.agency is not None, f"{user} belongs to an agency"
    return user.agency


def _wd_before(day: dt.date) -> dt.date:
    """The last working day on or before `day`."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


@dataclass
class Arrival:
    """A referral of a child to social care: from the front door's year, or drawn here."""

    day: dt.date
    source: str
    contact: Contact | None = None
    strategy: bool = False


# The casework steps recorded with their time, as the services record them; every other step
# is recorded by date only, and its `at` is only when it was recorded (the chronology's order).
TIMED_STEPS = frozenset(
    {"strategy_discussion", "medical_requested", "medical_completed", "plan_confirmed"}
)


@dataclass
class _Pending:
    """An event to write once the episode has its key."""

    type: str
    at: dt.datetime
    summary: str
    child: Person
    actor: User
    episode: Episode
    details: dict[str, Any]


@dataclass
class Rows:
    episodes: list[Episode] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    discussions: list[StrategyDiscussion] = field(default_factory=list)
    strategy_attendees: list[StrategyAttendee] = field(default_factory=list)
    actions: list[AgreedAction] = field(default_factory=list)
    s47s: list[S47Enquiry] = field(default_factory=list)
    medicals: list[MedicalRequest] = field(default_factory=list)
    conferences: list[Conference] = field(default_factory=list)
    conference_attendees: list[ConferenceAttendee] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    outcomes: list[PlanOutcome] = field(default_factory=list)
    versions: list[PlanVersion] = field(default_factory=list)
    members: list[CoreGroupMember] = field(default_factory=list)
    meetings: list[CoreGroupMeeting] = field(default_factory=list)
    present: list[tuple[CoreGroupMeeting, list[CoreGroupMember]]] = field(default_factory=list)
    progress: list[OutcomeProgress] = field(default_factory=list)
    visits: list[StatutoryVisit] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)
    transfers: list[CaseTransfer] = field(default_factory=list)
    linked: list[LinkedContact] = field(default_factory=list)
    events: list[_Pending] = field(default_factory=list)


class _Stop(Exception):
    """The next step of an episode would be after today: the episode is still open."""


class _Case:
    """One episode, planned step by step in date order; steps after today never happen."""

    def __init__(self, history: CaseworkHistory, child: Person, home: Home, arrival: Arrival):
        self.h = history
        self.r = history.r
        self.child = child
        self.home = home
        self.member = history.members[child.pk]
        self.unborn = child.kind == Person.Kind.UNBORN
        self.today = history.today
        born = child.date_of_birth
        self.adult_on = (
            dt.date(born.year + 18, born.month, 28 if born.day > 28 else born.day)
            if born
            else dt.date.max
        )
        self.assessment_team = history.north if home.area in NORTH else history.south
        self.team = self.assessment_team
        self.lead = history.worker(self.team)
        self.episode = Episode(
            child=child,
            referral_date=arrival.day,
            referral_source=arrival.source,
            primary_need=self._need(arrival),
            contact=arrival.contact,
            team=self.team,
            lead_social_worker=self.lead,
            created_by=history.managers[self.team.pk],
            created_at=_at(arrival.day, 13),
        )
        self.rows = history.rows
        self.rows.episodes.append(self.episode)
        self.assessments: list[Assessment] = []
        self.finished: list[dt.date] = [arrival.day]  # when each piece of work ended
        self.plan_spans: list[tuple[Plan, dt.date, dt.date | None]] = []
        self.s47_started = False
        self.planned = False
        self.closure: tuple[dt.date, str] | None = None
        if arrival.contact is None:
            self._event(
                EventType.CONTACT,
                _at(arrival.day, 12),
                f"Referral to children's social care ({REFERRAL_SOURCES[arrival.source]}).",
                self.lead,
                referral_source=arrival.source,
                outcome="referral",
            )
        self._event(
            EventType.EPISODE_OPENED,
            _at(arrival.day, 13),
            f"Episode of need opened with {self.team.name} for the referral of "
            f"{arrival.day.day} {arrival.day:%B %Y}; lead social worker "
            f"{self.lead.get_full_name()}.",
            self.lead,
            contact_reference=arrival.contact.reference if arrival.contact else "",
        )

    # Helpers -------------------------------------------------------------------------------
    def _need(self, arrival: Arrival) -> str:
        if arrival.strategy or self.unborn:
            return "N1"
        return NEEDS_FOR_THEME.get(self.home.theme) or self.h.pick(NEEDS)

    def _event(
        self, event_type: str, at: dt.datetime, summary: str, actor: User, **details: Any
    ) -> None:
        self.rows.events.append(
            _Pending(event_type, at, summary, self.child, actor, self.episode, details)
        )

    def happened(self, day: dt.date) -> dt.date:
        if day > self.today:
            raise _Stop
        return day

    def age_on(self, day: dt.date) -> int:
        if self.unborn:
            return -1
        return self.child.age_on(day) or 0

    @property
    def manager(self) -> User:
        return self.h.managers[self.team.pk]

    def transfer(self, day: dt.date, team: Team, reason: str) -> None:
        if team.pk == self.team.pk:
            return
        worker = self.h.worker(team)
        self.rows.transfers.append(
            CaseTransfer(
                episode=self.episode,
                from_team=self.team,
                from_social_worker=self.lead,
                to_team=team,
                to_social_worker=worker,
                transfer_date=day,
                reason=reason,
                transferred_by=self.manager,
                created_at=_at(day, 12),
            )
        )
        self._event(
            EventType.CASE_TRANSFERRED,
            _at(day, 12),
            f"Case transferred from {self.team.name} to {team.name}.",
            self.manager,
            from_team=self.team.name,
            to_team=team.name,
        )
        self.team, self.lead = team, worker
        self.episode.team, self.episode.lead_social_worker = team, worker

    # Assessments ---------------------------------------------------------------------------
    def assessment(self, start: dt.date, counted_from: dt.date, outcome: str) -> Assessment:
        """An assessment from `start`, due 45 working days after `counted_from`."""
        self.happened(start)
        due = _wd(counted_from, 45)
        if self.r.random() < ASSESSMENT_ON_TIME:
            took = min(45, max(8, round(self.r.gauss(33, 8))))
        else:
            took = self.r.randint(46, 75)
        completed = max(_wd(counted_from, took), _wd(start, 5))
        seen = None if self.unborn else _wd(start, self.r.randint(0, 4))
        assessment = Assessment(
            episode=self.episode,
            start_date=start,
            due_date=due,
            child_seen_date=seen if seen and seen <= min(completed, self.today) else None,
            child_voice=self.r.choice(CHILD_WORDS) if self.age_on(start) >= 4 else "",
            social_worker=self.lead,
            created_by=self.lead,
            created_at=_at(start, 12),
        )
        self.rows.assessments.append(assessment)
        self.assessments.append(assessment)
        self._event(
            EventType.ASSESSMENT_STARTED,
            _at(start, 12),
            f"Social work assessment started; due {due.day} {due:%B %Y}.",
            self.lead,
            due_date=due.isoformat(),
        )
        if completed > self.today:
            return assessment
        factors = self._factors(outcome)
        assessment.factors = factors
        assessment.outcome = OUTCOMES[outcome]
        assessment.completed_date = assessment.authorised_date = completed
        assessment.authorised_by = self.manager
        if completed > due:
            assessment.late_reason = self.r.choice(LATE_REASONS)
        self.finished.append(completed)
        self._event(
            EventType.ASSESSMENT_COMPLETED,
            _at(completed, 12),
            f"Social work assessment completed and authorised: {OUTCOMES[outcome]}",
            self.manager,
            factors=factors,
            due_date=due.isoformat(),
            late=completed > due,
        )
        return assessment

    def _factors(self, outcome: str) -> list[str]:
        if outcome in ("nfa", "close") and self.r.random() < 0.3:
            return ["21"]  # no factors identified, never with another code
        pool = FACTOR_POOLS.get(self.home.theme, FACTOR_POOLS["none"])
        chosen = set(self.r.sample(pool, self.r.randint(1, min(3, len(pool)))))
        if self.unborn:
            chosen = {code for code in chosen if not code.endswith("A")} or {"4B"}
        return sorted(chosen, key=list(self.h.factor_order).index)

    def completed_on(self, assessment: Assessment) -> dt.date:
        if assessment.completed_date is None:
            raise _Stop
        return assessment.completed_date

    # Child protection ----------------------------------------------------------------------
    def protection(
        self, day: dt.date, s47_likely: float = 0.9, force: str = ""
    ) -> tuple[str, dt.date]:
        """A strategy discussion on `day`: ('cp', icpc), ('no_plan', icpc), ('no_icpc',
        S47 end) or ('no_s47', day). Raises _Stop when the outcome is still to come."""
        day = self.happened(_wd(day, 0))
        hour = self.r.randint(9, 15)
        held = _at(day, hour, self.r.choice((0, 15, 30, 45)))
        s47 = bool(force) or self.r.random() < s47_likely
        school = self.member.school
        people = [
            (self.h.csc, self.lead.get_full_name(), "Social worker"),
            (self.h.police, self.h.police_officer().get_full_name(), "Police officer"),
        ]
        health = self.h.health_professional(self.home, self.child, day)
        missing = ""
        if self.r.random() < 0.08:
            missing = "The health visitor was on leave and no cover was available on the day."
        else:
            people.append((_agency(health), health.get_full_name(), health.job_title or "Health"))
        if school and not self.unborn:
            dsl = self.h.staff.dsl(school)
            people.append((_agency(dsl), dsl.get_full_name(), "Designated safeguarding lead"))
        discussion = StrategyDiscussion(
            episode=self.episode,
            held_at=held,
            information_shared="Police checks, health records and the school's chronology "
            "were shared; the family's previous involvement with social care was reviewed.",
            missing_agency_reason=missing,
            s47_decided=s47,
            rationale="Reasonable cause to suspect the child is suffering, or likely to "
            "suffer, significant harm."
            if s47
            else "Concerns can be assessed with the family's agreement under section 17.",
            safety_plan="The child stays with the non-abusing parent; no unsupervised contact "
            "with the alleged perpetrator until the conference."
            if s47
            else "",
            chaired_by=self.manager,
            created_at=held,
        )
        self.rows.discussions.append(discussion)
        for agency, name, role in people:
            self.rows.strategy_attendees.append(
                StrategyAttendee(discussion=discussion, agency=agency, name=name, role=role)
            )
        for agency, owner, text, after in (
            (self.h.police, people[1][1], "Complete police checks on every adult", 1),
            (self.h.csc, self.lead.get_full_name(), "See the child and the parents", 1),
        ):
            due = _wd(day, after)
            self.rows.actions.append(
                AgreedAction(
                    discussion=discussion,
                    action=text,
                    owner=owner,
                    owner_agency=agency,
                    due_date=due,
                    done_date=due if due <= self.today else None,
                )
            )
        codes = sorted({agency.code for agency, _, _ in people})
        self._event(
            "strategy_discussion",
            held,
            "Strategy discussion: section 47 enquiries to start"
            if s47
            else "Strategy discussion: no section 47 enquiries",
            self.manager,
            attendees=codes,
            s47=s47,
        )
        if not s47:
            self.finished.append(day)
            return "no_s47", day
        self.s47_started = True
        target = _wd(day, 15)
        enquiry = S47Enquiry(
            episode=self.episode,
            strategy_discussion=discussion,
            start_date=day,
            icpc_target_date=target,
            created_by=self.lead,
            created_at=held,
        )
        self.rows.s47s.append(enquiry)
        self._event(
            "s47_started",
            held + dt.timedelta(minutes=1),
            f"Section 47 enquiry started; ICPC due by {target.day} {target:%B %Y}",
            self.lead,
        )
        category = self.h.pick(CATEGORIES.get(self.home.theme, DEFAULT_CATEGORIES))
        if category in ("PHY", "SAB") and not self.unborn and self.r.random() < 0.6:
            self._medical(day, enquiry, category)
        icpc_likely = 0.95 if self.unborn else 0.68
        if force == "no_icpc" or (not force and self.r.random() >= icpc_likely):
            end = self.happened(_wd(day, self.r.randint(5, 15)))
            enquiry.completed_date = end
            enquiry.icpc_not_required = True
            enquiry.outcome = "Concerns not substantiated: no conference needed; the child's "
            enquiry.outcome += "needs will be met under section 17."
            self._s47_completed(enquiry, end)
            self.finished.append(end)
            return "no_icpc", end
        after = self.r.randint(7, 15) if self.r.random() < ICPC_ON_TIME else self.r.randint(16, 28)
        icpc_day = self.happened(_wd(day, after))
        enquiry.completed_date = icpc_day
        enquiry.outcome = "Significant harm substantiated: initial conference convened."
        self._s47_completed(enquiry, icpc_day)
        decision = force or ("cp_plan" if self.r.random() < 0.9 or self.unborn else "no_plan")
        self._conference(
            "initial",
            icpc_day,
            target,
            decision,
            category if decision == "cp_plan" else "",
            enquiry,
        )
        self.finished.append(icpc_day)
        return decision, icpc_day

    def _s47_completed(self, enquiry: S47Enquiry, day: dt.date) -> None:
        """As `s47_complete` records it: on its date, before a conference that day."""
        self._event(
            EventType.S47_COMPLETED,
            _at(day, 10),
            f"Section 47 enquiry completed: {enquiry.outcome}"
            + (
                "\nNo initial child protection conference is needed."
                if enquiry.icpc_not_required
                else ""
            ),
            self.lead,
            icpc_not_required=enquiry.icpc_not_required,
        )

    def _medical(self, day: dt.date, enquiry: S47Enquiry, category: str) -> None:
        requested = _at(day, 15, 30)
        examined = requested + dt.timedelta(hours=self.r.randint(18, 30))
        injury = (
            "Bruising to the left cheek and upper arm, in the shape of fingertips"
            if category == "PHY"
            else "The child described being touched by an adult"
        )
        medical = MedicalRequest(
            episode=self.episode,
            s47=enquiry,
            requested_at=requested,
            injury=injury,
            history="The mother said the child fell at the park on Saturday; the child said "
            "nothing when asked.",
            parental_responsibility="Both parents (married at the birth).",
            previous_concerns="Two earlier contacts to the front door in the last year.",
            requested_by=self.lead,
        )
        self.rows.medicals.append(medical)
        self._event("medical_requested", requested, "Child protection medical requested", self.lead)
        if examined.date() <= self.today:
            medical.examined_at = examined
            medical.paediatrician = "Dr " + self.h.synthetic.person_name("F")[1]
            medical.outcome = "Findings consistent with the account of non-accidental injury."
            self._event(
                "medical_completed",
                examined,
                f"Child protection medical by {medical.paediatrician}",
                self.lead,
            )

    def _conference(
        self,
        kind: str,
        day: dt.date,
        due: dt.date,
        decision: str,
        category: str,
        enquiry: S47Enquiry | None = None,
        plan: Plan | None = None,
    ) -> Conference:
        assert is_working_day(day)
        if kind == "initial" and decision == "cp_plan":
            self.transfer(day, self.h.cp_team, "Child protection plan: allocated to the CP team")
        conference = Conference(
            episode=self.episode,
            kind=kind,
            s47=enquiry,
            conference_date=day,
            due_date=due,
            child_wishes=""
            if self.age_on(day) < 4
            else "Wants to stay at home and for the arguing to stop.",
            decision=decision,
            category=category,
            lead_social_worker=self.lead,
            chair="Independent conference chair",
            created_by=self.manager,
            created_at=_at(day, 16),
        )
        self.rows.conferences.append(conference)
        health = self.h.health_professional(self.home, self.child, day)
        present = [
            (self.h.csc, self.lead.get_full_name(), "Lead social worker"),
            (self.h.police, self.h.police_officer().get_full_name(), "Police officer"),
            (_agency(health), health.get_full_name(), health.job_title or "Health"),
        ]
        if self.member.school and not self.unborn:
            dsl = self.h.staff.dsl(self.member.school)
            present.append((_agency(dsl), dsl.get_full_name(), "Designated safeguarding lead"))
        for agency, name, role in present:
            self.rows.conference_attendees.append(
                ConferenceAttendee(
                    conference=conference,
                    agency=agency,
                    name=name,
                    role=role,
                    attended=self.r.random() < 0.93,
                    report_submitted=self.r.random() < 0.85,
                )
            )
        if kind == "initial":
            self._event(
                "icpc",
                _at(day, 10),
                "Initial child protection conference: "
                + (
                    "child protection plan" if decision == "cp_plan" else "no child protection plan"
                ),
                self.manager,
                outcome=decision,
            )
        else:
            assert plan is not None
            self._event(
                "rcpc",
                _at(day, 10),
                "Review child protection conference: "
                + ("the plan continues" if decision == "continue" else "plan ends"),
                self.manager,
                decision=decision,
                category=category or plan.latest_category,
            )
        return conference

    # Plans ---------------------------------------------------------------------------------
    def _plan(self, kind: str, start: dt.date, category: str = "", icpc: Any = None) -> Plan:
        plan = Plan(
            episode=self.episode,
            kind=kind,
            status=Plan.Status.CONFIRMED,
            start_date=start,
            icpc=icpc,
            initial_category=category,
            latest_category=category,
            version=1,
            created_by=self.manager,
            created_at=_at(start, 10, 1 if kind == "cp" else 0),
        )
        self.rows.plans.append(plan)
        self.planned = True
        outcomes = self.h.outcomes_for(plan, category, self.home, self.child, start, self.lead)
        self.rows.outcomes.extend(outcomes)
        confirmed = _at(start, 15)
        self.rows.versions.append(
            PlanVersion(
                plan=plan,
                number=1,
                outcomes=[
                    {
                        "number": number,
                        "concern": outcome.concern,
                        "action": outcome.action,
                        "responsible_person": outcome.responsible_person,
                        "responsible_agency": outcome.responsible_agency.name
                        if outcome.responsible_agency
                        else "",
                        "responsible_agency_code": outcome.responsible_agency.code
                        if outcome.responsible_agency
                        else "",
                        "by_when": outcome.by_when.isoformat() if outcome.by_when else None,
                        "success_measure": outcome.success_measure,
                    }
                    for number, outcome in enumerate(outcomes, start=1)
                ],
                confirmed_at=confirmed,
                confirmed_by=self.manager,
            )
        )
        if kind == "cp":
            self._event(
                "cp_plan_started",
                _at(start, 10, 1),
                f"Child protection plan started: {AbuseCategory(category).label}",
                self.manager,
                category=category,
            )
        else:
            self._event("cin_plan_started", _at(start, 9), "Child in need plan started", self.lead)
        label = "Child protection plan" if kind == "cp" else "Child in need plan"
        self._event(
            "plan_confirmed",
            confirmed,
            f"{label} confirmed (version 1)",
            self.manager,
            kind=kind,
            version=1,
        )
        return plan

    def _end_plan(
        self, plan: Plan, day: dt.date, reason: str, conference: Conference | None = None
    ) -> None:
        """A CIN plan ends when the social worker records why; a CP plan only at the review
        conference that decides it ends (`conference`, held that day)."""
        assert plan.kind != "cp" or (conference is not None and conference.decision == "end")
        plan.end_date, plan.end_reason, plan.status = day, reason, Plan.Status.ENDED
        plan.ended_by_conference = conference
        if plan.kind == "cp":
            self._event(
                "cp_plan_ended",
                _at(day, 17),
                f"Child protection plan ended: {reason}",
                self.manager,
                category=plan.latest_category,
            )
        else:
            self._event(
                "cin_plan_ended", _at(day, 9, 59), f"Child in need plan ended: {reason}", self.lead
            )
        self.finished.append(day)

    def cp_plan(self, conference_day: dt.date, category: str) -> dt.date:
        """The CP plan from its ICPC: core groups, visits, reviews; returns its end date."""
        icpc = self.rows.conferences[-1]
        plan = self._plan("cp", conference_day, category, icpc)
        members = self.h.core_group(plan, self.home, self.child, self.lead, conference_day)
        self.rows.members.extend(members)
        end: dt.date | None = None
        try:
            reviews = int(self.h.pick({"1": 0.1, "2": 0.3, "3": 0.32, "4": 0.2, "5": 0.08}))
            if self.unborn:
                reviews = 3
            due = _wd_before(add_months(conference_day, 3))  # T6, off a weekend or holiday
            last_held = conference_day
            for number in range(1, reviews + 1):
                if self.r.random() < 0.9:
                    day = _wd_before(due - dt.timedelta(days=self.r.randint(0, 12)))
                else:
                    day = _wd(due + dt.timedelta(days=self.r.randint(1, 15)), 0)
                if day >= self.adult_on:
                    # A review conference before the 18th birthday ends the plan.
                    day = _wd_before(self.adult_on - dt.timedelta(days=1))
                    if day > last_held:
                        self.happened(day)
                        ending = self._conference(
                            "review", day, due, "end", plan.latest_category, plan=plan
                        )
                        end = day
                        self._end_plan(
                            plan,
                            day,
                            "The review conference decided the plan ends: the young person "
                            "turns 18",
                            ending,
                        )
                        break
                    day = _wd(last_held + dt.timedelta(days=1), 0)
                    reviews = number
                self.happened(day)
                last = number == reviews
                if not last and self.r.random() < 0.1 and category != "MUL":
                    plan.latest_category = "MUL"
                held = self._conference(
                    "review",
                    day,
                    due,
                    "end" if last else "continue",
                    plan.latest_category,
                    plan=plan,
                )
                last_held = day
                if last:
                    end = day
                    self._end_plan(
                        plan,
                        day,
                        "The review conference decided the child no longer needs a plan",
                        held,
                    )
                    break
                due = _wd_before(add_months(day, 6))
        except _Stop:
            pass
        self.plan_spans.append((plan, conference_day, end))
        self.h.visits(self, plan, conference_day, end, every=(8, 12))
        self.h.core_groups(self, plan, members, conference_day, end)
        if end is None:
            raise _Stop
        return end

    def cin_plan(self, start: dt.date, *, escalate: float = 0.1) -> dt.date:
        """A CIN plan from `start`; returns the day it ended (or the CP plan that followed)."""
        self.happened(start)
        plan = self._plan("cin", start)
        length = int(self.r.triangular(120, 600, 300))
        end = min(start + dt.timedelta(days=length), self.adult_on - dt.timedelta(days=1))
        if self.r.random() < escalate and length > 80:
            strategy_day = _wd(start + dt.timedelta(days=self.r.randint(40, length - 30)), 0)
            if strategy_day <= min(end, self.today) and not self.s47_started:
                visits_to = strategy_day
                try:
                    result, day = self.protection(strategy_day, s47_likely=0.85)
                except _Stop:
                    self.plan_spans.append((plan, start, None))
                    self.h.visits(self, plan, start, None, every=(15, 25))
                    raise
                if result == "cp_plan":
                    self._end_plan(
                        plan,
                        day,
                        "The initial child protection conference decided a child protection plan",
                    )
                    self.plan_spans.append((plan, start, day))
                    self.h.visits(self, plan, start, visits_to, every=(15, 25))
                    return self.cp_plan(day, self.rows.conferences[-1].category)
        if end > self.today:
            self.plan_spans.append((plan, start, None))
            self.h.visits(self, plan, start, None, every=(15, 25))
            raise _Stop
        end = max(end, start)
        self._end_plan(plan, end, "The outcomes of the plan were met")
        self.plan_spans.append((plan, start, end))
        self.h.visits(self, plan, start, end, every=(15, 25))
        return end

    # Closure -------------------------------------------------------------------------------
    def close(self, reason: str, after: tuple[int, int] = (1, 10)) -> None:
        for assessment in self.assessments:
            self.completed_on(assessment)
        day = max(self.finished) + dt.timedelta(days=self.r.randint(*after))
        day = _wd(day, 0)
        if day >= self.adult_on and reason not in ("RC8", "RC9"):
            reason = "RC6" if self.r.random() < 0.3 else "RC7"
        self.happened(day)
        self.closure = (day, reason)

    def story(self, arrival: Arrival, path: str | None) -> None:
        """The episode from its referral: raises _Stop where today interrupts it."""
        decided = _wd(arrival.day, 0)
        near_adult = self.age_on(arrival.day) >= 17
        strategy = arrival.strategy or path in (
            "cp",
            "cp_then_cin",
            "prebirth",
            "s47_no_icpc",
            "icpc_no_plan",
        )
        if path is None and not strategy and arrival.contact is None and not near_adult:
            strategy = self.r.random() < 0.2
        if strategy:
            first = _wd(decided, self.r.randint(0, 1))
            self.happened(first)
            force = {
                "s47_no_icpc": "no_icpc",
                "icpc_no_plan": "no_plan",
                "cp": "cp_plan",
                "cp_then_cin": "cp_plan",
                "prebirth": "cp_plan",
            }.get(path or "", "")
            assessment = self.assessment(first, arrival.day, "s47")
            result, day = self.protection(first, 0.9, force)
            assessment.outcome = OUTCOMES["s47" if result == "cp_plan" else "cin"]
        else:
            start = _wd(decided, self.r.randint(0, 2))
            outcome = path if path in ("nfa", "early_help", "cin") else None
            if outcome is None:
                outcome = self.h.pick({"nfa": 0.28, "early_help": 0.2, "cin": 0.52})
            if near_adult and outcome == "cin":
                outcome = "close"
            assessment = self.assessment(start, arrival.day, outcome)
            planned = _wd(start, 20)
            escalate = path is None and not near_adult and self.r.random() < 0.07
            if escalate and planned < (assessment.completed_date or dt.date.max):
                assessment.outcome = OUTCOMES["s47"]
                result, day = self.protection(planned)
            else:
                done = self.completed_on(assessment)
                if outcome == "nfa":
                    self.close("RC8", (0, 6))
                    return
                if outcome == "early_help":
                    self.close("RC9", (1, 8))
                    return
                if outcome == "close":
                    self.close("RC7", (1, 8))
                    return
                end = self.cin_plan(_wd(done, self.r.randint(0, 5)), escalate=0.1)
                self.close(self.h.pick(CLOSE_AFTER_PLAN))
                return
        if result == "cp_plan":
            end = self.cp_plan(day, self.rows.conferences[-1].category)
            if end >= self.adult_on - dt.timedelta(days=1):
                self.close("RC7")
            elif path == "cp_then_cin" or (path is None and self.r.random() < 0.55):
                step_down = self.happened(_wd(end + dt.timedelta(days=1), 0))
                self.transfer(step_down, self.assessment_team, "Stepped down to a CIN plan")
                end = self.cin_plan(step_down, escalate=0.0)
                self.close(self.h.pick(CLOSE_AFTER_PLAN))
            else:
                self.close(self.h.pick(CLOSE_AFTER_PLAN))
            return
        # No plan from the enquiry: a CIN plan once the assessment is done, or closure.
        for assessment in self.assessments:
            self.completed_on(assessment)
        if path == "s47_no_icpc" or self.r.random() < 0.5:
            start = _wd(max(self.finished), self.r.randint(0, 4))
            self.cin_plan(start, escalate=0.0)
            self.close(self.h.pick(CLOSE_AFTER_PLAN))
        else:
            self.close("RC7")


# What the team manager wrote when closing, by reason (a closure needs a summary).
CLOSURE_SUMMARIES = {
    "RC6": "The young person is now supported by adult social care; the transfer meeting was "
    "held and the adult team has the assessment and plan.",
    "RC7": "The plan's outcomes were met: the child is seen regularly, attends school and the "
    "family uses universal services. Professionals know to refer again if worries return.",
    "RC8": "The assessment found no need for a social care service: the family's own support "
    "and universal services meet the child's needs.",
    "RC9": "The assessment found needs that early help can meet: the family agreed to a family "
    "support worker, and the early help team has the assessment.",
}


# The small district shows every kind of record: its first episodes follow these paths.
SMALL_PATHS = (
    "prebirth",
    "cp",
    "cp_then_cin",
    "cp",
    "cin",
    "nfa",
    "early_help",
    "s47_no_icpc",
    "icpc_no_plan",
    "cin",
    "cp_then_cin",
)


class CaseworkHistory:
    def __init__(
        self, synthetic: Synthetic, staff: Staff, district: District, now: dt.datetime
    ) -> None:
        self.synthetic = synthetic
        self.staff = staff
        self.district = district
        self.today = timezone.localtime(now, LONDON).date()
        self.start = history_start(self.today)
        self.r = random.Random(SEED + 47)  # casework draws apart from the front door's
        self.rows = Rows()
        self.counts: Counter[str] = Counter()
        self.csc = staff.agencies["csc"]
        self.police = staff.agencies["police"]
        self.north = staff.teams[("csc", "Assessment Team North")]
        self.south = staff.teams[("csc", "Assessment Team South")]
        self.cp_team = staff.teams[("csc", "Child Protection Team")]
        self.homes: dict[int, Home] = {}
        self.members: dict[int, Someone] = {}
        for home in district.homes:
            for member in home.people:
                if member.role in ("child", "unborn"):
                    self.homes[member.person.pk] = home
                    self.members[member.person.pk] = member
        self.factor_order = list(ASSESSMENT_FACTORS)
        self._officers = [
            u for u in staff.by_agency["police"] if u.profession == Profession.POLICE_OFFICER
        ]

    # Choices -------------------------------------------------------------------------------
    def pick(self, weighted: dict[str, float]) -> str:
        keys = list(weighted)
        return self.r.choices(keys, weights=[weighted[k] for k in keys])[0]

    def worker(self, team: Team) -> User:
        workers = self.workers[team.pk]
        return self.r.choices(workers, weights=[2.0] + [1.0] * (len(workers) - 1))[0]

    def police_officer(self) -> User:
        return self.r.choice(self._officers)

    def health_professional(self, home: Home, child: Person, day: dt.date) -> User:
        age = child.age_on(day) if child.date_of_birth else 0
        if age is not None and age < 5:
            half = "NORTH" if home.trust == "nth" else "SOUTH"
            visitors = self.staff.health_visitors.get(half) or self.staff.school_nurses
            return visitors[home.index % len(visitors)]
        if self.staff.school_nurses and age is not None and age < 16:
            return self.staff.school_nurses[home.index % len(self.staff.school_nurses)]
        return self.staff.by_agency[home.gp][0]

    # The social work teams -----------------------------------------------------------------
    def workforce(self) -> None:
        """Social workers and a manager for each team (more staff than the sign-ins)."""
        taken = set(User.objects.values_list("username", flat=True))
        unusable = make_password(None)
        new: list[User] = []
        for team, role, title, count in (
            (self.cp_team, Role.SOCIAL_WORKER, "Social worker", 3),
            (self.north, Role.TEAM_MANAGER, "Team manager", 1),
            (self.south, Role.TEAM_MANAGER, "Team manager", 1),
        ):
            for _ in range(count):
                new.append(
                    _new_user(
                        self.synthetic,
                        unusable,
                        username=None,
                        role=role,
                        profession=Profession.SOCIAL_WORKER,
                        agency=self.csc,
                        team=team,
                        job_title=title,
                        taken=taken,
                    )
                )
        User.objects.bulk_create(new)
        self.counts["social workers and managers added"] = len(new)
        demo = self.staff.demo
        people = list(
            User.objects.filter(team__in=[self.north, self.south, self.cp_team]).order_by("pk")
        )
        self.workers: dict[int, list[User]] = {}
        self.managers: dict[int, User] = {}
        for team in (self.north, self.south, self.cp_team):
            mine = [u for u in people if u.team_id == team.pk]
            lead = demo["social.worker"] if team is self.north else demo["team.manager"]
            others = [u for u in mine if u.role == Role.SOCIAL_WORKER and u.pk != lead.pk]
            self.workers[team.pk] = [lead, *others] if team is not self.south else others
            managers = [u for u in mine if u.role == Role.TEAM_MANAGER]
            self.managers[team.pk] = demo["team.manager"] if team is self.cp_team else managers[0]

    # Plans and core groups -----------------------------------------------------------------
    def outcomes_for(
        self, plan: Plan, category: str, home: Home, child: Person, start: dt.date, lead: User
    ) -> list[PlanOutcome]:
        carer = next(
            (m.person for m in home.people if m.role in ("mother", "grandparent", "father")), None
        )
        carer_name = carer.full_name if carer else "The parent"
        health = self.health_professional(home, child, start)
        concern = CONCERNS.get(category) or "The family needs support to meet the child's needs"
        rows = [
            (
                concern,
                "Weekly parenting sessions and a written routine agreed with the family",
                carer_name,
                None,
                12,
                "The routine is kept at every unannounced visit for six weeks",
            ),
            (
                "The child's health needs are not followed up",
                "Book and attend the outstanding health and dental appointments",
                health.get_full_name(),
                health.agency,
                6,
                "Every appointment attended, confirmed by the health record",
            ),
            (
                "The child's views must shape the plan",
                "Direct work sessions with the child, alone, every visit",
                lead.get_full_name(),
                self.csc,
                8,
                "The child's words recorded at each visit and at the review",
            ),
        ]
        if carer is None or self.r.random() < 0.3:
            rows = rows[1:]
        return [
            PlanOutcome(
                plan=plan,
                order=number,
                concern=concern_text,
                action=action,
                responsible_person=person,
                responsible_agency=agency or self.csc,
                by_when=start + dt.timedelta(weeks=weeks),
                success_measure=measure,
            )
            for number, (concern_text, action, person, agency, weeks, measure) in enumerate(
                rows, start=1
            )
        ]

    def core_group(
        self, plan: Plan, home: Home, child: Person, lead: User, day: dt.date
    ) -> list[CoreGroupMember]:
        members = [
            CoreGroupMember(
                plan=plan,
                user=lead,
                name=lead.get_full_name(),
                agency=self.csc,
                role="Lead social worker",
                joined=day,
            )
        ]
        for carer in home.carers[:2]:
            members.append(
                CoreGroupMember(plan=plan, name=carer.full_name, role="Parent", joined=day)
            )
        health = self.health_professional(home, child, day)
        members.append(
            CoreGroupMember(
                plan=plan,
                user=health,
                name=health.get_full_name(),
                agency=health.agency,
                role=health.job_title or "Health",
                joined=day,
            )
        )
        school = self.members[child.pk].school
        if school and child.kind != Person.Kind.UNBORN:
            dsl = self.staff.dsl(school)
            members.append(
                CoreGroupMember(
                    plan=plan,
                    user=dsl,
                    name=dsl.get_full_name(),
                    agency=dsl.agency,
                    role="Designated safeguarding lead",
                    joined=day,
                )
            )
        return members

    def core_groups(
        self,
        case: _Case,
        plan: Plan,
        members: list[CoreGroupMember],
        start: dt.date,
        end: dt.date | None,
    ) -> None:
        last_day = min(end or self.today, self.today)
        due = _wd(start, 10)
        day = _wd(start, self.r.randint(4, 10) if self.r.random() < 0.9 else self.r.randint(11, 16))
        outcomes = [o for o in self.rows.outcomes if o.plan is plan]
        while day <= last_day:
            meeting = CoreGroupMeeting(
                plan=plan,
                meeting_date=day,
                due_date=due,
                notes="Progress reviewed against each outcome of the plan.",
                recorded_by=case.lead,
                created_at=_at(day, 14),
            )
            self.rows.meetings.append(meeting)
            present = [m for m in members if self.r.random() < 0.85] or members[:1]
            self.rows.present.append((meeting, present))
            for outcome in outcomes:
                self.rows.progress.append(
                    OutcomeProgress(
                        meeting=meeting,
                        outcome=outcome,
                        rating=self.pick(
                            {"on_track": 0.4, "some": 0.35, "none": 0.15, "achieved": 0.1}
                        ),
                        note="Discussed with the family; see the visit notes.",
                    )
                )
            self.rows.actions.append(
                AgreedAction(
                    core_group=meeting,
                    action="Share the updated safety plan with every member",
                    owner=case.lead.get_full_name(),
                    owner_agency=self.csc,
                    due_date=_wd(day, 5),
                    done_date=_wd(day, 5) if _wd(day, 5) <= self.today else None,
                )
            )
            late = day > due
            case._event(
                "core_group",
                _at(day, 11),
                "Core group meeting" + (f" (due {due.day} {due:%B %Y})" if late else ""),
                case.lead,
                due_date=due.isoformat(),
            )
            due = _wd(day + dt.timedelta(weeks=6), 0)
            day = _wd(day + dt.timedelta(weeks=6, days=self.r.randint(-5, 6)), 0)

    def visits(
        self,
        case: _Case,
        plan: Plan,
        start: dt.date,
        end: dt.date | None,
        every: tuple[int, int],
    ) -> None:
        """Statutory visits while the plan is open: CP every 10 working days, CIN monthly."""
        last_day = min(end or self.today, self.today)
        day = _wd(start, self.r.randint(1, 5))
        while day <= last_day:
            seen = not case.unborn and self.r.random() < 0.93
            alone = seen and case.age_on(day) >= 5 and self.r.random() < 0.65
            worker = case.lead
            self.rows.visits.append(
                StatutoryVisit(
                    episode=case.episode,
                    visit_date=day,
                    child_seen=seen,
                    seen_alone=alone,
                    notes="Visit to the mother before the birth." if case.unborn else "",
                    visited_by=worker,
                    created_at=_at(day, 16),
                )
            )
            words = "seen alone" if alone else ("seen" if seen else "not seen")
            case._event(
                EventType.STATUTORY_VISIT,
                _at(day, 12),
                f"Statutory visit: the child was {words}.",
                worker,
                child_seen=seen,
                seen_alone=alone,
            )
            day = _wd(day, self.r.randint(*every))

    def supervision(self, case: _Case, end: dt.date | None) -> None:
        """Management oversight about every four weeks while the episode is open."""
        last_day = min(end or self.today, self.today)
        day = _wd(case.episode.referral_date, self.r.randint(5, 15))
        manager = self.managers[case.episode.team.pk]
        while day <= last_day:
            gap = 28 if self.r.random() < 0.88 else self.r.randint(35, 60)
            if self.r.random() < 0.95:
                following = day + dt.timedelta(days=28)
                self.rows.supervisions.append(
                    Supervision(
                        episode=case.episode,
                        supervision_date=day,
                        supervisor=manager,
                        discussion="Progress of the plan, the child's voice and risks.",
                        decisions="Continue the plan; visits as planned; review at the next "
                        "supervision.",
                        next_date=following,
                        created_at=_at(day, 15),
                    )
                )
                case._event(
                    EventType.SUPERVISION,
                    _at(day, 12),
                    f"Case supervision with {manager.get_full_name()}; next by "
                    f"{following.day} {following:%B %Y}.",
                    manager,
                    next_date=following.isoformat(),
                )
            day = _wd(day + dt.timedelta(days=gap), 0)

    # Referrals -----------------------------------------------------------------------------
    def front_door_arrivals(self) -> list[tuple[Person, Arrival]]:
        """The front door's referral decisions: one episode or assessment each."""
        strategy: dict[str, bool] = {}
        for details in Event.objects.filter(
            type=EventType.CONTACT_DECIDED, details__outcome="referral"
        ).values_list("details", flat=True):
            strategy[details["contact_reference"]] = bool(details.get("strategy"))
        contacts = Contact.objects.filter(
            reference__in=list(strategy), child__isnull=False
        ).select_related("child")
        found = []
        for contact in contacts.order_by("received_at", "pk"):
            assert contact.child is not None
            found.append(
                (
                    contact.child,
                    Arrival(
                        day=timezone.localtime(contact.received_at, LONDON).date(),
                        source=contact.referral_source or "10",
                        contact=contact,
                        strategy=strategy[contact.reference],
                    ),
                )
            )
        return found

    def older_arrivals(self, per_year: int, until: dt.date) -> list[tuple[Person, Arrival]]:
        """Referrals before the front door's year, at the same rate, to the same households."""
        homes = [home for home in self.district.homes if home.children]
        weights = [home.weight for home in homes]
        days = (until - self.start).days
        count = round(per_year * days / 365)
        found: list[tuple[Person, Arrival]] = []
        while len(found) < count:
            day = self.start + dt.timedelta(days=self.r.randrange(days))
            if not is_working_day(day) and self.r.random() < 0.65:
                continue
            home = self.r.choices(homes, weights=weights)[0]
            living = [
                m.person
                for m in home.people
                if m.role == "child"
                and m.person.date_of_birth is not None
                and m.person.date_of_birth < day - dt.timedelta(days=14)
                and (m.person.age_on(day) or 0) < 17
                and (m.joined or home.addresses[0][2]) <= day
            ]
            if living:
                child = self.r.choice(living)
                found.append((child, Arrival(day=day, source=self.pick(OLDER_SOURCES))))
        return found

    def prebirth(self) -> tuple[Person, Arrival]:
        """An unborn child referred in pregnancy (the mother linked by a Relationship)."""
        unborn = sorted(
            (
                m
                for home in self.district.homes
                for m in home.people
                if m.role == "unborn"
                and m.person.expected_date_of_birth is not None
                and m.person.expected_date_of_birth <= self.today + dt.timedelta(days=120)
            ),
            key=lambda m: m.person.pk,
        )
        member = unborn[0] if unborn else self._unborn_create()
        due = member.person.expected_date_of_birth
        assert due is not None
        day = max(self.today - dt.timedelta(days=75), due - dt.timedelta(days=180))
        return member.person, Arrival(day=day, source="3F", strategy=True)

    def _unborn_create(self) -> Someone:
        home = next(
            h
            for h in self.district.homes
            if h.with_role("mother") and h.household is not None and h.theme != "none"
        )
        mother = home.with_role("mother")[0].person
        assert home.household is not None
        due = self.today + dt.timedelta(days=60)
        person = Person.objects.create(
            kind=Person.Kind.UNBORN,
            family_name=mother.family_name,
            expected_date_of_birth=due,
            sex="U",
            family_name_key=name_key(mother.family_name),
        )
        joined = self.today - dt.timedelta(days=120)
        HouseholdMember.objects.create(household=home.household, person=person, joined=joined)
        Relationship.objects.create(
            person=mother,
            relative=person,
            kind=Relationship.Kind.MOTHER,
            parental_responsibility=True,
        )
        member = Someone(person=person, role="unborn", joined=joined, mother=mother)
        home.people.append(member)
        self.homes[person.pk] = home
        self.members[person.pk] = member
        self.counts["unborn children added"] += 1
        return member

    # The whole history ---------------------------------------------------------------------
    def build(self, *, every_kind: bool) -> None:
        self.workforce()
        recent = self.front_door_arrivals()
        year_ago = self.today - dt.timedelta(days=365)
        # The small district draws more older referrals, so it has a few dozen episodes.
        per_year = max(len(recent), 16 if every_kind else 1)
        arrivals = self.older_arrivals(per_year, year_ago) + recent
        unborn, prebirth = self.prebirth()
        by_child: dict[int, list[Arrival]] = {}
        people: dict[int, Person] = {unborn.pk: unborn}
        by_child[unborn.pk] = [prebirth]
        for child, arrival in arrivals:
            if child.pk == unborn.pk:
                continue
            people[child.pk] = child
            by_child.setdefault(child.pk, []).append(arrival)
        paths = list(SMALL_PATHS[1:]) if every_kind else []
        for pk in sorted(by_child):
            queue = sorted(by_child[pk], key=lambda a: (a.day, a.contact is not None))
            path_first = "prebirth" if pk == unborn.pk else None
            self._child(people[pk], queue, path_first, paths)

    def _child(
        self, child: Person, queue: list[Arrival], first_path: str | None, paths: list[str]
    ) -> None:
        home = self.homes[child.pk]
        closed_on: dt.date | None = None
        index = 0
        while index < len(queue):
            arrival = queue[index]
            index += 1
            if closed_on is not None and arrival.day <= closed_on:
                continue
            path = first_path
            first_path = None
            if path is None and paths and arrival.day < self.today - dt.timedelta(days=400):
                path = paths.pop(0)
            case = _Case(self, child, home, arrival)
            with suppress(_Stop):
                case.story(arrival, path)
            end = case.closure[0] if case.closure else None
            # Referrals while the episode is open join it, with a new assessment.
            while index < len(queue) and (end is None or queue[index].day <= end):
                joined = queue[index]
                index += 1
                self.counts["referrals joining an open episode"] += 1
                if joined.contact is not None:  # one referral per episode: a further contact
                    self.rows.linked.append(
                        LinkedContact(
                            episode=case.episode,
                            contact=joined.contact,
                            contact_reference=joined.contact.reference,
                            received_date=joined.day,
                            linked_by=case.lead,
                        )
                    )
                if any(a.completed_date is None for a in case.assessments):
                    continue
                if any(
                    a.completed_date and a.completed_date > joined.day for a in case.assessments
                ):
                    continue
                start = _wd(joined.day, self.r.randint(0, 2))
                if start > self.today or (end is not None and start >= end):
                    continue
                assessment = case.assessment(start, start, "update")
                if assessment.completed_date is None:
                    end = None
                elif end is not None and assessment.completed_date >= end:
                    new_end = _wd(assessment.completed_date + dt.timedelta(days=2), 0)
                    end = new_end if new_end <= self.today else None
            if end is None:
                case.closure = None
            elif case.closure is not None:
                case.closure = (end, case.closure[1])
            self.supervision(case, end)
            if case.closure is not None:
                day, reason = case.closure
                case.episode.closure_date, case.episode.closure_reason = day, reason
                # A team manager closes the episode with its closure summary.
                case.episode.closure_summary = CLOSURE_SUMMARIES.get(
                    reason, CLOSURE_SUMMARIES["RC7"]
                )
                case.episode.closure_authorised_by = case.manager
                case._event(
                    EventType.EPISODE_CLOSED,
                    _at(day, 12),
                    f"Episode closed: {ClosureReason(reason).label}.",
                    case.manager,
                    reason=reason,
                )
                closed_on = day
            else:
                return  # still open today: later referrals joined it

    # Writing -------------------------------------------------------------------------------
    def write(self) -> None:
        rows = self.rows
        with _created_at_as_given():
            Episode.objects.bulk_create(rows.episodes, batch_size=500)
            Assessment.objects.bulk_create(rows.assessments, batch_size=500)
            StrategyDiscussion.objects.bulk_create(rows.discussions, batch_size=500)
            StrategyAttendee.objects.bulk_create(rows.strategy_attendees, batch_size=500)
            S47Enquiry.objects.bulk_create(rows.s47s, batch_size=500)
            MedicalRequest.objects.bulk_create(rows.medicals, batch_size=500)
            Conference.objects.bulk_create(rows.conferences, batch_size=500)
            ConferenceAttendee.objects.bulk_create(rows.conference_attendees, batch_size=500)
            Plan.objects.bulk_create(rows.plans, batch_size=500)
            PlanOutcome.objects.bulk_create(rows.outcomes, batch_size=500)
            PlanVersion.objects.bulk_create(rows.versions, batch_size=500)
            CoreGroupMember.objects.bulk_create(rows.members, batch_size=500)
            CoreGroupMeeting.objects.bulk_create(rows.meetings, batch_size=500)
            through = CoreGroupMeeting.present.through
            through.objects.bulk_create(
                [
                    through(coregroupmeeting_id=meeting.pk, coregroupmember_id=member.pk)
                    for meeting, members in rows.present
                    for member in members
                ],
                batch_size=1000,
            )
            OutcomeProgress.objects.bulk_create(rows.progress, batch_size=500)
            AgreedAction.objects.bulk_create(rows.actions, batch_size=500)
            StatutoryVisit.objects.bulk_create(rows.visits, batch_size=1000)
            Supervision.objects.bulk_create(rows.supervisions, batch_size=1000)
            LinkedContact.objects.bulk_create(rows.linked, batch_size=500)
            CaseTransfer.objects.bulk_create(rows.transfers, batch_size=500)
        self._events()
        self._social_care_records()

    def _events(self) -> None:
        pending = sorted(self.rows.events, key=lambda p: p.at)
        whens = [occurrence(p.at if p.type in TIMED_STEPS else local_day(p.at)) for p in pending]
        events = Event.objects.bulk_create(
            [
                Event(
                    type=p.type,
                    occurred_at=when.at,
                    occurred_on=when.on,
                    has_time=when.has_time,
                    recorded_at=p.at + dt.timedelta(minutes=40),
                    summary=p.summary,
                    details={"episode": p.episode.pk, **p.details},
                    source=self.csc,
                    recorded_by=p.actor,
                    recorded_by_label=p.actor.get_full_name(),
                )
                for p, when in zip(pending, whens, strict=True)
            ],
            batch_size=1000,
        )
        Participant.objects.bulk_create(
            [
                Participant(
                    event=event, person=p.child, role="child", occurred_at=event.occurred_at
                )
                for event, p in zip(events, pending, strict=True)
            ],
            batch_size=1000,
        )
        self.counts["casework events"] = len(events)

    def _social_care_records(self) -> None:
        """The local authority child ID (as `person_ensure_social_care_record` gives it)."""
        children = {episode.child.pk: episode.child for episode in self.rows.episodes}
        known = set(
            SourceRecord.objects.filter(agency=self.csc, person_id__in=children).values_list(
                "person_id", flat=True
            )
        )
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    agency=self.csc,
                    record_id=f"LA{pk:08d}",
                    person=child,
                    given_name=child.given_name,
                    family_name=child.family_name,
                    date_of_birth=child.date_of_birth,
                )
                for pk, child in sorted(children.items())
                if pk not in known
            ],
            batch_size=1000,
        )

    def tally(self) -> None:
        rows, counts = self.rows, self.counts
        counts["episodes"] = len(rows.episodes)
        counts["episodes open today"] = sum(1 for e in rows.episodes if e.closure_date is None)
        for year in range(census_year(self.today) - 2, census_year(self.today) + 1):
            first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
            counts[f"referrals in census year {year}"] = sum(
                1 for e in rows.episodes if first <= e.referral_date <= last
            )
        done = [a for a in rows.assessments if a.completed_date]
        counts["assessments"] = len(rows.assessments)
        on_time = sum(1 for a in done if a.completed_date and a.completed_date <= a.due_date)
        counts["assessments on time (%)"] = round(100 * on_time / max(len(done), 1))
        icpcs = [c for c in rows.conferences if c.kind == "initial"]
        counts["S47 enquiries"] = len(rows.s47s)
        counts["initial conferences"] = len(icpcs)
        counts["ICPCs within 15 working days (%)"] = round(
            100 * sum(1 for c in icpcs if c.conference_date <= c.due_date) / max(len(icpcs), 1)
        )
        counts["review conferences"] = len(rows.conferences) - len(icpcs)
        for kind in ("cp", "cin"):
            plans = [p for p in rows.plans if p.kind == kind]
            counts[f"{kind.upper()} plans"] = len(plans)
            counts[f"{kind.upper()} plans open today"] = sum(1 for p in plans if not p.end_date)
        counts["statutory visits"] = len(rows.visits)
        counts["supervisions"] = len(rows.supervisions)
        counts["core group meetings"] = len(rows.meetings)
        counts["case transfers"] = len(rows.transfers)


@contextmanager
def _created_at_as_given() -> Iterator[None]:
    """Keep the `created_at` each row was given (the day it happened), not the load's time."""
    fields = []
    for model in (
        Episode,
        Assessment,
        StrategyDiscussion,
        S47Enquiry,
        Conference,
        Plan,
        CoreGroupMeeting,
        StatutoryVisit,
        Supervision,
        CaseTransfer,
    ):
        found = model._meta.get_field("created_at")
        assert isinstance(found, models.DateTimeField)
        fields.append(found)
    for found in fields:
        found.auto_now_add = False
    try:
        yield
    finally:
        for found in fields:
            found.auto_now_add = True


def casework_history_load(
    *,
    synthetic: Synthetic,
    staff: Staff,
    district: District,
    now: dt.datetime,
    every_kind: bool = False,
) -> Counter[str]:
    """Write the district's casework history (after the front door's year has been replayed)."""
    history = CaseworkHistory(synthetic, staff, district, now)
    history.build(every_kind=every_kind)
    history.write()
    history.tally()
    audit.record_change(
        actor=LOADER,
        action="demo.casework_history_loaded",
        target=history.csc,
        detail=dict(sorted(history.counts.items())),
    )
    return history.counts
