"""Importing agency feeds: each line checked, then imported all or nothing.

Lines are imported in batches: one transaction per batch (`BATCH_LINES` lines), each line in
a savepoint of its own, so a rejected line rolls back alone and the lines before and after it
are kept. An error that is not about the line (a bug, a full disk) rolls back that line,
keeps the lines before it and stops the import. A process killed part way loses the batch in
progress, whole: no half-imported event is ever committed, lines are reported only once their
batch has committed, and sending them again is safe (idempotent by source and event id). The
rules hear about a batch's events once it has committed, and evaluate each person it touches
once.

For an accepted line, every person is resolved to a person (linkage), the event is appended
to each of their chronologies, addresses and households are brought up to date, and a
pending contact joins the front door queue. A resend of the same (source, event_id) changes
nothing; a changed resend is a conflict and is not applied.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.chronology import listeners
from sightline.chronology.models import Event, EventType, Role
from sightline.chronology.services import EventToRecord, events_record_many
from sightline.core import audit
from sightline.core.outages import DatabaseAway, database_unavailable, patiently
from sightline.core.rows import rows_insert
from sightline.core.transactions import savepoint_shared
from sightline.feeds.format import (
    AddressSent,
    EventLine,
    PersonSent,
    Problem,
    event_line_check,
    event_line_decode,
    text_problem,
)
from sightline.feeds.models import ReceivedEvent
from sightline.frontdoor.models import Channel, Contact
from sightline.frontdoor.services.contacts import MAX_TEXT, contact_create
from sightline.linkage.services import (
    RecordAsSent,
    records_known,
    resolution_session,
    source_record_resolve,
)
from sightline.people.households import (
    household_create,
    household_ids_on,
    household_member_join,
    household_member_leave,
)
from sightline.people.identifiers import normalise_postcode
from sightline.people.models import Household, Person
from sightline.people.services import address_move

Status = Literal["accepted", "duplicate", "conflict", "rejected"]
ADULT = 18
BATCH_LINES = 200  # lines imported in one transaction (each in its own savepoint)
# Who a custody release's address belongs to: the person released.
RELEASED_ROLES = (Role.SUBJECT, Role.PERPETRATOR)


def feed_actor(agency: Agency) -> str:
    """The named system actor for everything an agency's feed writes."""
    return f"feed:{agency.code}"


@dataclass
class LineResult:
    """What became of one line (or one event of an API batch)."""

    line: int
    event_id: str
    status: Status
    problems: list[Problem] = field(default_factory=list)
    event: Event | None = None
    persons_created: int = 0
    persons_linked: int = 0
    seconds: float = 0.0  # time spent checking and importing the line (not its batch's commit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "event_id": self.event_id,
            "status": self.status,
            "problems": [{"field": p.field, "reason": p.reason} for p in self.problems],
        }


@dataclass
class ImportSummary:
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    persons_created: int = 0
    persons_linked: int = 0
    alerts_raised: int | None = None
    # The rules run in the worker after each batch commits: the import cannot count the
    # alerts they raise (`sightline alerts` lists them).
    rules_in_worker: bool = False
    results: list[LineResult] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing was rejected or in conflict."""
        return not (self.rejected or self.conflicts)

    def add(self, result: LineResult, *, keep: bool) -> None:
        if result.status == "accepted":
            self.accepted += 1
        elif result.status == "duplicate":
            self.duplicates += 1
        elif result.status == "conflict":
            self.conflicts += 1
        else:
            self.rejected += 1
        self.persons_created += result.persons_created
        self.persons_linked += result.persons_linked
        if keep or result.status in ("conflict", "rejected"):
            self.results.append(result)

    def counts(self) -> dict[str, int | None]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "persons_created": self.persons_created,
            "persons_linked": self.persons_linked,
            "alerts_raised": self.alerts_raised,
        }


def registered_agencies() -> dict[str, Agency]:
    """Agencies allowed to send feeds, by code."""
    return {agency.code: agency for agency in Agency.objects.filter(active=True)}


def rules_in_worker() -> bool:
    """Whether the rules the chronology's listeners start run later, in the worker (the
    database task backend), rather than as each batch commits (the immediate backend)."""
    from django_tasks import default_task_backend

    return bool(default_task_backend.supports_defer)


def alert_count() -> int | None:
    """How many risk alerts exist, or None when the risk app has no Alert model (yet).

    Looked up through the app registry: feeds sit beside risk and must not import it.
    """
    try:
        model = apps.get_model("risk", "Alert")
    except LookupError:
        return None
    try:
        with transaction.atomic():
            return model.objects.count()
    except DatabaseError:  # the risk app's tables are not migrated yet
        return None


# --- one line ------------------------------------------------------------------------------


def event_receive(
    payload: Any,
    *,
    line: int,
    agencies: Mapping[str, Agency],
    sender: Agency | None = None,
    now: dt.datetime | None = None,
    seen: Received | None = None,
    pending: Pending | None = None,
) -> LineResult:
    """Check one decoded event and import it. `sender`, when given, is the only agency the
    event may come from (the API token's agency). `seen`, in a batch, holds what was received
    before the batch (read once for all its lines) and what the batch has accepted so far."""
    event_id = payload.get("event_id") if isinstance(payload, dict) else None
    event_id = event_id if _readable(event_id) else ""
    checked = event_line_check(payload, line=line, agencies=agencies, now=now)
    if isinstance(checked, list):
        return LineResult(line, event_id, "rejected", checked)
    if sender is not None and checked.source != sender.code:
        reason = (
            f"your token is for {sender.code!r}: an agency may only send its own events, "
            f"not {checked.source!r}'s"
        )
        return LineResult(line, event_id, "rejected", [Problem(line, "source", reason)])
    agency = agencies[checked.source]
    earlier = _already_received(agency, checked, seen)
    if earlier is not None:
        return earlier
    try:
        result = event_import(line=checked, agency=agency, pending=pending)
    except ValidationError as error:
        return LineResult(line, event_id, "rejected", _problems_from(error, line))
    except IntegrityError:
        # Sent twice at once (the other copy won), already on the chronology by other means,
        # or one of its people was being added by another import at the same moment.
        earlier = _already_received(agency, checked)
        if earlier is not None:
            return earlier
        if Event.objects.filter(source=agency, source_event_id=checked.event_id).exists():
            reason = "an event with this id from this agency is already on the chronology"
            return LineResult(line, event_id, "rejected", [Problem(line, "event_id", reason)])
        reason = (
            "another import was adding the same people at the same moment: nothing of this "
            "event was kept; send it again"
        )
        return LineResult(line, event_id, "rejected", [Problem(line, "people", reason)])
    if seen is not None:
        seen.accepted(agency, checked)
    return result


@dataclass(frozen=True)
class _Earlier:
    payload_hash: str
    payload: Any
    received_at: dt.datetime


class Received:
    """What a batch knows was received: events received before it (read in one query) and the
    events it has accepted itself. An event neither holds was never received."""

    def __init__(self, payloads: Iterable[Any]) -> None:
        ids: dict[str, set[str]] = {}
        for payload in payloads:
            if isinstance(payload, dict):
                source, event_id = payload.get("source"), payload.get("event_id")
                if _readable(source) and _readable(event_id):
                    ids.setdefault(source.strip(), set()).add(event_id.strip())
        self._known: dict[tuple[str, str], _Earlier] = {}
        for source, event_ids in ids.items():
            rows = ReceivedEvent.objects.filter(
                agency__code=source, source_event_id__in=event_ids
            ).values_list("source_event_id", "payload_hash", "payload", "received_at")
            for event_id, payload_hash, payload, received_at in rows:
                self._known[(source, event_id)] = _Earlier(payload_hash, payload, received_at)

    def earlier(self, agency: Agency, event_id: str) -> _Earlier | None:
        return self._known.get((agency.code, event_id))

    def accepted(self, agency: Agency, line: EventLine) -> None:
        self._known[(agency.code, line.event_id)] = _Earlier(
            line.payload_hash, line.payload, timezone.now()
        )


def _already_received(
    agency: Agency, line: EventLine, seen: Received | None = None
) -> LineResult | None:
    if seen is not None:
        earlier: _Earlier | ReceivedEvent | None = seen.earlier(agency, line.event_id)
    else:
        earlier = ReceivedEvent.objects.filter(agency=agency, source_event_id=line.event_id).first()
    if earlier is None:
        return None
    if earlier.payload_hash == line.payload_hash:
        return LineResult(line.line, line.event_id, "duplicate", event=None)
    when = timezone.localdate(earlier.received_at).isoformat()
    changed = _changed_fields(earlier.payload, line.payload)
    reason = f"differs from the event already received on {when}" + (
        f" ({', '.join(changed)}); send changes under a new event_id" if changed else ""
    )
    return LineResult(
        line.line, line.event_id, "conflict", [Problem(line.line, "event_id", reason)]
    )


def _changed_fields(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Dotted paths of what differs between two payloads (at most a handful)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changed: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            changed += _changed_fields(before.get(key), after.get(key), path)
        return changed[:5]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        changed = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            changed += _changed_fields(old, new, f"{prefix}[{index}]")
        return changed[:5]
    return [] if before == after else [prefix or "the event"]


def _problems_from(error: ValidationError, line: int) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            Problem(line, key if key != "__all__" else "", message)
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem(line, "", message) for message in error.messages]


class Pending:
    """A batch's events waiting to be written together once its lines are done (the people,
    addresses and households of each line are written as the line is imported)."""

    def __init__(self) -> None:
        self.lines: list[tuple[LineResult, EventToRecord, ReceivedEvent]] = []

    def write(self) -> None:
        """Write the events (one insert each for events, participants and receipts)."""
        if not self.lines:
            return
        events = events_record_many(events=[spec for _, spec, _ in self.lines])
        for (result, _, received), event in zip(self.lines, events, strict=True):
            received.event = event
            result.event = event
        rows_insert([received for _, _, received in self.lines])
        self.lines = []


@savepoint_shared()
def event_import(*, line: EventLine, agency: Agency, pending: Pending | None = None) -> LineResult:
    """Import one checked line: all of it or, on any error, none of it.

    With `pending` (a batch), the event itself joins the batch's events, written together at
    its end; a contact for the front door is written at once (the contact points at it).
    """
    actor = feed_actor(agency)
    result = LineResult(line.line, line.event_id, "accepted")
    resolved: list[tuple[PersonSent, Person]] = []
    created: set[int] = set()
    named_by: dict[tuple[int, str], int] = {}  # (person, role) -> the record that named them
    for sent in line.people:
        resolution = source_record_resolve(actor=actor, sent=_record_as_sent(agency, line, sent))
        person = resolution.person
        if resolution.created_person:
            result.persons_created += 1
            created.add(person.pk)
        else:
            result.persons_linked += 1
        resolved.append((sent, person))
        named_by.setdefault((person.pk, sent.role), resolution.record.pk)
    spec = EventToRecord(
        type=line.type,
        occurred_at=line.occurred_at if line.has_time else line.occurred_on,
        summary=line.summary or _default_summary(line, agency),
        source=agency,
        participants=[(person, sent.role) for sent, person in resolved],
        recorded_by_label=f"{agency.name} feed",
        details=line.details,
        source_event_id=line.event_id,
        source_records=named_by,
    )
    received = ReceivedEvent(
        agency=agency,
        source_event_id=line.event_id,
        payload_hash=line.payload_hash,
        payload=line.payload,
        recorded_at=line.recorded_at,
        received_at=timezone.now(),
    )
    to_front_door = line.type == EventType.CONTACT and line.details.get("outcome") == "pending"
    _addresses_update(actor=actor, line=line, agency=agency, resolved=resolved, created=created)
    if line.type in (EventType.HOUSEHOLD_MEMBER_JOINED, EventType.HOUSEHOLD_MEMBER_LEFT):
        _household_update(actor=actor, line=line, resolved=resolved)
    if pending is not None and not to_front_door:
        pending.lines.append((result, spec, received))  # last: nothing after it can fail
        return result
    event = events_record_many(events=[spec])[0]
    received.event = event
    received.save(force_insert=True)
    if to_front_door:
        _contact_to_front_door(
            actor=actor, line=line, agency=agency, event=event, resolved=resolved
        )
    result.event = event
    return result


def person_kind(sent: PersonSent, line: EventLine) -> str:
    """Child or adult from the date of birth on the event's day; without one, from the role.

    A child with no date of birth in a maternity booking is the unborn baby.
    """
    if sent.date_of_birth is not None:
        age = Person(date_of_birth=sent.date_of_birth).age_on(line.occurred_on)
        return Person.Kind.CHILD if age is not None and age < ADULT else Person.Kind.ADULT
    if sent.role == Role.CHILD:
        if line.type == EventType.MATERNITY_BOOKING:
            return Person.Kind.UNBORN
        return Person.Kind.CHILD
    return Person.Kind.ADULT


def _record_as_sent(agency: Agency, line: EventLine, sent: PersonSent) -> RecordAsSent:
    address = sent.address or AddressSent()
    return RecordAsSent(
        agency=agency,
        record_id=sent.record_id,
        given_name=sent.given_name,
        family_name=sent.family_name,
        date_of_birth=sent.date_of_birth,
        sex=sent.sex,
        nhs_number=sent.nhs_number,
        upn=sent.upn,
        address_line=address.line,
        postcode=address.postcode,
        kind=person_kind(sent, line),
        # A person first met in an event has lived at the address it gives since at least
        # its day (not since today, which would hide it from earlier days).
        address_since=line.occurred_on,
    )


def _default_summary(line: EventLine, agency: Agency) -> str:
    return f"{EventType(line.type).label} (from {agency.name})"


def _address_move(
    *, actor: str, person: Person, address: AddressSent, day: dt.date, agency: Agency
) -> None:
    """Record the address from the event's day, unless we already hold a later one."""
    if not address:
        return
    address_move(
        actor=actor,
        person=person,
        line=address.line,
        postcode=address.postcode,
        town=address.town,
        moved_in=day,
        source=agency,
    )


def _addresses_update(
    *,
    actor: str,
    line: EventLine,
    agency: Agency,
    resolved: list[tuple[PersonSent, Person]],
    created: Collection[int] = (),
) -> None:
    """Move people to the addresses the event gives them, from the event's day (a person the
    event created already lives at the address it gave them)."""
    day = line.occurred_on
    moves: dict[int, tuple[Person, AddressSent]] = {}
    for sent, person in resolved:
        if sent.address and person.pk not in created:
            moves[person.pk] = (person, sent.address)
    if line.type == EventType.ADDRESS_CHANGE:
        new = _address_detail(line.details.get("address"))
        for _, person in resolved:
            moves[person.pk] = (person, new)
    if line.type == EventType.CUSTODY_RELEASE and line.details.get("release_address"):
        new = _address_detail(line.details["release_address"])
        for sent, person in resolved:
            if sent.role in RELEASED_ROLES:
                moves[person.pk] = (person, new)
    for person, address in moves.values():
        _address_move(actor=actor, person=person, address=address, day=day, agency=agency)


def _address_detail(value: dict[str, Any] | None) -> AddressSent:
    value = value or {}
    return AddressSent(
        line=(value.get("line") or "").strip(),
        postcode=normalise_postcode(value.get("postcode") or ""),
        town=(value.get("town") or "").strip(),
    )


def _household_update(
    *, actor: str, line: EventLine, resolved: list[tuple[PersonSent, Person]]
) -> None:
    """Someone joins or leaves the children's household on the event's day."""
    day = line.occurred_on
    children = list(dict.fromkeys(p for s, p in resolved if s.role == Role.CHILD))
    members = list(dict.fromkeys(p for s, p in resolved if s.role == Role.MEMBER))
    homes = {
        child.pk: [Household(pk=pk) for pk in household_ids_on(person_id=child.pk, day=day)]
        for child in children
    }
    household = next((homes[child.pk][0] for child in children if homes[child.pk]), None)
    if household is None:
        household = household_create(
            actor=actor, name=f"{children[0].family_name} household".strip(), founder=children[0]
        )
        homes[children[0].pk] = [household]
    for child in children:
        if household not in homes[child.pk]:
            household_member_join(actor=actor, household=household, person=child, day=day)
    for member in members:
        if line.type == EventType.HOUSEHOLD_MEMBER_JOINED:
            household_member_join(actor=actor, household=household, person=member, day=day)
        else:
            household_member_leave(actor=actor, household=household, person=member, day=day)


def _contact_to_front_door(
    *,
    actor: str,
    line: EventLine,
    agency: Agency,
    event: Event,
    resolved: list[tuple[PersonSent, Person]],
) -> None:
    """A contact still awaiting a decision joins the IFD queue, on the feed's own event."""
    if Contact.objects.filter(referrer_agency=agency, external_id=line.event_id).exists():
        return  # the same contact already came through POST /api/v1/contacts
    child = next((person for sent, person in resolved if sent.role == Role.CHILD), None)
    concern = line.details.get("concern") or line.summary or _default_summary(line, agency)
    contact_create(
        actor=actor,
        channel=Channel.API,
        concern=concern[:MAX_TEXT],
        child=child,
        referrer_agency=agency,
        referral_source=line.details.get("referral_source") or "",
        external_id=line.event_id,
        received_at=line.occurred_at,
        event=event,
    )


# --- many lines ----------------------------------------------------------------------------


def feed_import(
    lines: Iterable[tuple[int, bytes | str | Any]],
    *,
    decoded: bool = False,
    sender: Agency | None = None,
    keep_results: bool = False,
    on_line: Callable[[LineResult], None] | None = None,
    actor: str = "",
    batch_lines: int = BATCH_LINES,
    on_wait: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import numbered lines (raw JSON Lines text, or decoded events with `decoded`).

    Each line is imported all or nothing (a savepoint in its batch's transaction), so an
    error in one never leaves part of it behind, and the other lines stay. `on_line` hears of
    each line once its batch has committed. The import as a whole is audited once.

    While the database is out of reach, the batch waits and is tried again (`on_wait` hears
    why, each time); if it stays away past `DATABASE_WAIT_SECONDS`, `FeedInterrupted` says
    from which line nothing was imported (sending the file again imports just those).
    """
    agencies = registered_agencies()
    deferred = rules_in_worker()
    alerts_before = None if deferred else alert_count()
    summary = ImportSummary(rules_in_worker=deferred)
    batch: list[tuple[int, bytes | str | Any]] = []

    def flush() -> None:
        remaining = list(batch)
        batch.clear()
        while remaining:

            def attempt(lines: list[tuple[int, Any]] = remaining) -> tuple[list[LineResult], Any]:
                return _batch_import(lines, decoded=decoded, sender=sender, agencies=agencies)

            try:
                results, failure = patiently(attempt, on_wait=on_wait)
            except DatabaseAway as away:
                raise FeedInterrupted(str(away), first_line_not_imported=remaining[0][0]) from away
            for result in results:
                summary.add(result, keep=keep_results)
                if on_line:
                    on_line(result)
            remaining = remaining[len(results) :]
            if failure is not None and not database_unavailable(failure):
                raise failure
            if failure is None:
                remaining = []

    for number, raw in lines:
        batch.append((number, raw))
        if len(batch) >= max(batch_lines, 1):
            flush()
    if batch:
        flush()
    alerts_after = None if deferred else alert_count()
    if alerts_before is not None and alerts_after is not None:
        summary.alerts_raised = alerts_after - alerts_before
    try:
        patiently(
            lambda: audit.record(
                actor=actor or (feed_actor(sender) if sender else "feed"),
                kind=audit.Kind.CHANGE,
                action="feed.imported",
                detail={"sender": sender.code if sender else "", **summary.counts()},
            ),
            on_wait=on_wait,
        )
    except DatabaseAway as away:
        raise FeedInterrupted(str(away), first_line_not_imported=None) from away
    return summary


class FeedInterrupted(Exception):
    """The database stayed out of reach: lines before `first_line_not_imported` are in (every
    line, when it is None: only the import's own audit entry could not be written)."""

    def __init__(self, message: str, *, first_line_not_imported: int | None) -> None:
        super().__init__(message)
        self.first_line_not_imported = first_line_not_imported


def _batch_import(
    batch: list[tuple[int, bytes | str | Any]],
    *,
    decoded: bool,
    sender: Agency | None,
    agencies: Mapping[str, Agency],
) -> tuple[list[LineResult], Exception | None]:
    """Import a batch of lines in one transaction, each line in a savepoint of its own.

    A line that fails for another reason than its content (a bug, a full disk) is rolled
    back alone, the lines before it are committed and the error is handed back, to be raised
    once they are reported. The chronology listeners (the rules) are told about the batch's
    events once it commits.

    The batch's events are written together after its lines. Should that meet an event
    already recorded (another writer got there first), the whole batch is rolled back and
    imported again with each event written as its line is imported, where such a line is
    reported on its own.
    """
    payloads = [_line_decode(number, raw, decoded=decoded) for number, raw in batch]
    try:
        return _batch_attempt(batch, payloads, together=True, sender=sender, agencies=agencies)
    except IntegrityError:
        return _batch_attempt(batch, payloads, together=False, sender=sender, agencies=agencies)


def _batch_attempt(
    batch: list[tuple[int, bytes | str | Any]],
    payloads: list[Any],
    *,
    together: bool,
    sender: Agency | None,
    agencies: Mapping[str, Agency],
) -> tuple[list[LineResult], Exception | None]:
    results: list[LineResult] = []
    failure: Exception | None = None
    with (
        listeners.batch(),
        transaction.atomic(),
        resolution_session(),
        audit.deferred(),
    ):
        seen = Received(payloads)
        pending = Pending() if together else None
        records_known(_records_named(payloads))
        for (number, _), payload in zip(batch, payloads, strict=True):
            started = time.perf_counter()
            try:
                if isinstance(payload, Problem):
                    result = LineResult(number, "", "rejected", [payload])
                else:
                    result = event_receive(
                        payload,
                        line=number,
                        agencies=agencies,
                        sender=sender,
                        seen=seen,
                        pending=pending,
                    )
            except Exception as error:  # noqa: BLE001 - raised again once the batch commits
                failure = error
                break
            result.seconds = time.perf_counter() - started
            results.append(result)
        if pending is not None:
            pending.write()
    return results, failure


def _line_decode(number: int, raw: bytes | str | Any, *, decoded: bool) -> Any:
    """The line's event as decoded JSON, or the problem that stops it being read."""
    return raw if decoded else event_line_decode(raw, line=number)


def _records_named(payloads: Iterable[Any]) -> list[tuple[str, str]]:
    """(source, record_id) of every person the batch's events name (as far as they can be
    read: checking them is the line's own business)."""
    named: list[tuple[str, str]] = []
    for payload in payloads:
        if not isinstance(payload, dict) or not isinstance(payload.get("people"), list):
            continue
        source = payload.get("source")
        for person in payload["people"]:
            record_id = person.get("record_id") if isinstance(person, dict) else None
            if isinstance(record_id, int) and not isinstance(record_id, bool):
                record_id = str(record_id)
            if _readable(source) and _readable(record_id):
                named.append((source.strip(), record_id.strip()))
    return named


def _readable(value: Any) -> TypeGuard[str]:
    """A string that may be looked up in the database (a line with any other is rejected)."""
    return isinstance(value, str) and text_problem(value) is None
