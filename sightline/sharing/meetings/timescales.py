"""The risk meetings' timescales as alerts, registered with the rules engine at start-up
(`risk.timescales.record_timescale_register`):

- `dram-overdue` (T11): a high-risk domestic abuse incident (as the DRAM agenda reads it) not
  discussed at a DRAM within 24 hours. The engine counts in days: the item is due on the day
  24 hours after the incident ends, discussed in time when a DRAM held by that day recorded
  what it agreed about it. It concerns each child named in the incident (the victim when none
  is). Sightline can tell whether an incident was discussed only once the partnership records
  its DRAMs here: incidents before the first DRAM recorded in Sightline raise nothing.
- `marac-minutes-overdue` (LOCAL, 3 working days): the minutes of a MARAC not published by their
  due day, about each case's subject.
- `meeting-action-overdue`: an action agreed at a risk meeting, past its due date and neither
  done nor found impossible, about its case's subject.

An item is overdue at `today` when its due day is before `today` and it was not done by
`today` (done on the day itself counts as done), so `--as-of` replays it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from sightline.chronology.models import Event, Participant
from sightline.risk import catalogue
from sightline.risk.timescales import Ended, record_timescale_register
from sightline.sharing.meetings.agenda import high_risk_incidents
from sightline.sharing.meetings.models import MeetingAction, MeetingCase, MeetingKind, RiskMeeting


def _hours() -> int:
    return int(catalogue.rule_get("dram-overdue").defaults["hours"])


def _due_day(incident: Event) -> dt.date:
    return timezone.localtime(incident.occurred_at + dt.timedelta(hours=_hours())).date()


def _discussed_on(incident_ids: list[int]) -> dict[int, dt.date]:
    """The first DRAM day that recorded what it agreed about each incident."""
    found: dict[int, dt.date] = {}
    for incident_id, held_on in (
        MeetingCase.objects.filter(
            meeting__kind=MeetingKind.DRAM,
            incident_id__in=incident_ids,
            discussed_at__isnull=False,
        )
        .order_by("meeting__held_on")
        .values_list("incident_id", "meeting__held_on")
    ):
        found.setdefault(incident_id, held_on)
    return found


def _concerning(incident_ids: list[int]) -> dict[int, list[int]]:
    """The people each incident's alert concerns: its children, else its victim."""
    roles: dict[int, dict[str, list[int]]] = {}
    for event_id, person_id, role in Participant.objects.filter(
        event_id__in=incident_ids, role__in=["child", "victim"]
    ).values_list("event_id", "person_id", "role"):
        roles.setdefault(event_id, {}).setdefault(role, []).append(person_id)
    return {
        event_id: sorted(set(by_role.get("child") or by_role.get("victim") or []))
        for event_id, by_role in roles.items()
    }


def _dram_items(today: dt.date) -> Iterator[tuple[Event, int, dt.date, dt.date | None]]:
    first = RiskMeeting.objects.filter(kind=MeetingKind.DRAM).order_by("held_on").first()
    if first is None:
        return
    since = dt.datetime.combine(first.held_on - dt.timedelta(days=1), dt.time.min).replace(
        tzinfo=timezone.get_current_timezone()
    )
    until = dt.datetime.combine(today, dt.time.min).replace(tzinfo=timezone.get_current_timezone())
    incidents = high_risk_incidents(since, until)
    ids = [e.pk for e in incidents]
    discussed = _discussed_on(ids)
    concerning = _concerning(ids)
    for incident in incidents:
        for person_id in concerning.get(incident.pk, []):
            yield incident, person_id, _due_day(incident), discussed.get(incident.pk)


def _done_by(day: dt.date | None, today: dt.date) -> bool:
    return day is not None and day <= today


def dram_overdue(today: dt.date) -> list[tuple[int, dt.date]]:
    return sorted(
        {
            (person_id, due)
            for _, person_id, due, discussed in _dram_items(today)
            if due < today and not _done_by(discussed, today)
        },
        key=lambda item: (item[1], item[0]),
    )


def dram_ended(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    for _, person, item_due, discussed in _dram_items(today):
        if person == person_id and item_due == due and _done_by(discussed, today):
            assert discussed is not None
            return Ended(discussed, "the incident was discussed at the DRAM", True, due)
    return None


def marac_minutes_overdue(today: dt.date) -> list[tuple[int, dt.date]]:
    found: set[tuple[int, dt.date]] = set()
    for meeting in RiskMeeting.objects.filter(
        kind=MeetingKind.MARAC, minutes_due_on__lt=today
    ).prefetch_related("cases"):
        assert meeting.minutes_due_on is not None
        if not _done_by(meeting.minutes_published_on, today):
            found.update((case.subject_id, meeting.minutes_due_on) for case in meeting.cases.all())
    return sorted(found, key=lambda item: (item[1], item[0]))


def marac_minutes_ended(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    for meeting in RiskMeeting.objects.filter(
        kind=MeetingKind.MARAC, minutes_due_on=due, cases__subject_id=person_id
    ).distinct():
        if _done_by(meeting.minutes_published_on, today):
            assert meeting.minutes_published_on is not None
            return Ended(meeting.minutes_published_on, "the minutes were published", True, due)
    return None


ENDED = (MeetingAction.Status.DONE, MeetingAction.Status.NOT_POSSIBLE)


def _action_done(action: MeetingAction, today: dt.date) -> bool:
    return action.status in ENDED and _done_by(action.status_on, today)


def meeting_actions_overdue(today: dt.date) -> list[tuple[int, dt.date]]:
    found = {
        (action.case.subject_id, action.due_on)
        for action in MeetingAction.objects.filter(due_on__lt=today).select_related("case")
        if timezone.localtime(action.created_at).date() <= today and not _action_done(action, today)
    }
    return sorted(found, key=lambda item: (item[1], item[0]))


def meeting_action_ended(person_id: int, due: dt.date, today: dt.date) -> Ended | None:
    actions = list(MeetingAction.objects.filter(case__subject_id=person_id, due_on=due))
    if not actions or not all(_action_done(a, today) for a in actions):
        return None
    last = max(actions, key=lambda a: a.status_on or due)
    assert last.status_on is not None
    done = last.status == MeetingAction.Status.DONE
    what = "the action was done" if done else "the action was no longer possible"
    return Ended(last.status_on, what, done, due)


def register() -> None:
    record_timescale_register("dram-overdue", overdue=dram_overdue, ended=dram_ended)
    record_timescale_register(
        "marac-minutes-overdue", overdue=marac_minutes_overdue, ended=marac_minutes_ended
    )
    record_timescale_register(
        "meeting-action-overdue", overdue=meeting_actions_overdue, ended=meeting_action_ended
    )
