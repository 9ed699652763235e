"""T10 `encompass-notification-late` from the notices (registered with the rules engine at
start-up through `risk.timescales.record_timescale_register`).

A notice to a school or to the elective home education officer is late at `today` when its
deadline (the start of the next school day, or of the next working day) has passed by the
clock and nobody it was meant for had it delivered by then (its first delivery, an e-mail
sent, after the deadline; or none). A school with no designated safeguarding lead in Sightline
never has it delivered. The clock is now when `today` is today, else the end of `today`, so
`--as-of` replays it. One item per child and deadline day: its alert concerns the child and is
raised at the end of that day. It ends when the notice is delivered.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sightline.core.working_days import LONDON, end_of_day
from sightline.risk.timescales import Ended, record_timescale_register
from sightline.sharing.encompass.models import EncompassNotice

RULE = "encompass-notification-late"
TOLD = (EncompassNotice.Route.SCHOOL, EncompassNotice.Route.HOME_EDUCATION)


def delivered_at(notice: EncompassNotice) -> dt.datetime | None:
    times = [n.delivered_at for n in notice.notifications.all() if n.delivered_at is not None]
    return min(times) if times else None


def _clock(today: dt.date) -> dt.datetime:
    return timezone.now() if today == timezone.localdate() else end_of_day(today)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, LONDON).date()


def _notices(**filters: object) -> list[EncompassNotice]:
    return list(
        EncompassNotice.objects.filter(route__in=TOLD, **filters)
        .prefetch_related("notifications__email")
        .order_by("due_at", "pk")
    )


def is_late(notice: EncompassNotice, clock: dt.datetime) -> bool:
    if notice.due_at >= clock:
        return False
    delivered = delivered_at(notice)
    return delivered is None or delivered > notice.due_at or delivered > clock


def notices_late(today: dt.date) -> list[tuple[int, dt.date]]:
    clock = _clock(today)
    found: dict[tuple[int, dt.date], None] = {}
    for notice in _notices(due_at__lt=clock, created_at__lte=clock):
        if is_late(notice, clock):
            found[(notice.child_id, _local_day(notice.due_at))] = None
    return list(found)


def notice_delivered(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    for notice in _notices(child_id=person_id):
        delivered = delivered_at(notice)
        if _local_day(notice.due_at) == due and delivered and _local_day(delivered) <= today:
            what = "the notification reached the designated safeguarding lead"
            if notice.route == EncompassNotice.Route.HOME_EDUCATION:
                what = "the notification reached the elective home education officer"
            return Ended(_local_day(delivered), what, True, due)
    return None


def register() -> None:
    record_timescale_register(RULE, overdue=notices_late, ended=notice_delivered)
