"""The pattern rules of the catalogue, as pure functions of one person's stream.

Each rule returns the pattern instances it finds for the person, oldest first. An instance
names the event that raised it (the event at which the pattern first held, in time order:
occurred_at, then event id) and its evidence. Evaluating the same events always gives the
same instances, whether they arrived one by one or are replayed together.

Reading rules (DESIGN.md section 6) live in `Subject`: who is a child on a date, who lives in
the household, open episodes and plans, whether a contact led to an assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sightline.chronology.models import EventType
from sightline.core.dates import add_months
from sightline.core.working_days import add_working_days
from sightline.risk.world import Ev, HouseholdEvent, World, address_key_from, local_date

CHILD_ROLES = ("child", "subject")
EPISODE_OPENERS = (
    EventType.ASSESSMENT_STARTED,
    EventType.STRATEGY_DISCUSSION,
    EventType.S47_STARTED,
    EventType.CIN_PLAN_STARTED,
    EventType.CP_PLAN_STARTED,
)
PLAN_ENDS = {
    EventType.CIN_PLAN_STARTED: EventType.CIN_PLAN_ENDED,
    EventType.CP_PLAN_STARTED: EventType.CP_PLAN_ENDED,
}


@dataclass
class Instance:
    rule: str
    person_id: int
    raised_by: int | None
    raised_at: dt.datetime
    evidence: list[int]
    # The events that make this instance itself (not its context, such as the plan it
    # happened on or an earlier history): how a stored alert is recognised as this instance.
    anchor: set[int] = field(default_factory=set)

    def anchors(self) -> set[int]:
        return self.anchor or set(self.evidence)


@dataclass
class Item:
    """Something a counting rule counts: when it happened and what shows it."""

    at: dt.datetime
    id: int
    evidence: tuple[int, ...]
    established: tuple[dt.datetime, int]  # the event at which it became known to count


Key = tuple[dt.datetime, int]


@lru_cache(maxsize=100_000)
def working_days_after(day: dt.date, count: int) -> dt.date:
    return add_working_days(day, count)


@dataclass
class Subject:
    """One person's stream and the household facts around them, with the reading rules."""

    person_id: int
    events: list[Ev]
    world: World
    by_type: dict[str, list[Ev]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_type = {}
        for event in self.events:
            self.by_type.setdefault(event.type, []).append(event)
        self.facts = self.world.facts(self.person_id)
        self._incidents: list[HouseholdEvent] | None = None
        self._outcomes: list[tuple[Ev, str, Ev | None]] | None = None

    def of(self, *types: str) -> list[Ev]:
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        found = [event for t in types for event in self.by_type.get(t, [])]
        return sorted(found, key=lambda e: (e.at, e.id))

    def is_child_at(self, at: dt.datetime) -> bool:
        return self.facts.is_child_on(local_date(at))

    # Contacts ---------------------------------------------------------------------------------

    def contact_outcomes(self) -> list[tuple[Ev, str, Ev | None]]:
        """Each contact about the person with its outcome and the decision that gave it.

        A feed contact carries `details.outcome`; the front door's decision is a separate
        `contact_decided` event naming the contact's reference, and wins when present.
        """
        if self._outcomes is None:
            self._outcomes = self._contact_outcomes()
        return self._outcomes

    def _contact_outcomes(self) -> list[tuple[Ev, str, Ev | None]]:
        decisions: dict[str, Ev] = {}
        for decision in self.of(EventType.CONTACT_DECIDED):
            reference = decision.details.get("contact_reference")
            if reference:
                decisions[reference] = decision  # the latest decision wins
        found: list[tuple[Ev, str, Ev | None]] = []
        for contact in self.of(EventType.CONTACT):
            if not set(contact.roles) & set(CHILD_ROLES):
                continue
            decided: Ev | None = decisions.get(contact.details.get("contact_reference") or "")
            if decided is not None and decided.at >= contact.at:
                found.append((contact, str(decided.details.get("outcome", "")), decided))
            else:
                found.append((contact, str(contact.details.get("outcome", "pending")), None))
        return found

    def led_to_assessment(self, contact: Ev, outcome: str, working_days: int) -> bool:
        if outcome == "referral":
            return True
        due = working_days_after(local_date(contact.at), working_days)
        return any(
            started.at >= contact.at and local_date(started.at) <= due
            for started in self.of(EventType.ASSESSMENT_STARTED)
        )

    # Episodes and plans -----------------------------------------------------------------------

    def episodes(self) -> list[tuple[Ev, Key | None]]:
        """(the event that opened it, the episode_closed key or None) for each episode."""
        openers: list[tuple[Key, Ev]] = [
            ((event.at, event.id), event) for event in self.of(*EPISODE_OPENERS)
        ]
        for contact, outcome, decided in self.contact_outcomes():
            if outcome == "referral":
                opener = decided or contact
                openers.append(((opener.at, opener.id), opener))
        marks: list[tuple[Key, str, Ev]] = [(key, "open", event) for key, event in openers]
        marks += [
            ((event.at, event.id), "close", event) for event in self.of(EventType.EPISODE_CLOSED)
        ]
        marks.sort(key=lambda mark: (mark[0], mark[1] == "open"))
        episodes: list[tuple[Ev, Key | None]] = []
        current: Ev | None = None
        for key, kind, event in marks:
            if kind == "open" and current is None:
                current = event
            elif kind == "close" and current is not None:
                episodes.append((current, key))
                current = None
        if current is not None:
            episodes.append((current, None))
        return episodes

    def plans(self) -> list[tuple[Ev, Key | None]]:
        plans = []
        for started_type, ended_type in PLAN_ENDS.items():
            ends = self.of(ended_type)
            for started in self.of(started_type):
                end = next(
                    ((e.at, e.id) for e in ends if (e.at, e.id) > (started.at, started.id)), None
                )
                plans.append((started, end))
        return sorted(plans, key=lambda plan: (plan[0].at, plan[0].id))

    @staticmethod
    def open_at(periods: list[tuple[Ev, Key | None]], event: Ev) -> Ev | None:
        """The period (episode or plan) open when `event` happened: its opening event."""
        key = (event.at, event.id)
        for opener, end in periods:
            if (opener.at, opener.id) <= key and (end is None or key < end):
                return opener
        return None

    # Households -------------------------------------------------------------------------------

    def household_incidents(self) -> list[HouseholdEvent]:
        """Domestic abuse incidents that concern the child: named in them, or living in the
        household of someone in them on the day (DESIGN.md section 6)."""
        if self._incidents is None:
            self._incidents = self._household_incidents()
        return self._incidents

    def _household_incidents(self) -> list[HouseholdEvent]:
        world = self.world
        linked = world.ever_linked(self.person_id)
        found = []
        for incident in world.household_events_of(
            {self.person_id, *linked}, EventType.DOMESTIC_ABUSE_INCIDENT
        ):
            if any(pid == self.person_id for pid, _ in incident.participants):
                found.append(incident)
                continue
            mates = world.lives_with(self.person_id, local_date(incident.at))
            if any(pid in mates and role != "child" for pid, role in incident.participants):
                found.append(incident)
        return found


def clusters(
    rule: str,
    subject: Subject,
    items: Iterable[Item],
    *,
    count: int,
    months: int,
) -> list[Instance]:
    """`count` or more items within `months` (inclusive, between their times) make a pattern.

    Later items within `months` of the pattern's latest item extend it (one alert per
    pattern); a pattern raises at the event that completed its first `count` items.
    """
    ordered = sorted(items, key=lambda item: (item.at, item.id))
    instances: list[Instance] = []
    current: Instance | None = None
    last_at: dt.datetime | None = None
    pending: list[Item] = []
    for item in ordered:
        if current is not None and last_at is not None and item.at <= add_months(last_at, months):
            current.evidence.extend(e for e in item.evidence if e not in current.evidence)
            current.anchor.add(item.id)
            last_at = item.at
            continue
        current = None
        pending.append(item)
        while pending and item.at > add_months(pending[0].at, months):
            pending.pop(0)
        if len(pending) >= count:
            raised_at, raised_by = max(p.established for p in pending)
            if not subject.is_child_at(raised_at):
                continue
            evidence: list[int] = []
            for p in pending:
                evidence.extend(e for e in p.evidence if e not in evidence)
            current = Instance(
                rule, subject.person_id, raised_by, raised_at, evidence, {p.id for p in pending}
            )
            instances.append(current)
            last_at, pending = item.at, []
    return instances


# The rules ------------------------------------------------------------------------------------


def contacts_without_assessment(s: Subject, p: dict[str, Any]) -> list[Instance]:
    items = []
    for contact, outcome, decided in s.contact_outcomes():
        if not s.is_child_at(contact.at):
            continue
        if s.led_to_assessment(contact, outcome, int(p["assessment_working_days"])):
            continue
        evidence = (contact.id,) + ((decided.id,) if decided else ())
        items.append(Item(contact.at, contact.id, evidence, (contact.at, contact.id)))
    return clusters(
        "contacts-without-assessment", s, items, count=int(p["count"]), months=int(p["months"])
    )


def family_concerns_dismissed(s: Subject, p: dict[str, Any]) -> list[Instance]:
    sources = {str(code).upper() for code in p["referral_sources"]}
    items = []
    for contact, outcome, decided in s.contact_outcomes():
        source = str(contact.details.get("referral_source", "")).upper()
        if source not in sources or outcome != "nfa" or not s.is_child_at(contact.at):
            continue
        ended = decided or contact
        evidence = (contact.id,) + ((decided.id,) if decided else ())
        items.append(Item(contact.at, contact.id, evidence, (ended.at, ended.id)))
    return clusters(
        "family-concerns-dismissed", s, items, count=int(p["count"]), months=int(p["months"])
    )


def domestic_abuse_cumulative(s: Subject, p: dict[str, Any]) -> list[Instance]:
    items = [
        Item(incident.at, incident.id, (incident.id,), (incident.at, incident.id))
        for incident in s.household_incidents()
        if s.is_child_at(incident.at)
    ]
    return clusters(
        "domestic-abuse-cumulative", s, items, count=int(p["count"]), months=int(p["months"])
    )


def domestic_abuse_high_risk(s: Subject, p: dict[str, Any]) -> list[Instance]:
    threshold = int(p["dash_yes_count"])
    found = []
    for incident in s.household_incidents():
        details = incident.details
        try:
            yes = int(details.get("dash_yes_count") or 0)
        except (TypeError, ValueError):
            yes = 0
        high = (
            yes >= threshold
            or str(details.get("risk_level", "")).lower() == "high"
            or s.world.dash_levels.get(incident.id) == "high"
        )
        if high and s.is_child_at(incident.at):
            found.append(
                Instance(
                    "domestic-abuse-high-risk",
                    s.person_id,
                    incident.id,
                    incident.at,
                    [incident.id],
                )
            )
    return found


def _grouped_by_period(
    rule: str, s: Subject, periods: list[tuple[Ev, Key | None]], changes: list[Ev]
) -> list[Instance]:
    by_period: dict[int, Instance] = {}
    for change in changes:
        opener = s.open_at(periods, change)
        if opener is None or not s.is_child_at(change.at):
            continue
        instance = by_period.get(opener.id)
        if instance is None:
            by_period[opener.id] = Instance(
                rule, s.person_id, change.id, change.at, [opener.id, change.id]
            )
        elif change.id not in instance.evidence:
            instance.evidence.append(change.id)
    return sorted(by_period.values(), key=lambda i: (i.raised_at, i.raised_by))


def household_change_on_plan(s: Subject, p: dict[str, Any]) -> list[Instance]:
    changes = [
        change
        for change in s.of(EventType.HOUSEHOLD_MEMBER_JOINED, EventType.HOUSEHOLD_MEMBER_LEFT)
        if "child" in change.roles
    ]
    return _grouped_by_period("household-change-on-plan", s, s.plans(), changes)


def address_change_open_case(s: Subject, p: dict[str, Any]) -> list[Instance]:
    changes = s.of(EventType.ADDRESS_CHANGE)
    return _grouped_by_period("address-change-open-case", s, s.episodes(), changes)


def was_not_brought(s: Subject, p: dict[str, Any]) -> list[Instance]:
    items = [
        Item(event.at, event.id, (event.id,), (event.at, event.id))
        for event in s.of(EventType.APPOINTMENT_NOT_BROUGHT)
        if s.is_child_at(event.at)
    ]
    return clusters("was-not-brought", s, items, count=int(p["count"]), months=int(p["months"]))


def repeat_ed_attendance(s: Subject, p: dict[str, Any]) -> list[Instance]:
    items = [
        Item(event.at, event.id, (event.id,), (event.at, event.id))
        for event in s.of(EventType.ED_ATTENDANCE)
        if s.is_child_at(event.at)
    ]
    return clusters(
        "repeat-ed-attendance", s, items, count=int(p["count"]), months=int(p["months"])
    )


def injury_non_mobile_baby(s: Subject, p: dict[str, Any]) -> list[Instance]:
    months = int(p["age_months"])
    dob = s.facts.date_of_birth
    by_day: dict[dt.date, Instance] = {}
    for injury in s.of(EventType.INJURY_OBSERVED):
        day = local_date(injury.at)
        baby = dob is not None and dob <= day < add_months(dob, months)
        not_mobile = injury.details.get("independently_mobile") is False
        if not (baby or not_mobile) or not s.is_child_at(injury.at):
            continue
        if day in by_day:
            by_day[day].evidence.append(injury.id)
        else:
            by_day[day] = Instance(
                "injury-non-mobile-baby", s.person_id, injury.id, injury.at, [injury.id]
            )
    return list(by_day.values())


def perpetrator_release_to_child(s: Subject, p: dict[str, Any]) -> list[Instance]:
    """Someone with a domestic abuse history released to, or joining, the child's household."""
    world = s.world
    child = s.person_id
    candidates: list[tuple[HouseholdEvent, int]] = []  # (event, the person released or joining)
    linked = {child, *world.ever_linked(child)}
    releases = {
        e.id: e
        for e in world.household_events_of(linked, EventType.CUSTODY_RELEASE)
        + world.releases_to_addresses_of(child)
    }
    for release in sorted(releases.values(), key=lambda e: (e.at, e.id)):
        day = local_date(release.at)
        released = [pid for pid, role in release.participants if pid != child and role != "child"]
        named = any(pid == child for pid, _ in release.participants)
        release_home = address_key_from(release.details.get("release_address"))
        to_child = named or (
            release_home is not None and release_home in world.addresses_on(child, day)
        )
        mates = world.lives_with(child, day)
        for person_id in released:
            if to_child or person_id in mates:
                candidates.append((release, person_id))
    for joined in world.household_events_of({child}, EventType.HOUSEHOLD_MEMBER_JOINED):
        if (child, "child") not in joined.participants:
            continue
        candidates.extend(
            (joined, pid) for pid, role in joined.participants if pid != child and role != "child"
        )
    per_person: dict[int, list[Item]] = {}
    for event, person_id in sorted(candidates, key=lambda c: (c[0].at, c[0].id, c[1])):
        history = world.domestic_abuse_history(person_id, event.at)
        if not history or not s.is_child_at(event.at):
            continue
        per_person.setdefault(person_id, []).append(
            Item(event.at, event.id, (*history, event.id), (event.at, event.id))
        )
    found = []
    for items in per_person.values():
        found += clusters("perpetrator-release-to-child", s, items, count=1, months=12)
    return sorted(found, key=lambda i: (i.raised_at, i.raised_by))


def under_18_pregnancy(s: Subject, p: dict[str, Any]) -> list[Instance]:
    age = int(p["age"])
    items = []
    for booking in s.of(EventType.MATERNITY_BOOKING):
        if "mother" not in booking.roles:
            continue
        mother_age = s.facts.age_on(local_date(booking.at))
        if mother_age is None or mother_age >= age:
            continue
        items.append(Item(booking.at, booking.id, (booking.id,), (booking.at, booking.id)))
    # Bookings within 9 months of each other are one pregnancy.
    return clusters("under-18-pregnancy", s, items, count=1, months=9)


PATTERNS: dict[str, Callable[[Subject, dict[str, Any]], list[Instance]]] = {
    "contacts-without-assessment": contacts_without_assessment,
    "family-concerns-dismissed": family_concerns_dismissed,
    "domestic-abuse-cumulative": domestic_abuse_cumulative,
    "domestic-abuse-high-risk": domestic_abuse_high_risk,
    "household-change-on-plan": household_change_on_plan,
    "address-change-open-case": address_change_open_case,
    "was-not-brought": was_not_brought,
    "injury-non-mobile-baby": injury_non_mobile_baby,
    "repeat-ed-attendance": repeat_ed_attendance,
    "perpetrator-release-to-child": perpetrator_release_to_child,
    "under-18-pregnancy": under_18_pregnancy,
}

# Rules that read the household (other people's events), not only the person's own stream.
HOUSEHOLD_RULES = frozenset(
    {"domestic-abuse-cumulative", "domestic-abuse-high-risk", "perpetrator-release-to-child"}
)
