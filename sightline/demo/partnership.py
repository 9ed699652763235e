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

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, Role, User
from sightline.core.models import Theme
from sightline.core.working_days import LONDON, add_working_days
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.organisations import DEMO_PASSWORD
from sightline.demo.synthetic import Synthetic
from sightline.partnership.models import (
    Action,
    ActionStatus,
    ImpactAssessment,
    RapidReview,
    Recommendation,
    SeriousIncident,
    Subgroup,
)
from sightline.partnership.services import assurance, plan, reviews

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
        self.themes = {theme.code: theme for theme in Theme.objects.all()}
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
                )
        first = review.information_requests.order_by("due_on").first()
        if first is not None and first.due_on <= self.today:
            with self.on(first.due_on):
                reviews.rapid_review_record_return(
                    actor=self.officer,
                    request=first,
                    returned_on=first.due_on,
                    summary="Case records, the plan and the last three core group minutes.",
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
        }[state if state != "achieved_oversight" else "achieved"]
        if progress is not None:
            actor = self.chair if subgroup else self.officer
            with self.on(progress_day):
                plan.action_progress_record(
                    actor=actor, action=action, note="Quarterly update.", **progress
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
            if state.startswith("answered"):
                responder = (
                    User.objects.filter(agency=agency).exclude(role=Role.UNSCHEDULED_CARE).first()
                )
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


def load_partnership_demo(*, seed: int = 7) -> None:
    """Write the partnership's year into the demo district (once: a second call does nothing).

    Needs the district's agencies; creates the partnership sign-ins if they are missing.
    """
    if SeriousIncident.objects.exists():
        return
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        _Demo(seed).load()
