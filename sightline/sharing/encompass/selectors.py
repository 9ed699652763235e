"""Reads of Operation Encompass: the notice behind a recipient's notification, the school
calendars, and the partnership's measures (counts only: no personal data)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.notifications import gave_up
from sightline.core.working_days import LONDON
from sightline.sharing.encompass.alerts import TOLD, delivered_at
from sightline.sharing.encompass.models import (
    EncompassNotice,
    SchoolCalendar,
    SchoolCalendarPeriod,
)
from sightline.sharing.models import NetworkNotification


def notice_of(*, user: User, notification: NetworkNotification) -> EncompassNotice | None:
    """The notice a notification of the user's own belongs to (None for any other)."""
    if notification.kind != "encompass" or notification.recipient_id != user.pk:
        return None
    return notification.encompass_notices.select_related("acknowledged_by").first()


def notice_get_for_acknowledgement(*, user: User, notice_id: int) -> EncompassNotice:
    """A notice sent to the user (404 for anyone else's)."""
    notice = EncompassNotice.objects.filter(pk=notice_id, notifications__recipient=user).first()
    if notice is None:
        raise Http404("No such notification")
    return notice


def school_calendars(*, user: User) -> QuerySet[SchoolCalendar]:
    """Every school's calendar (no personal data: recorded as a list)."""
    audit.record(actor=user, kind=audit.Kind.LIST, action="school_calendars.listed")
    return SchoolCalendar.objects.select_related("school").prefetch_related(
        Prefetch("periods", queryset=SchoolCalendarPeriod.objects.order_by("first_day", "pk"))
    )


@dataclass(frozen=True)
class Measures:
    month_start: dt.date
    notices: int
    on_time: int
    on_time_share: float | None  # of the delivered and late ones whose deadline has passed
    median_delay: dt.timedelta | None  # from the incident to the first delivery
    unacknowledged: int
    undeliverable: int
    no_school: int


def _month_bounds(month_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(month_start.replace(day=1), dt.time(), tzinfo=LONDON)
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, dt.datetime.combine(following, dt.time(), tzinfo=LONDON)


def encompass_measures(*, user: User, month_start: dt.date) -> Measures:
    """The month's notices to schools and the home education officer (by when made)."""
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="encompass.measures_viewed",
        detail={"month": month_start.isoformat()},
    )
    start, end = _month_bounds(month_start)
    now = timezone.now()
    made = list(
        EncompassNotice.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("event")
        .prefetch_related("notifications__email")
    )
    told = [n for n in made if n.route in TOLD]
    judged = 0
    on_time = 0
    delays: list[dt.timedelta] = []
    undeliverable = 0
    for notice in told:
        delivered = delivered_at(notice)
        failed = bool(notice.undeliverable) or (
            delivered is None
            and bool(notice.notifications.all())
            and all(n.email is not None and gave_up(n.email) for n in notice.notifications.all())
        )
        undeliverable += failed
        if delivered is not None:
            delays.append(delivered - notice.event.occurred_at)
        if delivered is not None or notice.due_at < now:
            judged += 1
            on_time += delivered is not None and delivered <= notice.due_at
    return Measures(
        month_start=start.date(),
        notices=len(told),
        on_time=on_time,
        on_time_share=on_time / judged if judged else None,
        median_delay=(
            dt.timedelta(seconds=statistics.median(d.total_seconds() for d in delays))
            if delays
            else None
        ),
        unacknowledged=sum(1 for n in told if n.acknowledged_at is None and not n.undeliverable),
        undeliverable=undeliverable,
        no_school=len(made) - len(told),
    )


def delay_in_words(delay: dt.timedelta | None) -> str:
    if delay is None:
        return "None delivered yet"
    minutes = max(0, int(delay.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return ", ".join(parts)
