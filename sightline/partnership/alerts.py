"""The case review timescales as alerts (DESIGN.md section 6): `panel-notification-overdue`
(T7) and `rapid-review-overdue` (T8), read from the partnership's own records and registered
with the rules engine at start-up (`risk.timescales.record_timescale_register`).

An item is about the child its serious incident is linked to (an incident recorded with only a
description of the child raises no alert: an alert concerns a person). It is overdue at `today`
when its due day is before `today` and it was not done by `today` (done on the day itself counts
as done), so `--as-of` replays it: the notification is due 5 working days after the local
authority became aware; the rapid review's decision 15 working days after the notification,
whether or not the review has been opened in Sightline yet.
"""

from __future__ import annotations

import datetime as dt

from sightline.partnership import deadlines
from sightline.partnership.models import RapidReview, SeriousIncident
from sightline.risk.timescales import Ended, record_timescale_register


def _done_by(day: dt.date | None, today: dt.date) -> bool:
    return day is not None and day <= today


def panel_notifications_overdue(today: dt.date) -> list[tuple[int, dt.date]]:
    return [
        (incident.child_id, incident.notification_due_on)
        for incident in SeriousIncident.objects.filter(
            child__isnull=False, aware_on__lte=today, notification_due_on__lt=today
        ).order_by("notification_due_on", "pk")
        if incident.child_id and not _done_by(incident.notified_on, today)
    ]


def panel_notification_ended(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    for incident in SeriousIncident.objects.filter(child_id=person_id, notification_due_on=due):
        if _done_by(incident.notified_on, today) and incident.notified_on:
            return Ended(incident.notified_on, "the national panel was notified", True, due)
    return None


def _decided_on(incident: SeriousIncident) -> dt.date | None:
    try:
        return incident.rapid_review.decided_on
    except RapidReview.DoesNotExist:
        return None


def rapid_reviews_overdue(today: dt.date) -> list[tuple[int, dt.date]]:
    found = []
    for incident in (
        SeriousIncident.objects.filter(child__isnull=False, notified_on__lte=today)
        .select_related("rapid_review")
        .order_by("notified_on", "pk")
    ):
        assert incident.notified_on is not None and incident.child_id is not None
        due = deadlines.rapid_review_due(incident.notified_on)
        if due < today and not _done_by(_decided_on(incident), today):
            found.append((incident.child_id, due))
    return found


def rapid_review_ended(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    for incident in SeriousIncident.objects.filter(
        child_id=person_id, notified_on__isnull=False
    ).select_related("rapid_review"):
        assert incident.notified_on is not None
        decided = _decided_on(incident)
        if deadlines.rapid_review_due(incident.notified_on) == due and _done_by(decided, today):
            assert decided is not None
            return Ended(decided, "the rapid review reached its decision", True, due)
    return None


def register() -> None:
    record_timescale_register(
        "panel-notification-overdue",
        overdue=panel_notifications_overdue,
        ended=panel_notification_ended,
    )
    record_timescale_register(
        "rapid-review-overdue", overdue=rapid_reviews_overdue, ended=rapid_review_ended
    )
