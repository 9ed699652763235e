"""What the rules read, loaded into memory: each person's stream of events, and the household
facts around them (addresses, household memberships, the household events of the people a child
lives with, DASH levels).

The rules read only the chronology (events and participants) and people (dates of birth,
addresses, households), plus this app's own DASH records. Everything is read with plain
column lists (no model instances), so replaying a million events stays a scan, not a million
queries.

`World.load(ids)` loads the household facts of the people in `ids` (None: everyone);
`streams(ids)` yields each person's own events in time order, `chunk` people at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection

from sightline.chronology.models import Event, EventType, Participant
from sightline.core.dates import age_on
from sightline.core.working_days import LONDON
from sightline.people.identifiers import normalise_postcode
from sightline.people.models import Address, HouseholdMember, Person

# Events that say who lives with whom, or that a household rule reads through a household.
HOUSEHOLD_TYPES = (
    EventType.DOMESTIC_ABUSE_INCIDENT,
    EventType.CUSTODY_RELEASE,
    EventType.HOUSEHOLD_MEMBER_JOINED,
    EventType.HOUSEHOLD_MEMBER_LEFT,
)
UTC = dt.UTC


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return _parse_datetime(value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _json(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return value if isinstance(value, dict) else {}


def local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


@lru_cache(maxsize=200_000)
def _parse_datetime(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@lru_cache(maxsize=100_000)
def address_key(line: str | None, postcode: str | None) -> tuple[str, str] | None:
    """Normalised postcode and first line: how the rules decide two people share an address.

    Cached: the same addresses are read again for every evaluation."""
    postcode = normalise_postcode(postcode or "")
    line = re.sub(r"[^a-z0-9 ]", "", (line or "").lower())
    line = re.sub(r"\s+", " ", line).strip()
    if not postcode or not line:
        return None
    return (postcode, line)


def address_key_from(value: Any) -> tuple[str, str] | None:
    """An address in a feed's details: {"line": ..., "postcode": ...} or one string."""
    if isinstance(value, dict):
        return address_key(value.get("line"), value.get("postcode"))
    if isinstance(value, str) and "," in value:
        line, _, rest = value.partition(",")
        return address_key(line, rest.split(",")[-1])
    return None


class Ev:
    """One event as a person's stream sees it: their roles in it. Its details are parsed
    when a rule first reads them (most rules never do)."""

    __slots__ = ("id", "type", "at", "roles", "_details")

    def __init__(
        self, id: int, type: str, at: dt.datetime, roles: tuple[str, ...], details: Any
    ) -> None:
        self.id, self.type, self.at, self.roles, self._details = id, type, at, roles, details

    @property
    def details(self) -> dict[str, Any]:
        if not isinstance(self._details, dict):
            self._details = _json(self._details)
        return self._details

    def __repr__(self) -> str:
        return f"Ev({self.id}, {self.type}, {self.at:%Y-%m-%d})"


@dataclass(slots=True)
class HouseholdEvent:
    id: int
    type: str
    at: dt.datetime
    details: dict[str, Any]
    participants: list[tuple[int, str]]


@dataclass(slots=True)
class PersonFacts:
    kind: str
    date_of_birth: dt.date | None

    def is_child_on(self, day: dt.date) -> bool:
        """Under 18 on `day`, or unborn (DESIGN.md section 6)."""
        if self.date_of_birth is None:
            return self.kind in (Person.Kind.CHILD, Person.Kind.UNBORN)
        dob = self.date_of_birth
        if day < dob:
            return True
        return age_on(dob, day) < 18

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day)


Interval = tuple[dt.date | None, dt.date | None]  # inclusive; None is open-ended


def _covers(interval: Interval, day: dt.date) -> bool:
    start, end = interval
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass
class World:
    persons: dict[int, PersonFacts] = field(default_factory=dict)
    addresses: dict[int, list[tuple[tuple[str, str], Interval]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    at_address: dict[tuple[str, str], list[tuple[int, Interval]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    memberships: dict[int, list[tuple[int, Interval]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    household_members: dict[int, list[tuple[int, Interval]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    events: dict[int, HouseholdEvent] = field(default_factory=dict)
    events_of: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    dash_levels: dict[int, str] = field(default_factory=dict)
    releases_to: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    _linked: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)

    # Loading --------------------------------------------------------------------------------

    @classmethod
    def load(cls, ids: set[int] | None = None) -> World:
        world = cls()
        columns = {
            Person: ("id", "kind", "date_of_birth"),
            Address: ("person_id", "line", "postcode", "moved_in", "moved_out"),
            HouseholdMember: ("person_id", "household_id", "joined", "left"),
        }

        def rows(model: type[Any]) -> Iterable[tuple[Any, ...]]:
            if ids is None:
                return model.objects.values_list(*columns[model]).iterator(5000)  # type: ignore[no-any-return]
            table, key = model._meta.db_table, "id" if model is Person else "person_id"
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns[model])
            return _rows_in(f"SELECT {quoted} FROM {table} WHERE {key}", ids)  # noqa: S608

        for pk, kind, dob in rows(Person):
            world.persons[pk] = PersonFacts(kind, _date(dob))
        for person_id, line, postcode, moved_in, moved_out in rows(Address):
            key = address_key(line, postcode)
            if key is not None:
                interval = (_date(moved_in), _date(moved_out))
                world.addresses[person_id].append((key, interval))
                world.at_address[key].append((person_id, interval))
        for person_id, household_id, joined, left in rows(HouseholdMember):
            interval = (_date(joined), _date(left))
            world.memberships[person_id].append((household_id, interval))
            world.household_members[household_id].append((person_id, interval))
        world._load_household_events(ids)
        world._load_dash(ids)
        return world

    def _load_household_events(self, ids: set[int] | None) -> None:
        if ids is not None:
            self._load_household_events_of(ids)
            return
        events = Event.objects.filter(type__in=HOUSEHOLD_TYPES) | Event.objects.filter(
            details__domestic_abuse_history=True
        )
        participants = Participant.objects.filter(event__in=events)
        self._add_household_events(
            events.values_list("pk", "type", "occurred_at", "details").iterator(5000),
            participants.values_list("event_id", "person_id", "role")
            .order_by("event_id", "person_id", "role")
            .iterator(5000),
        )

    def _load_household_events_of(self, ids: set[int]) -> None:
        """The household events of these people, in plain SQL (a feed batch's few hundred
        people): the same rows, in the same order, as the querysets above restricted to them."""
        event, participant = Event._meta.db_table, Participant._meta.db_table
        if connection.vendor == "sqlite":
            flagged = "json_extract(e.details, '$.domestic_abuse_history') = 1"
        else:
            flagged = "(e.details -> 'domestic_abuse_history') = 'true'::jsonb"
        kinds = ", ".join(["%s"] * len(HOUSEHOLD_TYPES))
        chosen = sorted(
            {
                event_id
                for (event_id,) in _rows_in(
                    f"SELECT p.event_id FROM {participant} p "  # noqa: S608 (names)
                    f"JOIN {event} e ON e.id = p.event_id "
                    f"WHERE (e.type IN ({kinds}) OR {flagged}) AND p.person_id",
                    ids,
                    params=HOUSEHOLD_TYPES,
                )
            }
        )
        rows = _rows_in(f"SELECT id, type, occurred_at, details FROM {event} WHERE id", chosen)  # noqa: S608
        # The model's order. SQLite's stored times sort as text in time order.
        rows.sort(key=lambda row: (row[2], row[0]), reverse=True)
        sql = f"SELECT event_id, person_id, role FROM {participant} WHERE event_id"  # noqa: S608
        self._add_household_events(rows, sorted(_rows_in(sql, chosen)))

    def _add_household_events(
        self, events: Iterable[tuple[Any, ...]], participants: Iterable[tuple[Any, ...]]
    ) -> None:
        for pk, type_, occurred_at, details in events:
            event = HouseholdEvent(pk, type_, _datetime(occurred_at), _json(details), [])
            self.events[pk] = event
            if type_ == EventType.CUSTODY_RELEASE:
                key = address_key_from(event.details.get("release_address"))
                if key is not None:
                    self.releases_to[key].append(pk)
        for event_id, person_id, role in participants:
            household_event = self.events.get(event_id)
            if household_event is not None:
                household_event.participants.append((person_id, role))
                self.events_of[person_id].append(event_id)

    def _load_dash(self, ids: set[int] | None) -> None:
        from sightline.risk.models import DASH_LEVEL_ORDER, DashLevel, DashRecord

        records = DashRecord.objects.all()
        if ids is not None:
            records = records.filter(event_id__in=list(self.events))
        for event_id, level in records.values_list("event_id", "level").order_by("id"):
            current = self.dash_levels.get(event_id)
            if (
                current is None
                or DASH_LEVEL_ORDER[DashLevel(level)] > DASH_LEVEL_ORDER[DashLevel(current)]
            ):
                self.dash_levels[event_id] = level

    # Households -----------------------------------------------------------------------------

    def facts(self, person_id: int) -> PersonFacts:
        return self.persons.get(person_id) or PersonFacts(Person.Kind.ADULT, None)

    def addresses_on(self, person_id: int, day: dt.date) -> set[tuple[str, str]]:
        return {
            key for key, interval in self.addresses.get(person_id, ()) if _covers(interval, day)
        }

    def lives_with(self, child_id: int, day: dt.date) -> set[int]:
        """Everyone who lives in the child's household on `day` (DESIGN.md section 6)."""
        mates: set[int] = set()
        for key in self.addresses_on(child_id, day):
            mates.update(
                other
                for other, interval in self.at_address.get(key, ())
                if other != child_id and _covers(interval, day)
            )
        for household_id, interval in self.memberships.get(child_id, ()):
            if _covers(interval, day):
                mates.update(
                    other
                    for other, span in self.household_members.get(household_id, ())
                    if other != child_id and _covers(span, day)
                )
        mates.update(self._joined_members(child_id, day))
        return mates

    def _joined_members(self, child_id: int, day: dt.date) -> set[int]:
        """Members named with the child in a household_member_joined with no later _left."""
        present: dict[int, bool] = {}
        changes = [
            self.events[event_id]
            for event_id in self.events_of.get(child_id, ())
            if self.events[event_id].type
            in (EventType.HOUSEHOLD_MEMBER_JOINED, EventType.HOUSEHOLD_MEMBER_LEFT)
        ]
        for change in sorted(changes, key=lambda e: (e.at, e.id)):
            if local_date(change.at) > day:
                break
            if (child_id, "child") not in change.participants:
                continue
            for person_id, role in change.participants:
                if person_id != child_id and role != "child":
                    present[person_id] = change.type == EventType.HOUSEHOLD_MEMBER_JOINED
        return {person_id for person_id, here in present.items() if here}

    def ever_linked(self, person_id: int) -> frozenset[int]:
        """Everyone who shared an address, a household or a household event with the person.

        Asked many times per person (each household rule, and whether a quiet person is
        evaluated at all): worked out once per loaded world."""
        cache = self._linked
        found = cache.get(person_id)
        if found is None:
            found = cache[person_id] = frozenset(self._ever_linked(person_id))
        return found

    def _ever_linked(self, person_id: int) -> set[int]:
        linked: set[int] = set()
        for key, _ in self.addresses.get(person_id, ()):
            linked.update(other for other, _ in self.at_address.get(key, ()))
        for household_id, _ in self.memberships.get(person_id, ()):
            linked.update(other for other, _ in self.household_members.get(household_id, ()))
        for event_id in self.events_of.get(person_id, ()):
            linked.update(other for other, _ in self.events[event_id].participants)
        linked.discard(person_id)
        return linked

    def releases_to_addresses_of(self, person_id: int) -> list[HouseholdEvent]:
        """Custody releases to any address the person ever lived at."""
        found = {
            pk
            for key, _ in self.addresses.get(person_id, ())
            for pk in self.releases_to.get(key, ())
        }
        return [self.events[pk] for pk in found]

    def household_events_of(self, person_ids: Iterable[int], type_: str) -> list[HouseholdEvent]:
        seen: dict[int, HouseholdEvent] = {}
        for person_id in person_ids:
            for event_id in self.events_of.get(person_id, ()):
                event = self.events[event_id]
                if event.type == type_:
                    seen[event_id] = event
        return sorted(seen.values(), key=lambda e: (e.at, e.id))

    def domestic_abuse_history(self, person_id: int, at: dt.datetime) -> list[int]:
        """The events that give the person a domestic abuse history at `at` (empty: none).

        Perpetrator in an earlier domestic_abuse_incident, or an event up to `at` that says so.
        """
        found = []
        for event_id in self.events_of.get(person_id, ()):
            event = self.events[event_id]
            if (
                event.type == EventType.DOMESTIC_ABUSE_INCIDENT
                and event.at < at
                and (person_id, "perpetrator") in event.participants
            ) or (event.at <= at and event.details.get("domestic_abuse_history") is True):
                found.append(event_id)
        return sorted(found, key=lambda pk: (self.events[pk].at, pk))


@dataclass
class Residents:
    """Who ever lived at each address, by postcode as read so far: a second step from the
    same people (`neighbours` twice) reads only the postcodes the first did not."""

    postcodes: set[str] = field(default_factory=set)
    at: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))


def neighbours(
    ids: set[int], addresses: Iterable[tuple[str, str]] = (), residents: Residents | None = None
) -> set[int]:
    """`ids` and everyone one step away: same address, same household, same household event;
    and everyone who ever lived at one of `addresses` (normalised keys)."""
    residents = residents if residents is not None else Residents()
    found = set(ids)
    address, member = Address._meta.db_table, HouseholdMember._meta.db_table
    sql = f"SELECT line, postcode FROM {address} WHERE person_id"  # noqa: S608 (the table)
    keys = {
        key
        for line, postcode in _rows_in(sql, ids)
        if (key := address_key(line, postcode)) is not None
    } | set(addresses)
    unread = {postcode for postcode, _ in keys} - residents.postcodes
    sql = f"SELECT person_id, line, postcode FROM {address} WHERE postcode"  # noqa: S608
    for person_id, line, postcode in _rows_in(sql, unread):
        key = address_key(line, postcode)
        if key is not None:
            residents.at[key].add(person_id)
    residents.postcodes |= unread
    for key in keys:
        found |= residents.at.get(key, set())
    sql = (
        f"SELECT m2.person_id FROM {member} m1 "  # noqa: S608 (the tables' names)
        f"JOIN {member} m2 ON m2.household_id = m1.household_id WHERE m1.person_id"
    )
    found.update(person_id for (person_id,) in _rows_in(sql, ids))
    found.update(_household_event_partners(ids))
    return found


def _rows_in(
    sql: str, values: Iterable[Any], chunk: int = 500, params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """The rows of `sql`, which ends with the column to match, for each of `values` (`params`
    fill the placeholders before it): plain SQL, `chunk` values to a query (the ORM takes
    longer to build a long IN list than the database takes to answer it)."""
    ordered = sorted(set(values))
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), chunk):
            part = ordered[start : start + chunk]
            cursor.execute(f"{sql} IN ({', '.join(['%s'] * len(part))})", [*params, *part])
            rows += cursor.fetchall()
    return rows


def _household_event_partners(ids: set[int]) -> set[int]:
    """Everyone named in a household event with one of `ids`. From the people's own events
    (an index lookup each), never from every household event there is: CROSS JOIN keeps
    SQLite to that order (PostgreSQL plans it as any join)."""
    participant, event = Participant._meta.db_table, Event._meta.db_table
    people = sorted(ids)
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(people), 500):
            chunk = people[start : start + 500]
            cursor.execute(
                f"SELECT DISTINCT p2.person_id FROM {participant} p "  # noqa: S608 (names)
                f"CROSS JOIN {event} e CROSS JOIN {participant} p2 "
                f"WHERE e.id = p.event_id AND p2.event_id = p.event_id "
                f"AND p.person_id IN ({', '.join(['%s'] * len(chunk))}) "
                f"AND e.type IN ({', '.join(['%s'] * len(HOUSEHOLD_TYPES))})",
                [*chunk, *HOUSEHOLD_TYPES],
            )
            found.update(person_id for (person_id,) in cursor.fetchall())
    return found


def _stream_sql(where: str) -> str:
    participant = Participant._meta.db_table
    event = Event._meta.db_table
    return (
        f"SELECT p.person_id, e.id, e.type, e.occurred_at, p.role, e.details "  # noqa: S608
        f"FROM {participant} p JOIN {event} e ON e.id = p.event_id "
        f"WHERE {where} ORDER BY p.person_id, e.occurred_at, e.id"
    )


def streams(
    ids: Iterable[int] | None = None,
    *,
    until: dt.datetime | None = None,
    chunk: int = 2000,
) -> Iterator[tuple[int, list[Ev]]]:
    """Each person's own events, oldest first (ties by event id), `chunk` people per query.

    `until` leaves out events that occurred after it.
    """
    if ids is None:
        person_ids = list(
            Participant.objects.order_by("person_id").values_list("person_id", flat=True).distinct()
        )
    else:
        person_ids = sorted(set(ids))
    with connection.cursor() as cursor:
        for start in range(0, len(person_ids), chunk):
            batch = person_ids[start : start + chunk]
            if ids is None:
                where = "p.person_id BETWEEN %s AND %s"
                params: list[Any] = [batch[0], batch[-1]]
            else:
                where = f"p.person_id IN ({', '.join(['%s'] * len(batch))})"
                params = list(batch)
            if until is not None:
                where += " AND e.occurred_at <= %s"
                params.append(
                    until.astimezone(UTC)
                    if connection.vendor != "sqlite"
                    else until.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                )
            cursor.execute(_stream_sql(where), params)
            yield from _group(cursor.fetchall())


def _group(rows: list[tuple[Any, ...]]) -> Iterator[tuple[int, list[Ev]]]:
    current: int | None = None
    stream: list[Ev] = []
    for person_id, event_id, type_, occurred_at, role, details in rows:
        if person_id != current:
            if current is not None:
                yield current, stream
            current, stream = person_id, []
        if stream and stream[-1].id == event_id:
            stream[-1].roles = (*stream[-1].roles, role)
            continue
        stream.append(Ev(event_id, type_, _datetime(occurred_at), (role,), details))
    if current is not None:
        yield current, stream
