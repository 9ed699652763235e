"""A year of the partnership's own loop for the demo district, written through its services.

Serious incidents and their notifications (one overdue, one due), rapid reviews (one in
progress with an agency's return overdue), two local practice reviews (one published, one late),
recommendations from reviews, an inspection, a national review and an audit, grouped by theme
into the action plan with actions in every state, an escalation, and assurance requests at each
stage. Dates are anchored on the day of loading; each step runs with the clock set to the day it
happened, so the history and the audit trail read in time order.

Every name is synthetic (Faker en_GB, seeded, checked against the deny-list of real names).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, User
from sightline.core.themes import themes_ensure
from sightline.core.working_days import LONDON, add_working_days
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.organisations import DEMO_PASSWORD, DEMO_USERNAMES
from sightline.demo.synthetic import Synthetic
from sightline.partnership.models import (
    Action,
    ActionStatus,
    ImpactAssessment,
    RapidReview,
    Recommendation,
    RiskLogEntry,
    SeriousIncident,
    Subgroup,
)
from sightline.partnership.services import (
    assurance,
    audits,
    business_plan,
    finance,
    plan,
    plan_changes,
    reviews,
    risk,
    self_assessment,
    subgroups,
)

PARTNERSHIP_USERS = [
    ("partnership.officer", Role.PARTNERSHIP_OFFICER, "Partnership business manager"),
    ("subgroup.chair", Role.SUBGROUP_CHAIR, "Chair, Learning and Improvement Subgroup"),
    ("scrutineer", Role.SCRUTINEER, "Independent scrutineer"),
]

SUBGROUPS = [
    (
        "Case Review Subgroup",
        "Runs rapid reviews, commissions practice reviews and draws out the themes across them.",
    ),
    (
        "Learning and Improvement Subgroup",
        "Turns learning from reviews into training, briefings "
        "and practitioner events, and seeks assurance that it changes practice.",
    ),
    (
        "Performance, Monitoring and Evaluation Subgroup",
        "Chaired by the independent scrutineer; "
        "the multi-agency data set, audits and the quality assurance framework.",
    ),
    ("Neglect Subgroup", "Leads the neglect strategy and the Graded Care Profile roll-out."),
    (
        "Oversight and Delivery Group",
        "Keeps the overview of the thematic action plan and raises "
        "blocked actions with the lead safeguarding partners.",
    ),
]


class _Demo:
    def __init__(self, seed: int) -> None:
        self.s = Synthetic(seed)
        self.today = timezone.localdate()
        self.agencies = self._agencies()

    # --- Helpers ------------------------------------------------------------------------
    @contextmanager
    def on(self, day: dt.date) -> Iterator[None]:
        moment = dt.datetime.combine(day, dt.time(10, 30), tzinfo=LONDON)
        with clock_set(DemoClock(min(moment, timezone.now()))):
            yield

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def ahead(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def _agencies(self) -> dict[str, Agency]:
        active = list(Agency.objects.filter(active=True).order_by("pk"))
        if not active:
            raise RuntimeError("Load the district's agencies before the partnership demo.")

        def of(kind: str, code: str = "") -> Agency:
            by_code = next((a for a in active if a.code == code), None)
            return by_code or next((a for a in active if a.kind == kind), active[0])

        return {
            "csc": of(Agency.Kind.SOCIAL_CARE, "csc"),
            "police": of(Agency.Kind.POLICE, "police"),
            "health": of(Agency.Kind.COMMUNITY_HEALTH, "health"),
            "hospital": of(Agency.Kind.HOSPITAL, "nth"),
            "school": of(Agency.Kind.SCHOOL),
            "probation": of(Agency.Kind.PROBATION, "probation"),
            "housing": of(Agency.Kind.HOUSING, "housing"),
        }

    def distinct(self, *keys: str) -> list[Agency]:
        """The agencies for these keys, each once (a small district may lack some kinds)."""
        return list({self.agencies[key].pk: self.agencies[key] for key in keys}.values())

    def users(self) -> dict[str, User]:
        found: dict[str, User] = {}
        for username, role, title in PARTNERSHIP_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                given, family = self.s.person_name(self.s.pick({"F": 0.6, "M": 0.4}))
                user = User.objects.create(
                    username=username,
                    password=make_password(DEMO_PASSWORD),
                    first_name=given,
                    last_name=family,
                    email=f"{username}@example.org",
                    role=role,
                    profession=Profession.OTHER,
                    job_title=title,
                )
            found[username] = user
        return found

    def agency_lead(self, agency: Agency) -> User | None:
        """The agency's named lead, who answers for it; an agency without one has a member of
        its staff named (never a demo sign-in: those stay plain practitioners, so the demo
        shows who may answer and who may only view)."""
        staff = User.objects.filter(agency=agency, is_active=True).exclude(
            role=Role.UNSCHEDULED_CARE
        )
        lead = staff.filter(is_agency_lead=True).first()
        if lead is None:
            lead = staff.exclude(username__in=DEMO_USERNAMES).first() or staff.first()
            if lead is not None:
                lead.is_agency_lead = True
                lead.save(update_fields=["is_agency_lead"])
        return lead

    def lead(self, title: str) -> str:
        given, family = self.s.person_name(self.s.pick({"F": 0.7, "M": 0.3}))
        return f"{given} {family}, {title}"

    # --- The year -----------------------------------------------------------------------
    def load(self) -> None:
        users = self.users()
        self.officer, self.chair, self.scrutineer = (
            users["partnership.officer"],
            users["subgroup.chair"],
            users["scrutineer"],
        )
        with self.on(self.ago(380)):
            self.subgroups = {
                name: Subgroup.objects.filter(name=name).first()
                or plan.subgroup_create(actor=self.officer, name=name, terms_of_reference=tor)
                for name, tor in SUBGROUPS
            }
        self.themes = {theme.code: theme for theme in themes_ensure()}
        child_k = self.incident_with_practice_review(
            aware=self.ago(330),
            title="Child K",
            summary="A baby of seven weeks was taken to the emergency department with a skull "
            "fracture and bruising to the chest; the explanation given did not fit the injuries.",
            child="Boy, 7 weeks, subject of a child in need plan",
            published=True,
        )
        child_r = self.incident_with_practice_review(
            aware=self.ago(215),
            title="Child R",
            summary="A four-year-old was found malnourished and with untreated dental decay "
            "after police attended a domestic abuse incident at the home.",
            child="Girl, 4, previously known to early help",
            published=False,
        )
        rapid_only = self.incident_rapid_review_no_practice_review(self.ago(140))
        self.incident_with_rapid_review_in_progress(self.ago(24))
        self.incident_awaiting_notification(self.ago(12), overdue=True)
        self.incident_awaiting_notification(self.ago(2), overdue=False)
        self.plan_for(child_k, child_r, rapid_only)

    def _incident(
        self, aware: dt.date, summary: str, child: str, late: bool = False
    ) -> SeriousIncident:
        notified = add_working_days(aware, 6 if late else 3)
        with self.on(notified):
            return reviews.serious_incident_create(
                actor=self.officer,
                summary=summary,
                child_description=child,
                incident_on=aware - dt.timedelta(days=1),
                aware_on=aware,
                notified_on=notified,
            )

    def _rapid_review(
        self, incident: SeriousIncident, decision: str, rationale: str
    ) -> RapidReview:
        notified = incident.notified_on
        assert notified is not None
        with self.on(notified):
            review = reviews.rapid_review_start(actor=self.officer, incident=incident)
            for agency in self.distinct("csc", "police", "health", "hospital"):
                reviews.rapid_review_request_information(
                    actor=self.officer,
                    rapid_review=review,
                    agency=agency,
                    due_on=add_working_days(notified, 5),
                )
        for info in review.information_requests.all():
            returned = add_working_days(notified, 4 + self.s.random.randrange(2))
            with self.on(returned):
                reviews.rapid_review_record_return(
                    actor=self.officer,
                    request=info,
                    returned_on=returned,
                    summary=f"Chronology and analysis of {info.agency.name}'s involvement "
                    "over the previous 18 months.",
                )
        meeting = add_working_days(notified, 13)
        with self.on(meeting):
            reviews.rapid_review_decide(
                actor=self.chair,
                rapid_review=review,
                meeting_on=meeting,
                decision=decision,
                rationale=rationale,
            )
        answered = add_working_days(meeting, 20)
        with self.on(answered):
            reviews.rapid_review_record_panel_response(
                actor=self.officer,
                rapid_review=review,
                responded_on=answered,
                response="The panel agreed with the partnership's decision and asked to see the "
                "learning on information sharing reflected in the thematic plan.",
            )
        return review

    def incident_with_practice_review(
        self, *, aware: dt.date, title: str, summary: str, child: str, published: bool
    ):  # type: ignore[no-untyped-def]
        incident = self._incident(aware, summary, child)
        rapid = self._rapid_review(
            incident,
            RapidReview.Decision.PRACTICE_REVIEW,
            "Several agencies knew of concerns that were not shared; the learning is likely to "
            "be significant for the whole partnership.",
        )
        decided = rapid.decided_on
        assert decided is not None
        with self.on(decided + dt.timedelta(days=7)):
            author_given, author_family = self.s.person_name("F")
            review = reviews.practice_review_create(
                actor=self.officer,
                title=title,
                decided_on=decided,
                rapid_review=rapid,
                terms_of_reference="How well agencies shared what they knew about the family, "
                "recognised household changes and listened to the child.",
                author=f"{author_given} {author_family}, independent reviewer",
                scope_from=decided - dt.timedelta(days=540),
                scope_to=incident.aware_on,
                agencies=self.distinct("csc", "police", "health", "hospital"),
            )
            steps = [
                ("milestone", "Terms of reference agreed", 14),
                ("milestone", "Agency chronologies received", 45),
                ("practitioner_event", "Practitioner learning event", 75),
                ("milestone", "Draft report to the Case Review Subgroup", 120),
                ("milestone", "Final report to the lead safeguarding partners", 160),
            ]
            for kind, description, offset in steps:
                reviews.practice_review_milestone_add(
                    actor=self.officer,
                    review=review,
                    kind=kind,
                    description=description,
                    due_on=decided + dt.timedelta(days=offset),
                )
        for milestone in review.milestones.all():
            if milestone.due_on < self.today - dt.timedelta(days=3):
                with self.on(milestone.due_on):
                    reviews.practice_review_milestone_complete(
                        actor=self.officer, milestone=milestone, done_on=milestone.due_on
                    )
        if published:
            final = decided + dt.timedelta(days=150)
            with self.on(final + dt.timedelta(days=20)):
                reviews.practice_review_update(
                    actor=self.officer,
                    review=review,
                    final_report_on=final,
                    published_on=final + dt.timedelta(days=20),
                    learning_brief="Bruising in a baby who is not independently mobile needs a "
                    "same-day strategy discussion. Tell every professional when a family moves. "
                    "Ask who lives in the home at every visit.",
                )
        return review

    def incident_rapid_review_no_practice_review(self, aware: dt.date) -> RapidReview:
        incident = self._incident(
            aware,
            "A fourteen-year-old was seriously assaulted while missing from home; "
            "exploitation was suspected.",
            "Boy, 14, missing episodes known to police",
            late=True,
        )
        return self._rapid_review(
            incident,
            RapidReview.Decision.NO_PRACTICE_REVIEW,
            "The learning repeats that of a recent national review on exploitation; it will be "
            "taken into the thematic plan rather than a separate review.",
        )

    def incident_with_rapid_review_in_progress(self, aware: dt.date) -> None:
        incident = self._incident(
            aware,
            "A two-year-old was admitted after swallowing a parent's methadone.",
            "Girl, 2, on a child protection plan for neglect",
        )
        notified = incident.notified_on
        assert notified is not None
        with self.on(notified):
            review = reviews.rapid_review_start(actor=self.officer, incident=incident)
            agencies = self.distinct("csc", "health", "probation", "police")
            for agency, days in zip(agencies, (4, 4, 5, 8), strict=False):
                reviews.rapid_review_request_information(
                    actor=self.officer,
                    rapid_review=review,
                    agency=agency,
                    due_on=add_working_days(notified, days),
                    question="Your agency's involvement with the child and family over the "
                    "last 18 months, and any learning you have already identified.",
                )
        # One return is in: given in Sightline by the agency's named lead (the first agency
        # asked that has one), or recorded by the officer when none has.
        due = [
            i
            for i in review.information_requests.order_by("due_on", "pk")
            if i.due_on <= self.today
        ]
        answered = next(
            ((i, lead) for i in due if (lead := self.agency_lead(i.agency)) is not None), None
        )
        summary = "Case records, the plan and the last three core group minutes."
        if answered is not None:
            info, lead = answered
            with self.on(info.due_on):
                reviews.information_request_answer(actor=lead, request=info, summary=summary)
        elif due:
            with self.on(due[0].due_on):
                reviews.rapid_review_record_return(
                    actor=self.officer,
                    request=due[0],
                    returned_on=due[0].due_on,
                    summary=summary,
                )

    def incident_awaiting_notification(self, aware: dt.date, *, overdue: bool) -> None:
        with self.on(aware if overdue else self.today):
            reviews.serious_incident_create(
                actor=self.officer,
                aware_on=aware,
                summary="A baby of three months died unexpectedly at home; bed-sharing after "
                "parental alcohol use is suspected."
                if overdue
                else "A twelve-year-old took an "
                "overdose after disclosing online sexual abuse to a teacher.",
                child_description="Boy, 3 months" if overdue else "Girl, 12",
            )

    # --- Recommendations, actions and assurance -----------------------------------------
    def recommend(
        self,
        source: str,
        reference: str,
        number: str,
        text: str,
        themes: list[str],
        agencies: list[str],
        *,
        for_partnership: bool = False,
        review=None,
        rapid=None,
        day: dt.date,
    ) -> Recommendation:  # type: ignore[no-untyped-def]
        with self.on(day):
            return plan.recommendation_create(
                actor=self.officer,
                source=source,
                source_reference=reference,
                number=number,
                text=text,
                themes=[self.themes[code] for code in themes if code in self.themes],
                agencies=self.distinct(*agencies),
                for_partnership=for_partnership,
                practice_review=review,
                rapid_review=rapid,
            )

    def act(
        self,
        recommendation: Recommendation,
        description: str,
        owner: str,
        *,
        due: dt.date,
        state: str,
        day: dt.date,
    ) -> Action:
        subgroup = self.subgroups.get(owner)
        with self.on(day):
            action = plan.action_create(
                actor=self.officer,
                recommendation=recommendation,
                description=description,
                owner_agency=None if subgroup else self.agencies[owner],
                owner_subgroup=subgroup,
                lead_person=self.lead("safeguarding lead"),
                due_on=due,
            )
        progress_day = min(self.today, day + dt.timedelta(days=40))
        progress = {
            "not_started": None,
            "on_track": dict(status=ActionStatus.ON_TRACK),
            "at_risk": dict(status=ActionStatus.AT_RISK),
            "off_track": dict(status=ActionStatus.OFF_TRACK),
            "completed": dict(
                status=ActionStatus.COMPLETED,
                completion_evidence="Guidance reissued and briefed to all teams.",
            ),
            "some_impact": dict(
                status=ActionStatus.COMPLETED,
                completion_evidence="Training delivered to 120 practitioners.",
                impact_evidence="Dip sample: 6 of 10 records now show the change.",
                impact_assessment=ImpactAssessment.SOME_IMPACT,
            ),
            "achieved": dict(
                status=ActionStatus.COMPLETED,
                completion_evidence="New procedure live; all teams briefed.",
                impact_evidence="Re-audit of 30 cases: 28 show the new practice; "
                "practitioners' survey confirms it is used.",
                impact_assessment=ImpactAssessment.IMPACT_SHOWN,
            ),
            "withdrawn": None,
        }[state if state != "achieved_oversight" else "achieved"]
        if progress is not None:
            actor = self.chair if subgroup else self.officer
            with self.on(progress_day):
                plan.action_progress_record(
                    actor=actor, action=action, note="Quarterly update.", **progress
                )
        if state == "withdrawn":
            with self.on(progress_day):
                plan_changes.action_withdraw(
                    actor=self.officer,
                    action=action,
                    reason="Superseded by the change to the health record system, agreed at "
                    "the oversight group.",
                )
        if state in ("achieved", "achieved_oversight"):
            with self.on(min(self.today, progress_day + dt.timedelta(days=21))):
                if state == "achieved":
                    plan.action_impact_sign_off(
                        actor=self.scrutineer,
                        action=action,
                        note="Impact is evidenced by the re-audit.",
                    )
                else:
                    plan.action_impact_sign_off(
                        actor=self.officer,
                        action=action,
                        oversight_meeting_on=min(self.today, progress_day + dt.timedelta(days=14)),
                        note="Agreed by the oversight group.",
                    )
        return action

    def plan_for(self, child_k, child_r, rapid_only: RapidReview) -> None:  # type: ignore[no-untyped-def]
        k_day, r_day = child_k.created_at.date(), child_r.created_at.date()
        k1 = self.recommend(
            "local_review",
            "Child K practice review",
            "1",
            "Every agency treats bruising in a baby who is not independently mobile as a "
            "safeguarding concern and follows the bruising protocol the same day.",
            ["injuries-in-babies"],
            ["health", "hospital", "csc"],
            review=child_k,
            day=k_day,
        )
        k2 = self.recommend(
            "local_review",
            "Child K practice review",
            "2",
            "Health professionals who learn that a family has moved tell every professional "
            "working with the child as soon as possible.",
            ["information-sharing", "think-family"],
            ["health"],
            review=child_k,
            day=k_day,
        )
        k3 = self.recommend(
            "local_review",
            "Child K practice review",
            "3",
            "A change in who lives in the household of a child on a plan prompts an updated "
            "assessment.",
            ["think-family", "supervision"],
            ["csc"],
            for_partnership=True,
            review=child_k,
            day=k_day,
        )
        r1 = self.recommend(
            "local_review",
            "Child R practice review",
            "1",
            "Practitioners recognise the long-term impact of neglect and domestic abuse and use "
            "the Graded Care Profile where neglect is suspected.",
            ["neglect", "domestic-abuse"],
            ["csc", "health", "school"],
            for_partnership=True,
            review=child_r,
            day=r_day,
        )
        r2 = self.recommend(
            "local_review",
            "Child R practice review",
            "2",
            "Was-not-brought policies are followed for every missed health appointment.",
            ["was-not-brought"],
            ["health", "hospital"],
            review=child_r,
            day=r_day,
        )
        e1 = self.recommend(
            "rapid_review",
            f"Rapid review {rapid_only.incident.reference}",
            "1",
            "Return-home interviews after missing episodes are shared with the school and the "
            "exploitation team within 72 hours.",
            ["exploitation", "information-sharing"],
            ["police", "csc", "school"],
            rapid=rapid_only,
            day=rapid_only.decided_on or self.today,
        )
        j1 = self.recommend(
            "inspection",
            "Joint targeted area inspection: domestic abuse",
            "3",
            "DRAM and MARAC minutes record the actions that keep each child safe, with owners "
            "and dates.",
            ["domestic-abuse"],
            ["police"],
            day=self.ago(300),
        )
        n1 = self.recommend(
            "national_review",
            "National panel thematic review: safeguarding babies",
            "2",
            "Partnerships make sure fathers and male carers are seen and assessed.",
            ["injuries-in-babies", "think-family", "cultural-competency"],
            [],
            for_partnership=True,
            day=self.ago(260),
        )
        a1 = self.recommend(
            "audit",
            "Multi-agency audit: supervision in child protection cases",
            "1",
            "Every child protection case has recorded management oversight at least monthly.",
            ["supervision"],
            ["csc"],
            day=self.ago(120),
        )
        lis, cr = "Learning and Improvement Subgroup", "Case Review Subgroup"
        self.act(
            k1,
            "Relaunch the bruising protocol with a 7-minute briefing for every team.",
            lis,
            due=self.ago(120),
            state="achieved",
            day=k_day,
        )
        self.act(
            k1,
            "Audit ED attendances of babies under 6 months for protocol compliance.",
            "hospital",
            due=self.ahead(45),
            state="on_track",
            day=k_day,
        )
        self.act(
            k2,
            "Change the health record system so an address change tasks the whole team.",
            "health",
            due=self.ago(30),
            state="off_track",
            day=k_day,
        )
        self.act(
            k2,
            "Remind health visitors to share moves by secure e-mail until the change.",
            "health",
            due=self.ago(150),
            state="achieved_oversight",
            day=k_day,
        )
        self.act(
            k2,
            "Pilot a paper address-change form in two health visiting teams.",
            "health",
            due=self.ago(60),
            state="withdrawn",
            day=k_day,
        )
        self.act(
            k3,
            "Dip sample CIN and CP cases with a household change for a new assessment.",
            "csc",
            due=self.ahead(20),
            state="at_risk",
            day=k_day,
        )
        self.act(
            k3,
            "Add household composition to the core group agenda template.",
            cr,
            due=self.ago(60),
            state="completed",
            day=k_day,
        )
        self.act(
            r1,
            "Roll out the Graded Care Profile across the district.",
            "Neglect Subgroup",
            due=self.ahead(90),
            state="on_track",
            day=r_day,
        )
        self.act(
            r1,
            "Train designated safeguarding leads in recognising cumulative neglect.",
            "school",
            due=self.ahead(60),
            state="some_impact",
            day=r_day,
        )
        self.act(
            r2,
            "Audit was-not-brought follow-up in community paediatrics.",
            "hospital",
            due=self.ahead(120),
            state="not_started",
            day=r_day,
        )
        self.act(
            e1,
            "Agree a shared return-home interview template and route.",
            "police",
            due=self.ago(10),
            state="off_track",
            day=self.ago(110),
        )
        self.act(
            j1,
            "Introduce an actions log with owners and dates for every MARAC case.",
            "police",
            due=self.ago(200),
            state="achieved",
            day=self.ago(290),
        )
        self.act(
            n1,
            "Add fathers and male carers to the pre-birth assessment checklist.",
            lis,
            due=self.ahead(30),
            state="on_track",
            day=self.ago(250),
        )
        self.act(
            a1,
            "Report monthly supervision compliance to the PMAE subgroup.",
            "Performance, Monitoring and Evaluation Subgroup",
            due=self.ahead(10),
            state="not_started",
            day=self.ago(100),
        )
        self.escalate_and_seek_assurance()

    def escalate_and_seek_assurance(self) -> None:
        blocked = Action.objects.filter(
            status=ActionStatus.OFF_TRACK, owner_agency=self.agencies["health"]
        ).first()
        if blocked is not None:
            with self.on(self.ago(5)):
                plan.action_escalate(
                    actor=self.officer,
                    action=blocked,
                    reason="The system supplier cannot make the change without funding; the "
                    "trust's board has not yet agreed it. The lead partners are asked to "
                    "unblock the funding decision.",
                )
        requests = [
            (
                "police",
                "Show that every MARAC case now has an actions log with owners and dates "
                "(a sample of 20 cases).",
                60,
                "answered_judged",
            ),
            (
                "health",
                "How many health visitors have shared a family's move with the whole team "
                "since the reminder? Send the audit.",
                40,
                "answered",
            ),
            (
                "hospital",
                "Send the first results of the bruising protocol audit in the emergency "
                "department.",
                25,
                "awaiting",
            ),
            (
                "csc",
                "Show the dip sample of household changes and the assessments that followed.",
                8,
                "awaiting_overdue",
            ),
            (
                "school",
                "How many designated safeguarding leads have completed the neglect "
                "training, by school?",
                30,
                "awaiting",
            ),
            (
                "police",
                "Show that officers attending domestic abuse incidents record the children "
                "in the household (a sample of 30 incidents).",
                110,
                "not_assured_escalated",
            ),
            (
                "police",
                "Show that child protection referrals from custody reach the front door the "
                "same day.",
                100,
                "not_assured_asked_again",
            ),
        ]
        for key, question, asked_days_ago, state in requests:
            agency = self.agencies[key]
            action = Action.objects.filter(owner_agency=agency).order_by("pk").first()
            asked = self.ago(asked_days_ago)
            due = asked + dt.timedelta(days=21 if state != "awaiting_overdue" else 5)
            with self.on(asked):
                request = assurance.assurance_request_create(
                    actor=self.officer,
                    agency=agency,
                    question=question,
                    due_on=due,
                    action=action,
                )
            if state.startswith(("answered", "not_assured")):
                responder = self.agency_lead(agency)
                if responder is None:
                    continue
                with self.on(asked + dt.timedelta(days=15)):
                    assurance.assurance_request_answer(
                        actor=responder,
                        request=request,
                        response="Audit attached: 19 of the 20 sampled cases meet the standard; "
                        "the one that did not has been taken up with the manager.",
                    )
                if state == "answered_judged":
                    with self.on(asked + dt.timedelta(days=30)):
                        assurance.assurance_request_judge(
                            actor=self.scrutineer,
                            request=request,
                            judgement="assured",
                            notes="The sample is large enough and the exception was followed up.",
                        )
                if state.startswith("not_assured"):
                    with self.on(asked + dt.timedelta(days=30)):
                        assurance.assurance_request_judge(
                            actor=self.scrutineer,
                            request=request,
                            judgement="not_assured",
                            notes="The answer describes the procedure but sends no evidence "
                            "that it is followed.",
                        )
                    with self.on(asked + dt.timedelta(days=35)):
                        if state == "not_assured_escalated":
                            assurance.assurance_request_escalate(
                                actor=self.officer,
                                request=request,
                                reason="A second request has had no evidence; the lead "
                                "partners are asked to agree an audit with the force.",
                            )
                        else:
                            assurance.assurance_request_ask_again(
                                actor=self.officer,
                                request=request,
                                question="Send the audit of 20 custody referrals and the times "
                                "the front door received them.",
                                due_on=asked + dt.timedelta(days=60),
                            )


# --- The governance year: risk log, business plan, subgroups, audits, returns, finances -----

S11_STANDARDS = [
    "Senior management commitment to safeguarding children",
    "A clear line of accountability for safeguarding",
    "Safeguarding built into service development",
    "Staff training on safeguarding and its take-up",
    "Safer recruitment, allegations and whistleblowing",
    "Effective inter-agency working and information sharing",
    "Listening to children and acting on their views",
    "Supervision and support for staff who work with children",
]
S175_STANDARDS = [
    "A designated safeguarding lead with time and training for the role",
    "All staff trained and aware of Keeping Children Safe in Education",
    "Safer recruitment and a single central record",
    "Early help identified and offered",
    "Online safety taught and filtered",
]
BUSINESS_PLAN = [
    (
        "Children living with neglect are identified early and helped",
        [
            (
                "Practitioners in every agency use the Graded Care Profile when neglect is "
                "suspected.",
                "All early help and health visiting teams trained by the end of the second "
                "quarter; 200 assessments in the year.",
                "Quarterly count of assessments by agency; a case audit of 12 families.",
                ["Neglect Subgroup"],
                "",
                ["on_track", "at_risk"],
            ),
            (
                "Challenge panels find fewer cases where neglect was seen late.",
                "Neglect challenge panel each spring.",
                "Challenge panel outcome report: more good, fewer inadequate grades.",
                ["Performance, Monitoring and Evaluation Subgroup"],
                "",
                ["on_track"],
            ),
        ],
    ),
    (
        "Learning from reviews changes practice",
        [
            (
                "Every practice review has a learning brief and a practitioner event within "
                "three months of publication.",
                "Learning briefs published with each review; events booked on the training "
                "calendar.",
                "Event attendance by agency; follow-up survey of practice three months on.",
                ["Learning and Improvement Subgroup"],
                "",
                ["on_track", "achieved"],
            ),
            (
                "The partnership shows how its decisions are informed by children's views.",
                "Methodology to the board by the autumn meeting.",
                "Board minutes; audits show children's views recorded and acted on.",
                ["Performance, Monitoring and Evaluation Subgroup"],
                "All subgroups and the main board",
                ["off_track"],
            ),
        ],
    ),
    (
        "A culture of constructive challenge across the partnership",
        [
            (
                "Subgroups send bi-monthly summaries and the board receives a quarterly "
                "outcome report from the challenge and risk log.",
                "Summaries 15 working days after each subgroup; the log's report each quarter.",
                "Subgroup summary reports; the risk log's quarterly report; board minutes.",
                ["Oversight and Delivery Group"],
                "All subgroups",
                ["on_track"],
            ),
        ],
    ),
]
RISKS = [
    # (raised by subgroup, against agency key or subgroup name, concern, asked, days ago,
    #  days to answer, state)
    (
        "Case Review Subgroup",
        "police",
        "Health partners are missing from a third of strategy discussions held out of hours.",
        "An audit of 20 out-of-hours strategy discussions showing who took part.",
        300,
        42,
        "resolved",
    ),
    (
        "Neglect Subgroup",
        "csc",
        "Child in need plans for neglect drift without review for more than three months.",
        "Figures for plans without a review in 12 weeks, by team, and the recovery plan.",
        220,
        42,
        "partly_resolved",
    ),
    (
        "",
        "health",
        "Health visiting caseloads are well above the agreed level in two localities.",
        "Caseload figures by locality and the mitigation while posts are filled.",
        120,
        28,
        "responded",
    ),
    (
        "Performance, Monitoring and Evaluation Subgroup",
        "hospital",
        "The bruising protocol is not applied to every non-mobile baby seen in the emergency "
        "department.",
        "The first results of the emergency department's bruising protocol audit.",
        75,
        30,
        "open",
    ),
    (
        "Learning and Improvement Subgroup",
        "school",
        "Designated safeguarding leads in some schools have not completed the neglect training.",
        "Training completion by school and the plan to reach every lead.",
        20,
        45,
        "open",
    ),
    (
        "",
        "Neglect Subgroup",
        "The Graded Care Profile roll-out is behind the business plan's timeline.",
        "A revised roll-out plan with dates and the agencies not yet started.",
        60,
        21,
        "responded",
    ),
]
AUDIT_QUESTIONS = [
    "Was neglect recognised at the first opportunity?",
    "Did agencies share what they knew with each other in time?",
    "Was the child seen and were their views recorded?",
    "Did the plan address the neglect and was progress reviewed?",
]
FINANCE_YEARS = [
    # (years before the current financial year, contributions, spending)
    (
        2,
        {"csc": 300000, "health": 190000, "police": 110000},
        {
            "Staffing": 410000,
            "Independent scrutiny": 40000,
            "Case reviews": 55000,
            "Training programme": 25000,
            "Running costs": 20000,
        },
    ),
    (
        1,
        {"csc": 310000, "health": 200000, "police": 115000},
        {
            "Staffing": 455000,
            "Independent scrutiny": 45000,
            "Case reviews": 90000,
            "Training programme": 30000,
            "Running costs": 20000,
        },
    ),
]


class _Governance:
    """The partnership's governance year, written through the partnership's services."""

    def __init__(self, demo: _Demo) -> None:
        self.d = demo
        users = demo.users()
        self.officer, self.chair, self.scrutineer = (
            users["partnership.officer"],
            users["subgroup.chair"],
            users["scrutineer"],
        )
        self.subgroups = {s.name: s for s in Subgroup.objects.all()}
        self.themes = {theme.code: theme for theme in themes_ensure()}

    def responder(self, agency: Agency) -> User | None:
        """Who answers for the agency: its named lead."""
        return self.d.agency_lead(agency)

    def load(self) -> None:
        d = self.d
        with d.on(d.ago(370)):
            learning = self.subgroups.get("Learning and Improvement Subgroup")
            if learning is not None:
                subgroups.subgroup_update(
                    actor=self.officer,
                    subgroup=learning,
                    terms_of_reference=learning.terms_of_reference,
                    chair=self.chair,
                )
        self.meetings()
        self.risk_log()
        self.business_plan()
        self.audit_round()
        self.returns()
        self.finances()

    # --- Subgroups ------------------------------------------------------------------------
    def meetings(self) -> None:
        d = self.d
        keys = ["csc", "police", "health", "hospital", "school", "probation"]
        for index, subgroup in enumerate(self.subgroups.values()):
            with d.on(d.ago(365)):
                members = [
                    subgroups.subgroup_member_add(
                        actor=self.officer,
                        subgroup=subgroup,
                        agency=agency,
                        name=" ".join(d.s.person_name(d.s.pick({"F": 0.6, "M": 0.4}))),
                        role_title="Safeguarding lead",
                    )
                    for agency in d.distinct(*keys[: 4 + index % 3])
                ]
            for number, days_ago in enumerate((300, 180, 60 - index * 3)):
                held = d.ago(days_ago)
                with d.on(held):
                    attendance = {
                        m.pk: "apologies" if (i + number) % 5 == 4 else "present"
                        for i, m in enumerate(members)
                    }
                    meeting = subgroups.subgroup_meeting_record(
                        actor=self.officer,
                        subgroup=subgroup,
                        held_on=held,
                        minutes="Apologies and minutes of the last meeting agreed. Action log "
                        "reviewed. The group considered the thematic plan's actions it owns, "
                        "the challenge and risk log and the latest audit findings.",
                        attendance=attendance,
                    )
                    tasks = [
                        (
                            "Bring the agency's update on the plan's actions to the next meeting.",
                            45,
                        ),
                        ("Circulate the audit findings to every agency's safeguarding lead.", 30),
                    ]
                    items = [
                        subgroups.meeting_action_add(
                            actor=self.officer,
                            meeting=meeting,
                            description=text,
                            owner=members[(number + i) % len(members)],
                            due_on=held + dt.timedelta(days=days),
                        )
                        for i, (text, days) in enumerate(tasks)
                    ]
                if number < 2:
                    done = min(d.today, held + dt.timedelta(days=25))
                    with d.on(done):
                        subgroups.meeting_action_complete(
                            actor=self.officer, item=items[0], done_on=done, note="Done."
                        )

    # --- The challenge and risk log -------------------------------------------------------
    def risk_log(self) -> None:
        d = self.d
        for by, against, concern, asked, days_ago, answer_in, state in RISKS:
            raised = d.ago(days_ago)
            agency = d.agencies.get(against)
            with d.on(raised):
                entry = risk.risk_log_entry_create(
                    actor=self.officer if not by else self.chair,
                    raised_by_subgroup=self.subgroups.get(by),
                    against_agency=agency,
                    against_subgroup=None if agency else self.subgroups.get(against),
                    concern=concern,
                    assurance_requested=asked,
                    assurance_due_on=raised + dt.timedelta(days=answer_in),
                )
            if state == "open":
                continue
            responder = self.responder(agency) if agency else self.officer
            if responder is None:
                continue
            answered = min(d.today, raised + dt.timedelta(days=answer_in - 5))
            with d.on(answered):
                risk.risk_log_entry_respond(
                    actor=responder,
                    entry=entry,
                    response="Report attached. The audit found most cases met the standard; "
                    "the exceptions have been taken up with the managers concerned.",
                )
            if state in ("resolved", "partly_resolved"):
                closed = min(d.today, answered + dt.timedelta(days=21))
                with d.on(closed):
                    risk.risk_log_entry_close(
                        actor=self.officer,
                        entry=entry,
                        outcome=state,
                        outcome_notes="Considered at the business planning group."
                        if state == "resolved"
                        else "Further action agreed: a re-audit in six months.",
                        closed_on=closed,
                    )

    # --- The business plan ----------------------------------------------------------------
    def business_plan(self) -> None:
        d = self.d
        start = d.today.year if d.today.month >= 4 else d.today.year - 1
        period = f"{start - 1}-{(start + 1) % 100:02d}"
        for number, (title, outcomes) in enumerate(BUSINESS_PLAN, start=1):
            with d.on(d.ago(360)):
                priority = business_plan.plan_priority_create(
                    actor=self.officer, period=period, number=number, title=title
                )
            for index, (text, targets, evidence, names, note, ratings) in enumerate(outcomes):
                with d.on(d.ago(360)):
                    outcome = business_plan.plan_outcome_create(
                        actor=self.officer,
                        priority=priority,
                        number=f"{number}.{index + 1}",
                        outcome=text,
                        targets_and_timelines=targets,
                        evidence_of_impact=evidence,
                        responsible_subgroups=[
                            self.subgroups[n] for n in names if n in self.subgroups
                        ],
                        responsibility_note=note or ("" if names else "The board"),
                    )
                for step, rating in enumerate(ratings):
                    with d.on(d.ago(240 - step * 120)):
                        business_plan.plan_outcome_progress_record(
                            actor=self.chair,
                            outcome=outcome,
                            rating=rating,
                            note={
                                "on_track": "Work is on plan; see the subgroup's summary.",
                                "at_risk": "Two agencies have not started; raised with them.",
                                "off_track": "The methodology has slipped to next year.",
                                "achieved": "Done, with evidence of impact.",
                            }[rating],
                            evidence="Follow-up survey: 70% of practitioners report a change "
                            "in practice."
                            if rating == "achieved"
                            else "",
                        )

    # --- Audits ---------------------------------------------------------------------------
    def audit_round(self) -> None:
        d = self.d
        neglect = self.themes.get("neglect") or next(iter(self.themes.values()), None)
        abuse = self.themes.get("domestic-abuse") or neglect
        if neglect is None or abuse is None:
            return
        pmae = self.subgroups.get("Performance, Monitoring and Evaluation Subgroup")
        audit_day = d.ago(150)
        with d.on(audit_day):
            programme = audits.audit_programme_create(
                actor=self.officer,
                title="Neglect multi-agency case audit",
                kind="case_audit",
                theme=neglect,
                subgroup=pmae,
                planned_on=audit_day,
                scope="Six children on child in need or child protection plans for neglect.",
                questions=AUDIT_QUESTIONS,
            )
        pairs = [("csc", "health"), ("police", "school"), ("health", "csc"), ("school", "police")]
        grades = ["requires_improvement", "good", "inadequate", "requires_improvement"]
        for number, ((one, two), overall) in enumerate(zip(pairs, grades, strict=True), 1):
            auditors = [
                user
                for user in (self.responder(d.agencies[one]), self.responder(d.agencies[two]))
                if user is not None
            ]
            if len({u.agency_id for u in auditors}) < 2:
                continue
            with d.on(audit_day):
                case = audits.case_audit_add(
                    actor=self.officer,
                    programme=programme,
                    case_reference=f"Neglect audit case {number}",
                    auditors=auditors,
                )
            with d.on(audit_day + dt.timedelta(days=7)):
                questions = list(programme.questions.all())
                audits.case_audit_grade(
                    actor=auditors[0],
                    case=case,
                    grades={
                        q.pk: overall if i % 2 == 0 else "good" for i, q in enumerate(questions)
                    },
                    overall_grade=overall,
                    summary="Neglect was recognised, but the plan drifted between reviews."
                    if overall != "good"
                    else "Timely, well-coordinated help; the child's views were recorded.",
                )
        with d.on(audit_day + dt.timedelta(days=21)):
            found = audits.audit_finding_record(
                actor=self.officer,
                programme=programme,
                text="Where a family moved between areas, neglect was recognised late.",
            )
            audits.audit_finding_record(
                actor=self.officer,
                programme=programme,
                text="Children's views were recorded in only half of the plans reviewed.",
            )
            audits.audit_finding_to_action(
                actor=self.officer,
                finding=found,
                description="Add a neglect check to the health visiting transfer-in visit.",
                owner_agency=d.agencies["health"],
                lead_person=d.lead("named nurse for safeguarding"),
                due_on=d.ahead(60),
            )
        panel_day = d.ago(90)
        with d.on(panel_day):
            panel = audits.audit_programme_create(
                actor=self.officer,
                title="Domestic abuse challenge panel",
                kind="challenge_panel",
                theme=abuse,
                subgroup=pmae,
                planned_on=panel_day,
                questions=["Was the risk assessment shared with every agency involved?"],
            )
            finding = audits.audit_finding_record(
                actor=self.officer,
                programme=panel,
                text="Risk assessments were not shared with schools after police call-outs.",
            )
            audits.audit_finding_to_action(
                actor=self.officer,
                finding=finding,
                description="Share domestic abuse notifications with schools by 9am the next "
                "school day.",
                owner_agency=d.agencies["police"],
                lead_person=d.lead("Detective Inspector, safeguarding"),
                due_on=d.ahead(30),
            )

    # --- Section 11 and Section 175 returns -----------------------------------------------
    def returns(self) -> None:
        d = self.d
        year = d.today.year if d.today.month >= 4 else d.today.year - 1
        with d.on(d.ago(130)):
            standards = {
                framework: [
                    self_assessment.standard_create(
                        actor=self.officer, framework=framework, number=n, title=title
                    )
                    for n, title in enumerate(titles, start=1)
                ]
                for framework, titles in (("s11", S11_STANDARDS), ("s175", S175_STANDARDS))
            }
            agencies = [
                a
                for a in d.distinct("csc", "police", "health", "hospital", "probation", "housing")
                if a.kind != Agency.Kind.SCHOOL
            ]
            schools = list(Agency.objects.filter(kind=Agency.Kind.SCHOOL, active=True)[:4])
            s11 = self_assessment.self_assessment_request(
                actor=self.officer,
                framework="s11",
                year=year,
                agencies=agencies,
                due_on=d.ago(40),
            )
            s175 = self_assessment.self_assessment_request(
                actor=self.officer,
                framework="s175",
                year=year,
                agencies=schools,
                due_on=d.ago(40),
            )
        patterns = ["ggagrggg", "gagggagg", "aarggaga", "ggggggga", "gragaagg", "gggagggg"]
        for index, item in enumerate([*s11, *s175]):
            user = self.responder(item.agency)
            if user is None:
                continue
            stage = index % 4  # 0 submitted, 1 challenged, 2 in progress, 3 not started
            if stage == 3:
                continue
            listed = standards[item.framework]
            if stage == 2:
                listed = listed[: len(listed) // 2]
            pattern = patterns[index % len(patterns)]
            with d.on(d.ago(70 - index)):
                for n, standard in enumerate(listed):
                    self_assessment.self_assessment_rate(
                        actor=user,
                        item=item,
                        standard_id=standard.pk,
                        rag={"g": "green", "a": "amber", "r": "red"}[pattern[n % len(pattern)]],
                        evidence="Policy reviewed this year; audit and training figures attached.",
                    )
                if stage in (0, 1):
                    self_assessment.self_assessment_submit(actor=user, item=item)
            if stage == 1:
                with d.on(d.ago(30 - index)):
                    self_assessment.self_assessment_challenge(
                        actor=self.scrutineer,
                        item=item,
                        challenge="Show how staff training take-up is checked, and the "
                        "supervision audit behind the green rating.",
                    )
                # Every other challenged return has the agency's lead's response.
                if index % 8 == 1 and user.is_agency_lead:
                    with d.on(d.ago(20 - index)):
                        self_assessment.self_assessment_challenge_respond(
                            actor=user,
                            item=item,
                            response="Take-up is checked monthly by the safeguarding lead; the "
                            "supervision audit of 30 files is attached to the board papers.",
                        )

    # --- Finances -------------------------------------------------------------------------
    def finances(self) -> None:
        d = self.d
        current = d.today.year if d.today.month >= 4 else d.today.year - 1
        for back, contributions, spending in FINANCE_YEARS:
            start = current - back
            with d.on(min(d.today, dt.date(start + 1, 5, 15))):
                year = finance.financial_year_create(
                    actor=self.officer,
                    start_year=start,
                    notes="Contributions from the three statutory partners for the business "
                    "unit's staffing and running costs.",
                )
                for key, amount in contributions.items():
                    finance.contribution_record(
                        actor=self.officer,
                        year=year,
                        partner=d.agencies[key],
                        amount=Decimal(amount),
                    )
                for heading, amount in spending.items():
                    finance.spending_record(
                        actor=self.officer, year=year, heading=heading, amount=Decimal(amount)
                    )


def load_partnership_demo(*, seed: int = 7) -> None:
    """Write the partnership's year into the demo district (once: a second call does nothing).

    Two parts, each written once: the case reviews and the thematic plan, then the governance
    (risk log, business plan, subgroup meetings, audits, self-assessment returns, finances).
    Needs the district's agencies; creates the partnership sign-ins if they are missing.
    """
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        if not SeriousIncident.objects.exists():
            _Demo(seed).load()
        if not RiskLogEntry.objects.exists():
            _Governance(_Demo(seed)).load()
