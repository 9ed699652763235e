"""The DRAM agenda, built from what happened since the last working day's meeting.

A DRAM is held every working day (DOMAIN.md section 1). Its window runs from the meeting time on
the previous working day to the meeting time today: 24 hours from Tuesday to Friday, 72 hours on
a Monday, and after a bank holiday since the last working day (96 hours on the Tuesday after a
bank holiday Monday). The meeting time is LOCAL (`DRAM_MEETING_TIME`, default 09:30).

The agenda lists, one item per incident (or per referral not tied to a listed incident):
- each police domestic abuse incident assessed high risk (DASH yes answers at or above the
  `domestic-abuse-high-risk` threshold, risk level high, or a DASH record judged high);
- each domestic abuse incident that raised a `domestic-abuse-cumulative` or
  `domestic-abuse-high-risk` alert in the window;
- each new MARAC referral (not one a DRAM itself decided to make the day before).
An item from the days before the window that no DRAM has discussed yet is carried over (for
`CARRY_OVER_DAYS`), so a meeting that did not happen, or an incident recorded after its
window's meeting, is not lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from sightline.chronology.models import Event, EventType, Participant
from sightline.core.working_days import LONDON, is_working_day
from sightline.people.models import Person
from sightline.risk import catalogue
from sightline.risk.models import Alert, DashRecord
from sightline.sharing.meetings.models import MeetingCase, MeetingKind, Referral

ALERT_RULES = ("domestic-abuse-cumulative", "domestic-abuse-high-risk")
CARRY_OVER_DAYS = 7


def meeting_time() -> dt.time:
    return dt.time.fromisoformat(getattr(settings, "DRAM_MEETING_TIME", "09:30"))


def previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def dram_window(held_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(start, end) of the DRAM held on `held_on`: the previous working day's meeting to this."""
    at = meeting_time()
    start = dt.datetime.combine(previous_working_day(held_on), at, tzinfo=LONDON)
    return start, dt.datetime.combine(held_on, at, tzinfo=LONDON)


def dash_threshold() -> int:
    return int(catalogue.rule_get("domestic-abuse-high-risk").defaults["dash_yes_count"])


def is_high_risk(event: Event, judged_high: set[int] | None = None) -> bool:
    details = event.details or {}
    try:
        yes = int(details.get("dash_yes_count") or 0)
    except (TypeError, ValueError):
        yes = 0
    if yes >= dash_threshold() or str(details.get("risk_level", "")).lower() == "high":
        return True
    if judged_high is None:
        judged_high = set(
            DashRecord.objects.filter(event=event, level="high").values_list("event_id", flat=True)
        )
    return event.pk in judged_high


def high_risk_incidents(since: dt.datetime, until: dt.datetime) -> list[Event]:
    incidents = list(
        Event.objects.filter(
            type=EventType.DOMESTIC_ABUSE_INCIDENT, occurred_at__gte=since, occurred_at__lt=until
        ).order_by("occurred_at", "pk")
    )
    judged = set(
        DashRecord.objects.filter(event__in=incidents, level="high").values_list(
            "event_id", flat=True
        )
    )
    return [e for e in incidents if is_high_risk(e, judged)]


@dataclass
class AgendaItem:
    subject: Person
    people: list[tuple[Person, str]]  # (person, CasePerson.Role)
    reasons: list[str] = field(default_factory=list)
    incident: Event | None = None
    referral: Referral | None = None
    carried_over: bool = False

    @property
    def listed_because(self) -> str:
        return "; ".join(dict.fromkeys(self.reasons))


ROLE_OF = {"victim": "victim", "child": "child", "perpetrator": "perpetrator"}


def incident_people(event: Event) -> list[tuple[Person, str]]:
    found: dict[int, tuple[Person, str]] = {}
    for participant in Participant.objects.filter(event=event).select_related("person"):
        role = ROLE_OF.get(participant.role)
        if role:
            found.setdefault(participant.person_id, (participant.person, role))
    order = {"victim": 0, "child": 1, "perpetrator": 2}
    return sorted(found.values(), key=lambda pair: (order[pair[1]], pair[0].pk))


def _subject(people: list[tuple[Person, str]]) -> Person | None:
    for role in ("victim", "child"):
        for person, held in people:
            if held == role:
                return person
    return people[0][0] if people else None


def _discussed_incidents() -> set[int]:
    return set(
        MeetingCase.objects.filter(meeting__kind=MeetingKind.DRAM, incident__isnull=False)
        .values_list("incident_id", flat=True)
        .distinct()
    )


def _listed_referrals() -> set[int]:
    return set(
        MeetingCase.objects.filter(referral__isnull=False)
        .values_list("referral_id", flat=True)
        .distinct()
    )


def _came_from_a_dram(referral: Referral) -> bool:
    """A referral made as a DRAM decided (its subject discussed at a DRAM in the day before)
    is that DRAM's outcome, not new business for the next one."""
    return MeetingCase.objects.filter(
        meeting__kind=MeetingKind.DRAM,
        subject_id=referral.subject_id,
        discussed_at__lte=referral.referred_at,
        discussed_at__gte=referral.referred_at - dt.timedelta(days=1),
    ).exists()


def dram_agenda(held_on: dt.date) -> list[AgendaItem]:
    """Everything the DRAM held on `held_on` must discuss, not yet on any DRAM's list."""
    start, end = dram_window(held_on)
    earliest = start - dt.timedelta(days=CARRY_OVER_DAYS)
    listed = _discussed_incidents()
    items: dict[str, AgendaItem] = {}

    def incident_item(event: Event, reason: str) -> None:
        key = f"event:{event.pk}"
        if key not in items:
            people = incident_people(event)
            subject = _subject(people)
            if subject is None:
                return
            items[key] = AgendaItem(
                subject, people, incident=event, carried_over=event.occurred_at < start
            )
        items[key].reasons.append(reason)

    for event in high_risk_incidents(earliest, end):
        if event.pk not in listed:
            incident_item(event, "A police domestic abuse incident assessed high risk")
    alerts = (
        Alert.objects.filter(rule__in=ALERT_RULES, raised_by__isnull=False)
        .filter(Q(raised_at__gte=earliest, raised_at__lt=end))
        .select_related("raised_by")
        .order_by("raised_at", "pk")
    )
    for alert in alerts:
        if alert.raised_by_id in listed or alert.raised_by is None:
            continue
        incident_item(alert.raised_by, f"Sightline alert: {alert.title}")
    referrals = (
        Referral.objects.filter(
            meeting_kind=MeetingKind.MARAC, referred_at__gte=earliest, referred_at__lt=end
        )
        .exclude(pk__in=_listed_referrals())
        .select_related("subject", "perpetrator")
        .order_by("referred_at", "pk")
    )
    for referral in referrals:
        if _came_from_a_dram(referral):
            continue
        reason = "A new MARAC referral" + (" (a repeat referral)" if referral.is_repeat else "")
        for item in items.values():
            if item.subject.pk == referral.subject_id and item.referral is None:
                item.referral = referral
                item.reasons.append(reason)
                break
        else:
            people: list[tuple[Person, str]] = [(referral.subject, "victim")]
            people += [(c.person, "child") for c in referral.children.select_related("person")]
            if referral.perpetrator is not None:
                people.append((referral.perpetrator, "perpetrator"))
            items[f"referral:{referral.pk}"] = AgendaItem(
                referral.subject,
                people,
                [reason],
                referral=referral,
                carried_over=referral.referred_at < start,
            )
    return list(items.values())
