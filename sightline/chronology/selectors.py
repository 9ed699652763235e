"""Reads of the chronology: a person's timeline, newest first.

The order is by date (the UK date each event happened on), then by the order things were
recorded: a step recorded with a date only has no time to sort by, and gets none invented
(core.dates). Its time is shown only when one was recorded.

Callers pass a person they have already authorised and recorded the read of
(`people.selectors.person_get`); these reads do not record again.

The person page reads a page of the timeline and the filter choices on every visit, so both
are plain SQL statements: building and compiling the equivalent querysets cost the page
several times what the database takes to answer them (`python -m sightline.bench`).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any, overload

from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event, EventType, Participant, Role
from sightline.core.templatetags.govuk_dates import day_month_year_of, hours_minutes_of, local
from sightline.people.models import Person

TYPE_LABELS: dict[str, str] = dict(EventType.choices)
ROLE_LABELS: dict[str, str] = dict(Role.choices)

_EVENT = Event._meta.db_table
_PARTICIPANT = Participant._meta.db_table
_AGENCY = Agency._meta.db_table


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class TimelineEntry:
    """One row of a person's chronology, its labels worked out for the template."""

    pk: int
    occurred_at: dt.datetime
    when_iso: str  # for <time datetime="...">: a date only when no time was recorded
    day: str  # "4 Jan 2019"
    time: str  # "09:30", or "" when the step was recorded with a date only
    what: str  # the type of event, in words
    summary: SafeString  # escaped, line breaks as <br>
    agency: str
    recorded_by: str
    roles: str  # this person's roles in the event: "Child, Victim"

    def __getitem__(self, name: str) -> Any:
        """Templates look a name up as a key first: answering saves an exception per cell."""
        return getattr(self, name)


def _summary_html(text: str) -> SafeString:
    """Escaped, with line breaks as <br>: what the `linebreaksbr` filter gives, without its
    lazy-string and regular-expression machinery (it runs for every row)."""
    escaped = html.escape(text)  # what django.utils.html.escape does
    if "\r" in escaped:
        escaped = escaped.replace("\r\n", "\n").replace("\r", "\n")
    return SafeString(escaped.replace("\n", "<br>"))


def _aware(value: dt.datetime) -> dt.datetime:
    """A stored datetime as the ORM gives it: SQLite keeps naive UTC (the connection's zone)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=connection.timezone)
    return value


def _roles_of_person() -> str:
    """This person's roles in the event of the outer row, comma-separated."""
    joined = (
        "STRING_AGG(r.\"role\", ',')"
        if connection.vendor == "postgresql"
        else 'GROUP_CONCAT(r."role")'
    )
    return (
        f'(SELECT {joined} FROM "{_PARTICIPANT}" r '  # noqa: S608 (names, not values)
        'WHERE r."event_id" = e."id" AND r."person_id" = %s)'
    )


class Timeline:
    """The events concerning a person, newest first, with the filters applied.

    A sequence of TimelineEntry rows that reads nothing until sliced: `timeline[50:100]` is one
    query for those rows (with this person's roles in each), `timeline.count()` one count. The
    paginator slices it for a page; the printout takes every row (`timeline[:]`).
    """

    def __init__(
        self,
        *,
        person_id: int,
        agency_id: int | None,
        type: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
    ) -> None:
        self.person_id = person_id
        adapt = connection.ops.adapt_datetimefield_value
        events = f'SELECT "event_id" FROM "{_PARTICIPANT}" WHERE "person_id" = %s'  # noqa: S608
        params: list[Any] = [person_id]
        if date_from:
            events += ' AND "occurred_at" >= %s'
            params.append(adapt(_start_of_day(date_from)))
        if date_to:
            events += ' AND "occurred_at" < %s'
            params.append(adapt(_start_of_day(date_to + dt.timedelta(days=1))))
        where = f'e."id" IN ({events})'
        if agency_id is not None:
            where += ' AND e."source_id" = %s'
            params.append(agency_id)
        if type:
            where += ' AND e."type" = %s'
            params.append(type)
        self._where, self._params = where, params

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT COUNT(*) FROM "{_EVENT}" e WHERE {self._where}',  # noqa: S608
                self._params,
            )
            return int(cursor.fetchone()[0])

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> TimelineEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[TimelineEntry]: ...
    def __getitem__(self, index: int | slice) -> TimelineEntry | list[TimelineEntry]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
            raise ValueError("A timeline is sliced forwards, without a step")
        start = index.start or 0
        limit = -1 if index.stop is None else max(0, index.stop - start)  # -1: every row
        sql = (
            f'SELECT e."id", e."type", e."occurred_at", e."has_time", e."summary", '  # noqa: S608
            f'a."name", e."recorded_by_label", {_roles_of_person()} '
            f'FROM "{_EVENT}" e JOIN "{_AGENCY}" a ON a."id" = e."source_id" '
            f'WHERE {self._where} ORDER BY e."occurred_on" DESC, e."id" DESC'
        )
        params = [self.person_id, *self._params]
        if limit >= 0:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, start]
        elif start:
            sql += " OFFSET %s"
            params.append(start)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return _entries(cursor.fetchall())


def _entries(rows: list[tuple[Any, ...]]) -> list[TimelineEntry]:
    entries = []
    zone = timezone.get_current_timezone()
    for pk, type_, occurred_at, has_time, summary, agency, recorded_by, roles_here in rows:
        occurred_at = _aware(occurred_at)
        when = local(occurred_at, zone)
        roles = sorted((roles_here or "").split(","))
        entries.append(
            TimelineEntry(
                pk=pk,
                occurred_at=occurred_at,
                when_iso=when.isoformat() if has_time else when.date().isoformat(),
                day=day_month_year_of(when),
                time=hours_minutes_of(when) if has_time else "",
                what=TYPE_LABELS.get(type_, type_),
                summary=_summary_html(summary),
                agency=agency,
                recorded_by=recorded_by,
                roles=", ".join(ROLE_LABELS.get(role, role) for role in roles if role),
            )
        )
    return entries


def person_timeline(
    *,
    user: User,
    person: Person,
    agency: Agency | None = None,
    type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Timeline:
    """The events concerning `person`, newest first, optionally filtered.

    `date_from` and `date_to` are inclusive local dates. Nothing is read until the timeline
    is sliced (a page of rows) or counted.

    `user` is the reader: every event of a person they may see is shown today; event-level
    restrictions (for example sealed records) will narrow the timeline here.
    """
    return Timeline(
        person_id=person.pk,
        agency_id=agency.pk if agency is not None else None,
        type=type,
        date_from=date_from,
        date_to=date_to,
    )


@dataclass(frozen=True)
class TimelineFacets:
    """What a person's timeline can be filtered by: the agencies that recorded events about
    them, as (id, code, name) by name, and the types of event, as (value, label) by label;
    and how many events each agency recorded of each type."""

    agencies: list[tuple[int, str, str]]
    types: list[tuple[str, str]]
    counts: dict[tuple[int, str], int]

    def count(self, *, agency: Agency | None = None, type: str | None = None) -> int:
        """How many events the timeline shows with these filters (and no dates)."""
        return sum(
            number
            for (agency_id, type_), number in self.counts.items()
            if (agency is None or agency_id == agency.pk) and (not type or type_ == type)
        )


_FACETS_SQL = f"""
    SELECT e."source_id", a."code", a."name", e."type", COUNT(*)
    FROM "{_EVENT}" e JOIN "{_AGENCY}" a ON a."id" = e."source_id"
    WHERE e."id" IN (SELECT "event_id" FROM "{_PARTICIPANT}" WHERE "person_id" = %s)
    GROUP BY e."source_id", a."code", a."name", e."type" """  # noqa: S608 (names, not values)


def timeline_facets(*, person: Person) -> TimelineFacets:
    """The agencies and event types on `person`'s timeline, and their counts, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_FACETS_SQL, [person.pk])
        groups = cursor.fetchall()
    agencies: dict[int, tuple[int, str, str]] = {}
    counts: dict[tuple[int, str], int] = {}
    for agency_id, code, name, type_, events in groups:
        agencies[agency_id] = (agency_id, code, name)
        counts[(agency_id, type_)] = events
    types = {type_ for _, type_ in counts}
    return TimelineFacets(
        agencies=sorted(agencies.values(), key=lambda agency: (agency[2], agency[0])),
        types=sorted(((value, TYPE_LABELS.get(value, value)) for value in types), key=_label),
        counts=counts,
    )


def _label(choice: tuple[str, str]) -> str:
    return choice[1]
