"""The rules close the timescale alerts whose work ended (as the system actor "rules").

The engine's sweep calls this after raising the alerts for missed deadlines, and
`risk.services.timescale_alerts_close_done` offers it to other callers with the partnership's
thresholds. It imports neither, so the engine and the services do not import each other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from sightline.core import audit
from sightline.core.working_days import working_days_between
from sightline.risk import catalogue, timescales
from sightline.risk.catalogue import RULES_ACTOR
from sightline.risk.models import Alert, AlertOutcome, AlertStatus
from sightline.risk.patterns import Subject
from sightline.risk.world import World, streams

__all__ = ["alert_close_by_rules", "timescale_alerts_close_done"]


@transaction.atomic
def alert_close_by_rules(*, alert: Alert, outcome: str, note: str) -> Alert | None:
    """The rules close an alert themselves (the system actor "rules": no person closed it).

    An alert already closed, by a person or before, stays exactly as it was closed; None
    then. Nothing is deleted: the alert keeps its evidence, acknowledgement and history."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.CLOSED:
        return None
    alert.status, alert.outcome, alert.note = AlertStatus.CLOSED, outcome, note
    alert.closed_by, alert.closed_at = None, timezone.now()
    alert.save(update_fields=["status", "outcome", "note", "closed_by", "closed_at", "updated_at"])
    audit.record_change(
        actor=RULES_ACTOR,
        action="alert.closed",
        target=alert,
        person_id=alert.person_id,
        detail={"rule": alert.rule, "outcome": outcome, "by": RULES_ACTOR},
    )
    return alert


def _ended_note(ended: timescales.Ended) -> str:
    late = working_days_between(ended.due, ended.on)
    when = (
        f"{late} working day{'s' if late != 1 else ''} after it was due on {_day(ended.due)}"
        if ended.on > ended.due
        else f"by its due date ({_day(ended.due)})"
    )
    if ended.completed:
        return f"Closed by Sightline: {ended.what} on {_day(ended.on)}, {when}."
    return (
        f"Closed by Sightline: no longer due, {ended.what} on {_day(ended.on)} ({when}) "
        "before the work was recorded."
    )


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@transaction.atomic
def timescale_alerts_close_done(
    *, parameters: dict[str, dict[str, Any]], today: dt.date
) -> list[Alert]:
    """Close each open (or acknowledged) timescale alert whose item has ended: the work was
    done (outcome action taken), or its case or plan ended first (withdrawn); the note says
    when, and how late. The ending is the first one the rule reads after the event that
    started the item's clock (`timescales.item_ended`; for T1, the contact's final decision).

    An alert whose item has not ended stays open. Alerts already closed, by a person or
    before, are left as they were closed. Returns the alerts closed."""
    waiting: dict[int, list[Alert]] = defaultdict(list)
    for alert in (
        Alert.objects.filter(rule__in=catalogue.TIMESCALE_CODES)
        .exclude(status=AlertStatus.CLOSED)
        .prefetch_related("evidence")
        .order_by("pk")
    ):
        waiting[alert.person_id].append(alert)
    if not waiting:
        return []
    ended: list[tuple[Alert, timescales.Ended]] = []
    stream_people = {
        person_id
        for person_id, alerts in waiting.items()
        if any(a.rule in timescales.STREAM_TIMESCALES for a in alerts)
    }
    world = World.load(stream_people)
    for person_id, stream in streams(stream_people):
        subject = Subject(person_id, stream, world)
        for alert in waiting[person_id]:
            if alert.rule not in timescales.STREAM_TIMESCALES:
                continue
            end = timescales.item_ended(
                alert.rule,
                subject,
                alert.raised_by_id,
                alert.raised_at,
                {e.pk for e in alert.evidence.all()},
                parameters[alert.rule],
                today,
            )
            if end is not None:
                ended.append((alert, end))
    overdue_contacts = {
        i.raised_by
        for i in timescales.contact_decision_overdue(as_of=timezone.now())
        if i.raised_by is not None
    }
    for alerts in waiting.values():
        for alert in alerts:
            if alert.rule != "contact-decision-overdue":
                continue
            if alert.raised_by_id in overdue_contacts:
                continue
            end = timescales.contact_decision_ended(alert.raised_by_id)
            if end is not None and end.on <= today:
                ended.append((alert, end))
    for alerts in waiting.values():
        for alert in alerts:
            record = timescales.RECORD_TIMESCALES.get(alert.rule)
            if record is None:
                continue
            due = timezone.localtime(alert.raised_at).date() - dt.timedelta(days=1)
            end = record.ended(alert.person_id, due, today)
            if end is not None and end.on <= today:
                ended.append((alert, end))
    closed = []
    for alert, end in ended:
        outcome = AlertOutcome.ACTION_TAKEN if end.completed else AlertOutcome.WITHDRAWN
        done = alert_close_by_rules(alert=alert, outcome=outcome, note=_ended_note(end))
        if done is not None:
            closed.append(done)
    return closed
