"""A year at the Northmoor front door, replayed through the real services.

Contacts go through `contact_create` and decisions through `contact_decide` (and a manager's
`decision_authorise` where no further action needs one), each with the clock set to the moment
it happened, so the chronology, the audit trail and the notifications are exactly what the
product would have written. Police domestic abuse incidents and emergency department
attendances behind some contacts go on the chronology through `event_record`.

The rate follows Bradford's 3,479 contacts a month (DOMAIN.md section 8) scaled by the
district's children. Contacts cluster in the households that worry agencies, so some children
have repeat contacts, which the cumulative-risk rules look for. The most recent contacts are
left undecided in the front door queue: some overdue, some due today, some just arrived.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sightline.accounts.models import Profession, User
from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.core.working_days import (
    LONDON,
    add_working_hours,
    is_working_day,
)
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.concerns import (
    ACTIONS,
    CATEGORIES,
    CHILD_VOICE,
    CONSENT_DETAIL,
    PRESENTATION,
    RATIONALES,
    REFERRERS,
    Wording,
    concern_templates,
    urgent_concern_templates,
)
from sightline.demo.organisations import AREAS, TOWN, Staff
from sightline.demo.population import District, Home
from sightline.demo.synthetic import Synthetic
from sightline.frontdoor.models import Channel, Consent, Contact, LawfulBasis, Urgency
from sightline.frontdoor.services.contacts import contact_create
from sightline.frontdoor.services.decisions import contact_decide, decision_authorise
from sightline.people.models import Person

BRADFORD_CONTACTS_PER_YEAR = 41_745  # 3,479 a month, 2023-24
BRADFORD_SCALE_CHILDREN = 100_000  # the brief's scale: 2,000 children is 2% of Bradford's rate
POLICE_SYSTEM = "Northmoor Police system"

OUTCOMES = {"nfa": 0.31, "advice": 0.24, "early_help": 0.19, "referral": 0.23, "strategy": 0.03}
LEVELS = {
    "nfa": {"L1": 0.75, "L2": 0.25},
    "advice": {"L1": 0.3, "L2": 0.7},
    "early_help": {"L3": 1.0},
    "referral": {"L4": 1.0},  # a statutory response is level 4 (decisions refuse others)
    "strategy": {"L4": 1.0},
}
TILT = {  # how each kind of worry shifts the outcome
    "domestic_abuse": {"referral": 1.2},
    "physical_harm": {"referral": 1.6, "strategy": 4.0, "nfa": 0.6},
    "adolescent_risk": {"referral": 1.3, "strategy": 1.5},
    "housing_and_poverty": {"early_help": 1.6, "advice": 1.4, "referral": 0.4, "strategy": 0.0},
    "parental_mental_health": {"early_help": 1.3},
}
MONTH_WEIGHT = {
    1: 1.05,
    2: 1.0,
    3: 1.05,
    4: 0.95,
    5: 1.05,
    6: 1.05,
    7: 1.0,
    8: 0.7,
    9: 1.1,
    10: 1.15,
    11: 1.15,
    12: 0.85,
}
OUT_OF_HOURS = {"police_system", "police_officer", "ed", "family", "acquaintance", "anonymous"}


def contacts_per_year(children: int) -> int:
    return round(BRADFORD_CONTACTS_PER_YEAR * children / BRADFORD_SCALE_CHILDREN)


@dataclass
class Episode:
    """One worry about a household: one contact for each child it concerns."""

    number: int
    home: Home
    children: list[Person]
    category: str
    referrer: str
    received_at: dt.datetime
    outcome: str | None  # None: still waiting in the queue
    identified: bool = True
    contacts: list[Contact] = field(default_factory=list)
    urgency: str | None = None  # set for the queue's urgent examples; else chosen on arrival

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.received_at, LONDON).date()


class History:
    def __init__(
        self, synthetic: Synthetic, staff: Staff, district: District, now: dt.datetime
    ) -> None:
        self.s = synthetic
        self.staff = staff
        self.district = district
        self.now = now
        self.today = timezone.localtime(now, LONDON).date()
        self.homes = [home for home in district.homes if home.children]
        self.weights = [home.weight for home in self.homes]
        self.counts: Counter[str] = Counter()
        self._sequence = 0
        self._incident = 1000 + self.s.random.randrange(500)
        self._days = [self.today - dt.timedelta(days=n) for n in range(3, 366)]
        self._day_weights = [
            MONTH_WEIGHT[day.month] * (1.0 if is_working_day(day) else 0.35) for day in self._days
        ]

    # Planning ----------------------------------------------------------------------------
    def plan(self, *, per_year: int, queue: int) -> list[Episode]:
        episodes: list[Episode] = []
        planned = 0
        while planned < per_year - queue:
            received = self._historic_moment()
            episode = self._episode(len(episodes), received, decided=True)
            episodes.append(episode)
            planned += len(episode.children)
        waiting = 0
        first_waiting = len(episodes)
        while waiting < queue:
            received = self._queue_moment(waiting, queue)
            episode = self._episode(len(episodes), received, decided=False)
            episode.children = episode.children[: queue - waiting]
            episodes.append(episode)
            waiting += len(episode.children)
        self._mark_urgent_examples(episodes[first_waiting:])
        return episodes

    def _mark_urgent_examples(self, waiting: list[Episode]) -> None:
        """The latest contacts in the queue include one about a child in immediate danger and
        two that need to happen today, so the queue shows urgency at work."""
        latest = sorted(waiting, key=lambda episode: episode.received_at, reverse=True)
        for episode, urgency in zip(
            latest, (Urgency.IMMEDIATE, Urgency.TODAY, Urgency.TODAY), strict=False
        ):
            episode.urgency = urgency

    def _episode(self, number: int, received: dt.datetime, *, decided: bool) -> Episode:
        s = self.s
        day = timezone.localtime(received, LONDON).date()
        born: list[Person] = []
        while not born:  # a household with a child born by then
            home = s.random.choices(self.homes, weights=self.weights)[0]
            born = [c for c in home.children if c.date_of_birth and c.date_of_birth < day]
        teenagers = [c for c in born if (c.age_on(day) or 0) >= 11]
        category = home.theme if home.theme in CATEGORIES else s.random.choice(CATEGORIES)
        if category == "adolescent_risk" and not teenagers:
            category = s.random.choice([c for c in CATEGORIES if c != "adolescent_risk"])
        if category == "adolescent_risk":
            children = [s.random.choice(teenagers)]
        elif category == "physical_harm" or len(born) == 1 or s.chance(0.55):
            children = [s.random.choice(born)]
        else:
            children = born
        referrer = s.pick(REFERRERS[category])
        local = timezone.localtime(received, LONDON)
        if decided and referrer not in OUT_OF_HOURS and not is_working_day(local.date()):
            referrer = "police_officer"
        outcome = None
        if decided:
            weights = dict(OUTCOMES)
            for outcome_name, factor in TILT.get(category, {}).items():
                weights[outcome_name] *= factor
            outcome = s.pick(weights)
        identified = (
            decided or referrer not in ("family", "acquaintance", "anonymous") or (s.chance(0.4))
        )
        return Episode(number, home, children, category, referrer, received, outcome, identified)

    def _moment_on(self, day: dt.date, *, any_hour: bool) -> dt.datetime:
        if any_hour:
            minutes = self.s.random.randrange(0, 24 * 60)
        else:
            minutes = self.s.random.randrange(8 * 60 + 15, 17 * 60 + 45)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=LONDON)

    def _historic_moment(self) -> dt.datetime:
        day = self.s.random.choices(self._days, weights=self._day_weights)[0]
        return self._moment_on(day, any_hour=not is_working_day(day) or self.s.chance(0.2))

    def _working_day_before(self, day: dt.date, count: int) -> dt.date:
        for _ in range(count):
            day -= dt.timedelta(days=1)
            while not is_working_day(day):
                day -= dt.timedelta(days=1)
        return day

    def _queue_moment(self, index: int, total: int) -> dt.datetime:
        """Overdue (received 2 to 4 working days ago), due today, or arrived today."""
        share = index / max(total, 1)
        if share < 0.2:
            day = self._working_day_before(self.today, 2 + self.s.random.randrange(3))
            return self._moment_on(day, any_hour=False)
        local_now = timezone.localtime(self.now, LONDON)
        since_midnight = local_now.hour * 60 + local_now.minute
        if share < 0.65 or since_midnight < 60:
            return self._moment_on(self._working_day_before(self.today, 1), any_hour=False)
        minutes_ago = self.s.random.randrange(5, min(since_midnight, 8 * 60))
        return self.now - dt.timedelta(minutes=minutes_ago)

    # Replaying ---------------------------------------------------------------------------
    def replay(self, episodes: list[Episode]) -> None:
        clock = DemoClock(episodes[0].received_at if episodes else self.now)
        actions: list[tuple[dt.datetime, int, str, Any]] = []
        for episode in episodes:
            self._schedule(actions, episode.received_at, "receive", episode)
        with clock_set(clock):
            while actions:
                moment, _, kind, payload = heapq.heappop(actions)
                clock.move_to(moment)
                if kind == "receive":
                    self._receive(payload, actions)
                elif kind == "decide":
                    self._decide(payload, actions)
                elif kind == "authorise":
                    decision_authorise(actor=self.staff.demo["ifd.manager"], decision=payload)
                    self.counts["authorised by a manager"] += 1

    def _schedule(
        self,
        actions: list[tuple[dt.datetime, int, str, Any]],
        moment: dt.datetime,
        kind: str,
        payload: Any,
    ) -> None:
        self._sequence += 1
        heapq.heappush(actions, (moment, self._sequence, kind, payload))

    def _receive(self, episode: Episode, actions: list[tuple[dt.datetime, int, str, Any]]) -> None:
        referrer = self._referrer(episode)
        self._background_event(episode, referrer)
        urgency = Urgency.NOT_URGENT
        if episode.outcome == "strategy" or episode.category == "physical_harm":
            urgency = Urgency.TODAY if self.s.chance(0.7) else Urgency.IMMEDIATE
        elif self.s.chance(0.2):
            urgency = Urgency.TODAY
        template = self.s.random.choice(concern_templates(episode.category, episode.referrer))
        if episode.urgency is not None:  # one of the queue's urgent examples
            urgency = Urgency(episode.urgency)
            template = self.s.random.choice(urgent_concern_templates(urgency))
        concern = self._wording(episode, episode.children[0]).fill(template)
        if len(episode.children) > 1:
            names = [child.given_name for child in episode.children]
            concern += (
                f" One contact for each child in the household: {', '.join(names[:-1])} "
                f"and {names[-1]}."
            )
        for position, child in enumerate(episode.children):
            practitioner = referrer["channel"] == Channel.PRACTITIONER
            contact = contact_create(
                actor=referrer["actor"],
                channel=referrer["channel"],
                concern=concern,
                child=child if episode.identified else None,
                child_details=self._child_details(episode, child),
                household_details=self._household_details(episode.home, child),
                urgency=urgency,
                child_voice=(
                    self.s.random.choice(CHILD_VOICE[episode.category])
                    if practitioner and self.s.chance(0.5)
                    else ""
                ),
                child_presentation=(self.s.random.choice(PRESENTATION) if practitioner else ""),
                actions_taken=self.s.random.choice(ACTIONS) if practitioner else "",
                lawful_basis=LawfulBasis.SAFEGUARDING if referrer["user"] else "",
                consent=referrer["consent"],
                consent_detail=CONSENT_DETAIL.get(referrer["consent"], ""),
                anonymous=referrer["anonymous"],
                referrer_user=referrer["user"],
                referrer_agency=referrer["agency"],
                referrer_name=referrer["name"],
                referrer_relationship=referrer["relationship"],
                referrer_email=referrer["email"],
                external_id=f"{referrer['external_id']}-{position + 1}"
                if referrer["external_id"]
                else "",
                received_at=episode.received_at,
            )
            episode.contacts.append(contact)
            self.counts["contacts"] += 1
        if episode.outcome is not None:
            self._schedule(actions, self._decision_moment(episode), "decide", episode)

    def _decision_moment(self, episode: Episode) -> dt.datetime:
        if episode.outcome == "strategy":
            hours = self.s.random.uniform(0.2, 2.0)
        elif self.s.chance(0.1):
            hours = self.s.random.uniform(10.0, 22.0)  # late: after the end of the next day
        else:
            hours = self.s.random.uniform(0.5, 6.5)
        moment = add_working_hours(episode.received_at, hours)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def _decide(self, episode: Episode, actions: list[tuple[dt.datetime, int, str, Any]]) -> None:
        assert episode.outcome is not None
        decider = (
            self.staff.demo["ifd.manager"]
            if self.s.chance(0.1)
            else self.s.random.choice(self.staff.ifd_deciders)
        )
        level = self.s.pick(LEVELS[episode.outcome])
        rationale = self.s.random.choice(RATIONALES[episode.outcome])
        for contact in episode.contacts:
            decision = contact_decide(
                actor=decider,
                contact=contact,
                level=level,
                outcome=episode.outcome,
                rationale=rationale,
            )
            self.counts[f"decided: {episode.outcome}"] += 1
            if decision.needs_authorisation and decision.authorised_at is None:
                when = add_working_hours(decision.decided_at, self.s.random.uniform(0.5, 4.0))
                recent = decision.decided_at > self.now - dt.timedelta(days=5)
                if when < self.now - dt.timedelta(hours=1) and not (recent and self.s.chance(0.6)):
                    self._schedule(actions, when, "authorise", decision)
                else:
                    self.counts["waiting for a manager"] += 1
            # Referrals become casework episodes, with their assessments, in demo/casework.py.

    # Who, and in what words --------------------------------------------------------------
    def _referrer(self, episode: Episode) -> dict[str, Any]:
        s = self.s
        kind = episode.referrer
        child = episode.children[0]
        age = child.age_on(episode.day) or 0
        school = next(
            (m.school for m in episode.home.people if m.person is child and m.school), None
        )
        if kind == "school" and not school:
            kind = "health_visitor" if age < 5 else "gp"
        if kind == "health_visitor" and age >= 5:
            kind = "school_nurse" if school else "gp"
        referrer: dict[str, Any] = {
            "channel": Channel.PRACTITIONER,
            "user": None,
            "agency": None,
            "name": "",
            "relationship": "",
            "email": "",
            "anonymous": False,
            "external_id": "",
            "consent": s.pick(
                {Consent.GIVEN: 0.55, Consent.NOT_SOUGHT: 0.3, Consent.REFUSED: 0.15}
            ),
        }
        user: User | None = None
        if kind == "police_system":
            self._incident += s.random.randrange(1, 9)
            year = timezone.localtime(episode.received_at, LONDON).year
            referrer.update(
                channel=Channel.API,
                agency=self.staff.agencies["police"],
                actor=POLICE_SYSTEM,
                external_id=f"NMP-{year}-{self._incident:06d}",
                consent=Consent.NOT_APPLICABLE,
            )
            return referrer
        if kind in ("family", "acquaintance", "anonymous"):
            sex = s.pick({"F": 0.65, "M": 0.35})
            given, family = s.person_name(sex)
            anonymous = kind == "anonymous"
            referrer.update(
                channel=Channel.PUBLIC,
                actor="public",
                anonymous=anonymous,
                name="" if anonymous else f"{given} {family}",
                relationship="other" if anonymous else kind,
                email="" if anonymous else f"{given}.{family}@example.org".lower().replace(" ", ""),
                consent="",
            )
            return referrer
        if kind == "police_officer":
            officers = [
                u
                for u in self.staff.by_agency["police"]
                if u.profession == Profession.POLICE_OFFICER
            ]
            user = s.random.choice(officers)
        elif kind == "school":
            assert school is not None
            user = self.staff.dsl(school)
        elif kind == "health_visitor":
            visitors = self._health_visitors(episode.home)
            user = visitors[0] if visitors else s.random.choice(self.staff.school_nurses)
        elif kind == "school_nurse":
            user = s.random.choice(self.staff.school_nurses)
        elif kind == "gp":
            user = self.staff.by_agency[episode.home.gp][0]
        elif kind == "ed":
            clinicians = [
                u
                for u in self.staff.by_agency[episode.home.trust]
                if u.profession == Profession.ED_CLINICIAN
            ]
            user = s.random.choice(clinicians)
        else:  # an agency with one or two practitioners: refuge, harbour, housing, ...
            user = s.random.choice(self.staff.by_agency[kind])
        referrer.update(
            user=user, agency=user.agency, actor=user, name=user.get_full_name(), email=user.email
        )
        return referrer

    def _health_visitors(self, home: Home) -> list[User]:
        half = "NORTH" if home.trust == "nth" else "SOUTH"
        visitors = self.staff.health_visitors.get(half, [])
        if not visitors:
            return []
        return [visitors[list(AREAS).index(home.area) // 2 % len(visitors)]]

    def _wording(self, episode: Episode, child: Person) -> Wording:
        home = episode.home
        first = child.given_name
        carers = home.with_role("mother", "father", "grandparent")
        carer_member = carers[0] if carers else None
        carer_role = {"mother": "mother", "father": "father", "grandparent": "grandmother"}.get(
            carer_member.role if carer_member else "", "carer"
        )
        female_carer = carer_member is None or carer_member.person.sex == "F"
        partners = [
            m
            for m in home.people
            if m.role in ("father", "step_parent", "former_partner") and m is not carer_member
        ]
        partner = {
            "father": f"{first}'s father",
            "step_parent": "the mother's partner",
            "former_partner": f"{first}'s father, who has moved out,",
        }.get(partners[0].role if partners else "", "a former partner")
        he = child.sex == "M"
        age = child.age_on(episode.day) or 0
        line, _ = home.address_on(episode.day)
        return Wording(
            name=first,
            age="a baby" if age < 1 else "1 year old" if age == 1 else f"{age} years old",
            they="he" if he else "she",
            their="his" if he else "her",
            them="him" if he else "her",
            carer=f"{first}'s {carer_role}",
            carer_they="she" if female_carer else "he",
            carer_their="her" if female_carer else "his",
            carer_them="her" if female_carer else "him",
            partner=partner,
            address=f"{line}, {TOWN}",
            attendance=self.s.random.randrange(62, 89),
        )

    def _child_details(self, episode: Episode, child: Person) -> dict[str, Any]:
        line, postcode = episode.home.address_on(episode.day)
        if not episode.identified:  # what a member of the public knows
            age = child.age_on(episode.day)
            return {
                "given_name": child.given_name,
                "family_name": child.family_name if self.s.chance(0.6) else "",
                "age": f"about {age}" if age is not None else "",
                "address_line": line if self.s.chance(0.5) else "",
                "postcode": postcode if self.s.chance(0.5) else "",
            }
        school = next(
            (m.school for m in episode.home.people if m.person is child and m.school), None
        )
        return {
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
            "sex": child.sex,
            "nhs_number": child.nhs_number,
            "school": self.staff.agencies[school].name if school else "",
            "address_line": line,
            "town": TOWN,
            "postcode": postcode,
        }

    def _household_details(self, home: Home, child: Person) -> str:
        others = [
            f"{m.person.full_name} ({m.role.replace('_', ' ')})"
            for m in home.people
            if m.person is not child and m.left is None and m.role != "unborn"
        ]
        return "Lives with " + ", ".join(others) + "." if others else ""

    def _background_event(self, episode: Episode, referrer: dict[str, Any]) -> None:
        """The police incident or hospital attendance that led to the contact."""
        home = episode.home
        if (
            episode.category == "domestic_abuse"
            and referrer["agency"] == self.staff.agencies["police"]
        ):
            occurred = episode.received_at - dt.timedelta(minutes=self.s.random.randrange(60, 900))
            victims = home.with_role("mother", "grandparent") or home.with_role("father")
            perpetrators = [
                m
                for m in home.people
                if m.role in ("father", "step_parent", "former_partner") and m not in victims
            ]
            dash = min(27, int(self.s.random.expovariate(1 / 6.5)))
            risk = "high" if dash >= 14 else "medium" if dash >= 10 else "standard"
            participants = [(m.person, "victim") for m in victims[:1]]
            participants += [(m.person, "perpetrator") for m in perpetrators[:1]]
            participants += [
                (child, "child")
                for child in home.children
                if child.date_of_birth and child.date_of_birth < occurred.date()
            ]
            self._incident += self.s.random.randrange(1, 5)
            year = timezone.localtime(occurred, LONDON).year
            event_record(
                type=EventType.DOMESTIC_ABUSE_INCIDENT,
                occurred_at=occurred,
                summary="Police attended a domestic incident at the family home. "
                f"Risk assessed as {risk} ({dash} DASH yes answers).",
                source=self.staff.agencies["police"],
                participants=participants,
                recorded_by=referrer["user"],
                recorded_by_label="" if referrer["user"] else POLICE_SYSTEM,
                details={
                    "child_present": self.s.chance(0.7),
                    "dash_yes_count": dash,
                    "risk_level": risk,
                },
                source_event_id=f"DA-{year}-{self._incident:06d}",
            )
            self.counts["domestic abuse incidents"] += 1
        elif episode.referrer == "ed" and referrer["user"] is not None:
            occurred = episode.received_at - dt.timedelta(minutes=self.s.random.randrange(45, 360))
            injury = episode.category == "physical_harm"
            event_record(
                type=EventType.ED_ATTENDANCE,
                occurred_at=occurred,
                summary="Attended the emergency department"
                + (" with an injury." if injury else "."),
                source=referrer["agency"],
                participants=[(child, "child") for child in episode.children],
                recorded_by=referrer["user"],
                details={
                    "site": f"{referrer['agency'].name} emergency department",
                    "reason": "injury" if injury else "accompanying adult unwell",
                    "injury": injury,
                },
            )
            self.counts["emergency department attendances"] += 1


def history_replay(
    *,
    synthetic: Synthetic,
    staff: Staff,
    district: District,
    now: dt.datetime,
    per_year: int,
    queue: int,
) -> Counter[str]:
    history = History(synthetic, staff, district, now)
    episodes = history.plan(per_year=per_year, queue=queue)
    history.replay(episodes)
    return history.counts
