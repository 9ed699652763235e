"""A realistic casework history across census years 2024 and 2025, written through the casework
models, for the census and Annex A tests (and for the demo district while it has none).

Each story is one child's path through the statutory pathway, dated so the census year
boundaries (1 April, 31 March) are crossed the ways a real return sees them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from sightline.accounts.models import Team, User
from sightline.casework.models import (
    AbuseCategory,
    Assessment,
    Conference,
    Episode,
    Plan,
    S47Enquiry,
    StatutoryVisit,
    StrategyDiscussion,
)
from sightline.core.working_days import add_working_days
from sightline.people.models import Person
from sightline.people.services import person_create, person_ensure_social_care_record

D = dt.date


@dataclass
class Story:
    child: Person
    episodes: list[Episode] = field(default_factory=list)


class CaseworkHistory:
    """Writes episodes and their modules for one social work team."""

    def __init__(self, *, team: Team, worker: User, manager: User) -> None:
        self.team = team
        self.worker = worker
        self.manager = manager

    def episode(
        self,
        child: Person,
        referred: dt.date,
        *,
        source: str = "6",
        need: str = "N1",
        nfa: bool = False,
        closed: dt.date | None = None,
        reason: str = "",
    ) -> Episode:
        person_ensure_social_care_record(actor="test", person=child)
        return Episode.objects.create(
            child=child,
            referral_date=referred,
            referral_source=source,
            primary_need=need,
            referral_nfa=nfa,
            team=self.team,
            lead_social_worker=self.worker,
            closure_date=closed,
            closure_reason=reason,
            created_by=self.worker,
        )

    def assessment(
        self,
        episode: Episode,
        start: dt.date,
        *,
        authorised: dt.date | None = None,
        factors: list[str] | None = None,
        seen: bool = True,
    ) -> Assessment:
        return Assessment.objects.create(
            episode=episode,
            start_date=start,
            due_date=add_working_days(episode.referral_date, 45),
            child_seen_date=start + dt.timedelta(days=3) if seen else None,
            child_voice="I want my mum to stop shouting." if seen else "",
            factors=factors or [],
            outcome="Needs identified." if authorised else "",
            completed_date=authorised,
            authorised_date=authorised,
            authorised_by=self.manager if authorised else None,
            social_worker=self.worker,
            created_by=self.worker,
        )

    def s47(
        self,
        episode: Episode,
        start: dt.date,
        *,
        icpc: dt.date | None = None,
        category: str = AbuseCategory.NEG,
        not_required_on: dt.date | None = None,
        plan: bool = True,
    ) -> tuple[S47Enquiry, Conference | None]:
        discussion = StrategyDiscussion.objects.create(
            episode=episode,
            held_at=timezone.make_aware(dt.datetime.combine(start, dt.time(10, 0))),
            information_shared="Police, health and school shared what they know.",
            s47_decided=True,
            rationale="Reasonable cause to suspect significant harm.",
            safety_plan="Child to stay with grandmother until conference.",
            chaired_by=self.manager,
        )
        enquiry = S47Enquiry.objects.create(
            episode=episode,
            strategy_discussion=discussion,
            start_date=start,
            icpc_target_date=add_working_days(start, 15),
            completed_date=not_required_on or icpc,
            icpc_not_required=not_required_on is not None,
            outcome="Concerns substantiated." if icpc else "Concerns not substantiated.",
            created_by=self.worker,
        )
        conference = None
        if icpc is not None:
            conference = Conference.objects.create(
                episode=episode,
                kind=Conference.Kind.INITIAL,
                s47=enquiry,
                conference_date=icpc,
                due_date=enquiry.icpc_target_date,
                decision=Conference.Decision.CP_PLAN if plan else Conference.Decision.NO_PLAN,
                category=category if plan else "",
                lead_social_worker=self.worker,
                chair="Independent chair",
                created_by=self.manager,
            )
        return enquiry, conference

    def cp_plan(
        self,
        episode: Episode,
        icpc: Conference,
        *,
        ended: dt.date | None = None,
        reviews: list[dt.date] = (),  # type: ignore[assignment]
        latest: str = "",
    ) -> Plan:
        plan = Plan.objects.create(
            episode=episode,
            kind=Plan.Kind.CP,
            status=Plan.Status.ENDED if ended else Plan.Status.CONFIRMED,
            start_date=icpc.conference_date,
            end_date=ended,
            end_reason="No longer at continuing risk." if ended else "",
            icpc=icpc,
            initial_category=icpc.category,
            latest_category=latest or icpc.category,
            version=1,
            created_by=self.worker,
        )
        for day in reviews:
            Conference.objects.create(
                episode=episode,
                kind=Conference.Kind.REVIEW,
                conference_date=day,
                due_date=day,
                decision=Conference.Decision.END
                if ended and day == ended
                else Conference.Decision.CONTINUE,
                category=latest or icpc.category,
                lead_social_worker=self.worker,
                created_by=self.manager,
            )
        return plan

    def cin_plan(self, episode: Episode, start: dt.date, *, ended: dt.date | None = None) -> Plan:
        return Plan.objects.create(
            episode=episode,
            kind=Plan.Kind.CIN,
            status=Plan.Status.ENDED if ended else Plan.Status.CONFIRMED,
            start_date=start,
            end_date=ended,
            version=1,
            created_by=self.worker,
        )

    def visit(self, episode: Episode, day: dt.date, *, alone: bool = True) -> StatutoryVisit:
        return StatutoryVisit.objects.create(
            episode=episode, visit_date=day, child_seen=True, seen_alone=alone,
            visited_by=self.worker,
        )  # fmt: skip


def unborn_child(family_name: str, expected: dt.date, born: dt.date | None = None) -> Person:
    """A child expected on `expected`; `born` once they have been (the record is then a child's,
    keeping the expected date). Written directly: the people services refuse an expected date
    already past, which a history written after the birth needs."""
    if born is None and expected > timezone.localdate():
        return person_create(
            actor="test",
            kind=Person.Kind.UNBORN,
            family_name=family_name,
            expected_date_of_birth=expected,
            sex="U",
        )
    return Person.objects.create(
        kind=Person.Kind.CHILD if born else Person.Kind.UNBORN,
        given_name="Baby" if born else "",
        family_name=family_name,
        date_of_birth=born,
        expected_date_of_birth=expected,
        sex="F" if born else "U",
    )


def stories_write(history: CaseworkHistory, children: list[Person]) -> dict[str, Story]:
    """Twelve children's stories (`children` needs eleven born between 2009 and 2022; an
    unborn child is added). Returns them by name."""
    h = history
    kids = iter(children)
    stories: dict[str, Story] = {}

    def story(name: str, child: Person | None = None) -> Story:
        stories[name] = Story(child or next(kids))
        return stories[name]

    # A referral that led to no further action, in census year 2025.
    s = story("nfa")
    s.episodes.append(
        h.episode(
            s.child,
            D(2025, 6, 10),
            source="9",
            need="",
            nfa=True,
            closed=D(2025, 6, 10),
            reason="RC7",
        )  # fmt: skip
    )
    # Assessed, no further action (RC8).
    s = story("assessed_nfa")
    e = h.episode(s.child, D(2025, 5, 1), source="2A", need="N4", closed=D(2025, 6, 25),
                  reason="RC8")  # fmt: skip
    h.assessment(e, D(2025, 5, 2), authorised=D(2025, 6, 20), factors=["21"])
    s.episodes.append(e)
    # Assessed, then a child in need plan still open at 31 March 2026.
    s = story("cin_plan")
    e = h.episode(s.child, D(2025, 7, 14), source="2A", need="N5")
    h.assessment(e, D(2025, 7, 15), authorised=D(2025, 8, 28), factors=["3B", "4B"])
    h.cin_plan(e, D(2025, 9, 5))
    h.visit(e, D(2026, 2, 10))
    s.episodes.append(e)
    # S47, ICPC, CP plan with two reviews, open at the year end.
    s = story("cp_open")
    e = h.episode(s.child, D(2025, 4, 7), source="6", need="N1")
    h.assessment(e, D(2025, 4, 8), authorised=D(2025, 5, 20), factors=["3B", "18C"])
    _, icpc = h.s47(e, D(2025, 4, 8), icpc=D(2025, 4, 28), category=AbuseCategory.PHY)
    assert icpc is not None
    h.cp_plan(e, icpc, reviews=[D(2025, 7, 21), D(2026, 1, 19)], latest=AbuseCategory.MUL)
    h.visit(e, D(2026, 3, 16), alone=False)
    h.visit(e, D(2026, 3, 2))
    s.episodes.append(e)
    # Began in census year 2024: CP plan ended in August 2025, stepped down to a CIN plan,
    # closed in December 2025.
    s = story("stepped_down")
    e = h.episode(s.child, D(2024, 11, 4), source="3A", need="N1", closed=D(2025, 12, 1),
                  reason="RC7")  # fmt: skip
    h.assessment(e, D(2024, 11, 5), authorised=D(2024, 12, 16), factors=["16A", "2B"])
    _, icpc = h.s47(e, D(2024, 11, 5), icpc=D(2024, 11, 25), category=AbuseCategory.NEG)
    assert icpc is not None
    h.cp_plan(e, icpc, ended=D(2025, 8, 18), reviews=[D(2025, 2, 24), D(2025, 8, 18)])
    h.cin_plan(e, D(2025, 8, 19), ended=D(2025, 12, 1))
    s.episodes.append(e)
    # Closed on 31 March 2025: census year 2024 only.
    s = story("closed_31_march")
    e = h.episode(s.child, D(2025, 1, 10), source="1A", need="N4", closed=D(2025, 3, 31),
                  reason="RC8")  # fmt: skip
    h.assessment(e, D(2025, 1, 13), authorised=D(2025, 3, 10), factors=["21"])
    s.episodes.append(e)
    # Referred on 1 April 2025: census year 2025 only.
    s = story("referred_1_april")
    e = h.episode(s.child, D(2025, 4, 1), source="3B", need="N3", closed=D(2025, 5, 20),
                  reason="RC9")  # fmt: skip
    h.assessment(e, D(2025, 4, 2), authorised=D(2025, 5, 12), factors=["4B", "6B"])
    s.episodes.append(e)
    # An unborn child on a pre-birth child protection plan (born in May 2026, after the year).
    s = story("unborn", unborn_child("Prebirth", D(2026, 5, 20), born=D(2026, 5, 18)))
    e = h.episode(s.child, D(2025, 11, 3), source="3D", need="N1")
    h.assessment(e, D(2025, 11, 4), authorised=D(2025, 12, 15), factors=["2B", "3B"])
    _, icpc = h.s47(e, D(2025, 12, 16), icpc=D(2026, 1, 12), category=AbuseCategory.NEG)
    assert icpc is not None
    h.cp_plan(e, icpc)
    s.episodes.append(e)
    # S47 ended without a conference; a CIN plan instead.
    s = story("icpc_not_required")
    e = h.episode(s.child, D(2025, 9, 15), source="2A", need="N1")
    h.assessment(e, D(2025, 9, 16), authorised=D(2025, 10, 20), factors=["17A"])
    h.s47(e, D(2025, 9, 16), not_required_on=D(2025, 10, 3))
    h.cin_plan(e, D(2025, 10, 24))
    s.episodes.append(e)
    # Referred in March 2026: the assessment was authorised after the year ended.
    s = story("assessment_open")
    e = h.episode(s.child, D(2026, 3, 2), source="1C", need="N4")
    h.assessment(e, D(2026, 3, 3), authorised=D(2026, 4, 14), factors=["14A"])
    s.episodes.append(e)
    # A second CP plan: the first was in 2023.
    s = story("second_plan")
    old = h.episode(s.child, D(2023, 5, 1), source="6", need="N1", closed=D(2024, 2, 1),
                    reason="RC7")  # fmt: skip
    h.assessment(old, D(2023, 5, 2), authorised=D(2023, 6, 12), factors=["17A"])
    _, first = h.s47(old, D(2023, 5, 15), icpc=D(2023, 6, 5), category=AbuseCategory.EMO)
    assert first is not None
    h.cp_plan(old, first, ended=D(2024, 1, 15), reviews=[D(2023, 9, 4), D(2024, 1, 15)])
    e = h.episode(s.child, D(2025, 10, 6), source="6", need="N1")
    h.assessment(e, D(2025, 10, 7), authorised=D(2025, 11, 17), factors=["17A", "3B"])
    _, icpc = h.s47(e, D(2025, 10, 7), icpc=D(2025, 10, 27), category=AbuseCategory.EMO)
    assert icpc is not None
    h.cp_plan(e, icpc, reviews=[D(2026, 1, 26)])
    s.episodes += [old, e]
    # A disabled child on a CIN plan since census year 2024.
    s = story("long_cin")
    e = h.episode(s.child, D(2024, 6, 3), source="3F", need="N2")
    h.assessment(e, D(2024, 6, 4), authorised=D(2024, 7, 15), factors=["6A"])
    h.cin_plan(e, D(2024, 7, 22))
    h.visit(e, D(2025, 12, 1))
    s.episodes.append(e)
    return stories
