"""Reads of the chronology: a person's timeline, newest first.

Callers pass a person they have already authorised and recorded the read of
(`people.selectors.person_get`); these reads do not record again.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, CharField, Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event, EventType, Participant, Role
from sightline.core.templatetags.govuk_dates import day_month_year_of, hours_minutes_of, local
from sightline.people.models import Person

TYPE_LABELS: dict[str, str] = dict(EventType.choices)
ROLE_LABELS: dict[str, str] = dict(Role.choices)
# The columns a timeline row shows (not the event's details, which the list never shows).
ROW_FIELDS = ("pk", "type", "occurred_at", "summary", "source__name", "recorded_by_label")


class _Joined(Aggregate):
    """The values joined with commas (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def person_timeline(
    *,
    user: User,
    person: Person,
    agency: Agency | None = None,
    type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Event]:
    """The events concerning `person`, newest first, optionally filtered.

    `date_from` and `date_to` are inclusive local dates. The queryset is lazy: count it and
    slice it for a page, then turn the slice into rows with `timeline_entries`. Each event
    carries `roles_here`, this person's roles in it (comma-separated values), so a page is
    one query however many events it shows.

    `user` is the reader: every event of a person they may see is shown today; event-level
    restrictions (for example sealed records) will narrow the timeline here.
    """
    participations = Participant.objects.filter(person=person)
    if date_from:
        participations = participations.filter(occurred_at__gte=_start_of_day(date_from))
    if date_to:
        participations = participations.filter(
            occurred_at__lt=_start_of_day(date_to + dt.timedelta(days=1))
        )
    events = Event.objects.filter(pk__in=participations.values("event_id"))
    if agency is not None:
        events = events.filter(source=agency)
    if type:
        events = events.filter(type=type)
    roles = (
        Participant.objects.filter(event=OuterRef("pk"), person=person)
        .order_by()
        .values("event")
        .annotate(roles=_Joined("role"))
        .values("roles")
    )
    return events.annotate(roles_here=Subquery(roles)).order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class TimelineEntry:
    """One row of a person's chronology, its labels worked out for the template."""

    pk: int
    occurred_at: dt.datetime
    when_iso: str  # for <time datetime="...">
    day: str  # "4 Jan 2019"
    time: str  # "09:30"
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


def timeline_entries(*, events: QuerySet[Event]) -> list[TimelineEntry]:
    """Rows for `person_timeline`, or a slice of it (one query)."""
    entries = []
    zone = timezone.get_current_timezone()
    for pk, type_, occurred_at, summary, agency, recorded_by, roles_here in events.values_list(
        *ROW_FIELDS, "roles_here"
    ):
        when = local(occurred_at, zone)
        roles = sorted((roles_here or "").split(","))
        entries.append(
            TimelineEntry(
                pk=pk,
                occurred_at=occurred_at,
                when_iso=when.isoformat(),
                day=day_month_year_of(when),
                time=hours_minutes_of(when),
                what=TYPE_LABELS.get(type_, type_),
                summary=_summary_html(summary),
                agency=agency,
                recorded_by=recorded_by,
                roles=", ".join(ROLE_LABELS.get(role, role) for role in roles if role),
            )
        )
    return entries


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


def timeline_facets(*, person: Person) -> TimelineFacets:
    """The agencies and event types on `person`'s timeline, and their counts, in one query."""
    groups = (
        Event.objects.filter(pk__in=Participant.objects.filter(person=person).values("event_id"))
        .order_by()
        .values_list("source_id", "source__code", "source__name", "type")
        .annotate(events=Count("pk"))
    )
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


def timeline_agencies(*, person: Person) -> QuerySet[Agency]:
    """The agencies that recorded events about `person` (to filter their timeline by)."""
    return Agency.objects.filter(events__participants__person=person).distinct().order_by("name")


def timeline_event_types(*, person: Person) -> list[tuple[str, str]]:
    """The types of event on `person`'s timeline, as (value, label), by label."""
    return timeline_facets(person=person).types
