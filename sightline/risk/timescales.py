"""The timescale rules: statutory and local deadlines, evaluated against a clock.

A deadline falls at the end of its due day, so a clock set to a date (the start of that
day, as `frontdoor.selectors.contacts_overdue` reads it) finds a deadline missed when its
due day is before that date. An instance names the event that started the clock.

Working now:
- `contact-decision-overdue` (T1) from the front door's own records (contacts_overdue);
- `assessment-overdue` (T2) from the chronology: a contact that became a referral, or an
  assessment started, with no assessment_completed (or episode_closed) within 45 working days;
- `icpc-overdue` (T4) from the chronology: an s47_started, or a strategy discussion that
  started section 47 enquiries, with no icpc (or episode_closed) within 15 working days.
The others are in the catalogue and wait for the records of later capabilities (see
`catalogue.Rule.waits_for`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sightline.chronology.models import EventType
from sightline.risk.patterns import Instance, Subject, working_days_after
from sightline.risk.world import Ev, local_date


def _clock_rule(
    rule: str,
    s: Subject,
    starts: list[Ev],
    stops: list[Ev],
    working_days: int,
    today: dt.date,
) -> list[Instance]:
    found = []
    running: Ev | None = None
    marks = sorted(
        [((e.at, e.id), 1, e) for e in starts] + [((e.at, e.id), 0, e) for e in stops],
        key=lambda m: (m[0], m[1]),
    )
    clocks: list[tuple[Ev, Ev | None]] = []
    for _, is_start, event in marks:
        if is_start and running is None:
            running = event
        elif not is_start and running is not None:
            clocks.append((running, event))
            running = None
    if running is not None:
        clocks.append((running, None))
    for start, stop in clocks:
        due = working_days_after(local_date(start.at), working_days)
        met = stop is not None and local_date(stop.at) <= due
        if not met and due < today and s.is_child_at(start.at):
            found.append(Instance(rule, s.person_id, start.id, start.at, [start.id]))
    return found


def assessment_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    starts = [
        decided or contact
        for contact, outcome, decided in s.contact_outcomes()
        if outcome == "referral"
    ]
    starts += s.of(EventType.ASSESSMENT_STARTED)
    stops = s.of(EventType.ASSESSMENT_COMPLETED, EventType.EPISODE_CLOSED)
    return _clock_rule("assessment-overdue", s, starts, stops, int(p["working_days"]), today)


def icpc_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    starts = list(s.of(EventType.S47_STARTED))
    starts += [
        discussion
        for discussion in s.of(EventType.STRATEGY_DISCUSSION)
        if discussion.details.get("s47") is True
    ]
    stops = s.of(EventType.ICPC, EventType.EPISODE_CLOSED)
    return _clock_rule("icpc-overdue", s, starts, stops, int(p["working_days"]), today)


STREAM_TIMESCALES = {
    "assessment-overdue": assessment_overdue,
    "icpc-overdue": icpc_overdue,
}


def contact_decision_overdue(*, as_of: dt.datetime | dt.date) -> list[Instance]:
    """T1 from the front door's records: contacts with no final decision by their deadline."""
    from sightline.frontdoor.selectors import contacts_overdue

    found = []
    for child_id, event_id, received_at, occurred_at in (
        contacts_overdue(as_of=as_of)
        .filter(child__isnull=False)
        .values_list("child_id", "event_id", "received_at", "event__occurred_at")
    ):
        raised_at = occurred_at or received_at
        evidence = [event_id] if event_id else []
        found.append(Instance("contact-decision-overdue", child_id, event_id, raised_at, evidence))
    return found
