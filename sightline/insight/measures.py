"""Multi-agency measures no national table has, from the partnership's own records, for a
period of whole days (London time):

- contacts by the agency that sent them (members of the public and anonymous referrers as
  "No agency"); a share of every contact received in the period;
- front-door decisions made by the end of the working day after the contact arrived (DOMAIN.md
  T1), of the contacts received in the period that have been decided;
- partner checks answered by the time they were due, by the agency asked, of the checks asked
  in the period;
- alerts raised by each rule in the period, and how the closed ones were closed;
- training reach: staff of each agency who attended a session in the period, of the agency's
  active staff with a Sightline account.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Q

from sightline.accounts.models import Agency, User
from sightline.core.working_days import LONDON
from sightline.frontdoor.models import Contact, InformationRequest
from sightline.insight.indicators import COUNT, PERCENT, Indicator, front_door_deadline
from sightline.learning.models import Booking
from sightline.risk.catalogue import RULES
from sightline.risk.models import Alert, AlertOutcome

NO_AGENCY = "No agency (members of the public and anonymous)"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=LONDON),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON),
    )


_RULE_NAMES = {rule.code: rule.name for rule in RULES}


def _rule_title(rule: str) -> str:
    return _RULE_NAMES.get(rule) or rule.replace("-", " ").capitalize()


def multi_agency_measures(start: dt.date, end: dt.date) -> list[Indicator]:
    since, until = _bounds(start, end)
    names = dict(Agency.objects.values_list("id", "name"))
    result: list[Indicator] = []

    # Contacts by source agency.
    contacts = list(
        Contact.objects.filter(received_at__gte=since, received_at__lt=until).values_list(
            "referrer_agency_id", "child_id", "received_at", "decision__decided_at"
        )
    )
    by_agency: dict[int | None, set[int]] = defaultdict(set)
    per_agency = Counter[int | None]()
    for source_agency, child, _, _ in contacts:
        per_agency[source_agency] += 1
        if child:
            by_agency[source_agency].add(child)
    total = len(contacts)
    for agency_id, count in sorted(per_agency.items(), key=lambda item: (-item[1], str(item[0]))):
        result.append(
            Indicator("contacts_by_source_agency", "Contacts by the agency that sent them",
                      PERCENT, count, total, start, end, group=names.get(agency_id, NO_AGENCY)
                      if agency_id else NO_AGENCY, children=frozenset(by_agency[agency_id]))
        )  # fmt: skip

    # Front-door decisions within 1 working day.
    decided = on_time = 0
    on_time_children: set[int] = set()
    for _, child_id, received_at, decided_at in contacts:
        if decided_at is None:
            continue
        decided += 1
        if decided_at <= front_door_deadline(received_at):
            on_time += 1
            if child_id:
                on_time_children.add(child_id)
    result.append(
        Indicator("front_door_decisions_within_1_working_day", "Front-door decisions made "
                  "within 1 working day", PERCENT, on_time, decided, start, end,
                  children=frozenset(on_time_children))
    )  # fmt: skip

    # Partner checks answered in time, by agency.
    checks: dict[int, list[bool]] = defaultdict(list)
    check_children: dict[int, set[int]] = defaultdict(set)
    for agency_id, due_at, answered_at, child_id in InformationRequest.objects.filter(
        requested_at__gte=since, requested_at__lt=until
    ).values_list("agency_id", "due_at", "answered_at", "contact__child_id"):
        in_time = answered_at is not None and answered_at <= due_at
        checks[agency_id].append(in_time)
        if in_time and child_id:
            check_children[agency_id].add(child_id)
    for agency_id, answers in sorted(checks.items(), key=lambda item: names.get(item[0], "")):
        result.append(
            Indicator("partner_checks_answered_in_time", "Partner checks answered by the time "
                      "they were due", PERCENT, sum(answers), len(answers), start, end,
                      group=names.get(agency_id, ""), children=frozenset(check_children[agency_id]))
        )  # fmt: skip

    # Alerts raised by rule, and how they were closed.
    alerts: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for rule, person_id, status, outcome in Alert.objects.filter(
        raised_at__gte=since, raised_at__lt=until
    ).values_list("rule", "person_id", "status", "outcome"):
        alerts[rule].append((person_id, status, outcome))
    outcomes = dict(AlertOutcome.choices)
    for rule, raised in sorted(alerts.items(), key=lambda item: _rule_title(item[0])):
        title = _rule_title(rule)
        result.append(
            Indicator("alerts_raised", "Alerts raised", COUNT, len(raised), None, start, end,
                      group=title, children=frozenset(p for p, _, _ in raised))
        )  # fmt: skip
        closed = Counter(outcome for _, status, outcome in raised if status == "closed")
        for outcome, count in sorted(closed.items()):
            result.append(
                Indicator("alerts_closed", "Alerts closed, by how they were closed", PERCENT,
                          count, len(raised), start, end,
                          group=f"{title}: {outcomes.get(outcome, 'Closed')}",
                          children=frozenset(p for p, s, o in raised
                                             if s == "closed" and o == outcome))
            )  # fmt: skip

    # Training reach by agency.
    attended: dict[int, set[int]] = defaultdict(set)
    for agency_id, attendee_id in (
        Booking.objects.filter(
            attendance=Booking.Attendance.ATTENDED,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        )
        .filter(agency__isnull=False)
        .values_list("agency_id", "attendee_id")
    ):
        attended[agency_id].add(attendee_id)
    staff = Counter(
        User.objects.filter(Q(is_active=True), ~Q(agency_id=None)).values_list(
            "agency_id", flat=True
        )
    )
    for agency_id in sorted(set(attended) | set(staff), key=lambda a: names.get(a, "")):
        if not staff.get(agency_id) and not attended.get(agency_id):
            continue
        result.append(
            Indicator("training_reach", "Staff who attended partnership training", PERCENT,
                      len(attended.get(agency_id, set())), staff.get(agency_id, 0), start, end,
                      group=names.get(agency_id, ""))
        )  # fmt: skip
    return result
