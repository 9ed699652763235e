"""The rules engine: evaluate the catalogue for people, and keep their alerts in step.

One evaluation for both paths: as an event arrives (the listener evaluates the people it
touches and the children in their households) and when history is replayed
(`sightline alerts --rebuild`). Each person is evaluated over their whole stream, so the same
events always give the same alerts, whatever order they arrived in.

Keeping alerts in step (`_sync`): a computed pattern instance that shares evidence with a
stored alert of the same rule is that alert (its evidence follows the pattern; a closed alert
whose pattern grew reopens); a new instance raises a new alert; a stored alert whose pattern
no longer holds (for example the contact led to an assessment after all) is removed if nobody
has acted on it, and otherwise closed as withdrawn. When records were merged or split, such an
alert is always closed as withdrawn, with the reason (its people may have been told); an alert
Sightline withdrew reopens if its pattern holds again. Timescale alerts are only ever added: a
deadline that was missed stays missed.

As events arrive and as records are merged or split, the evaluation runs in the worker
(`sightline.risk.tasks`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from sightline.chronology.models import Event, Participant
from sightline.core import audit
from sightline.core.notifications import alerts_raised, publish_on_commit
from sightline.core.working_days import LONDON
from sightline.risk import catalogue, closing
from sightline.risk.catalogue import RULES_ACTOR
from sightline.risk.models import Alert, AlertOutcome, AlertStatus, RuleSetting
from sightline.risk.patterns import HOUSEHOLD_RULES, PATTERNS, Instance, Subject
from sightline.risk.timescales import (
    RECORD_TIMESCALES,
    STREAM_TIMESCALES,
    contact_decision_overdue,
    record_timescale_instances,
    timescale_people,
)
from sightline.risk.world import Ev, Residents, World, address_key_from, neighbours, streams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Configuration:
    """Which rules are on, with their thresholds (defaults overlaid with the partnership's)."""

    enabled: frozenset[str]
    parameters: dict[str, dict[str, Any]]

    @classmethod
    def current(cls) -> Configuration:
        stored = {s.code: s for s in RuleSetting.objects.all()}
        enabled, parameters = set(), {}
        for rule in catalogue.RULES:
            setting = stored.get(rule.code)
            if setting is None or setting.enabled:
                enabled.add(rule.code)
            parameters[rule.code] = {**rule.defaults, **(setting.parameters if setting else {})}
        return cls(frozenset(enabled), parameters)

    def on(self, code: str) -> bool:
        return code in self.enabled


def evaluate(
    subject: Subject, config: Configuration, today: dt.date | None = None
) -> list[Instance]:
    """Every pattern instance for the person; with `today`, the stream timescales too."""
    found: list[Instance] = []
    quiet = not subject.events  # only the household rules read beyond the person's stream
    for code, rule in PATTERNS.items():
        if config.on(code) and (not quiet or code in HOUSEHOLD_RULES):
            found += rule(subject, config.parameters[code])
    if today is not None and not quiet:
        for code, timescale in STREAM_TIMESCALES.items():
            if config.on(code):
                found += timescale(subject, config.parameters[code], today)
    return sorted(found, key=lambda i: (i.raised_at, i.raised_by or 0, i.rule))


def with_quiet_people(
    people: Iterable[tuple[int, list[Ev]]], everyone: list[int], world: World
) -> Iterator[tuple[int, list[Ev]]]:
    """The streams of `people` (by person id), with an empty stream for each person in
    `everyone` who has no events of their own but lives with someone (household rules)."""
    quiet = iter(everyone)
    waiting = next(quiet, None)
    for person_id, stream in people:
        while waiting is not None and waiting < person_id:
            if world.ever_linked(waiting):
                yield waiting, []
            waiting = next(quiet, None)
        if waiting == person_id:
            waiting = next(quiet, None)
        yield person_id, stream
    while waiting is not None:
        if world.ever_linked(waiting):
            yield waiting, []
        waiting = next(quiet, None)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=LONDON)


def compute(*, as_of: dt.date | None = None, config: Configuration | None = None) -> list[Instance]:
    """Every alert instance from the events up to the end of `as_of` (None: all events), with
    the timescale rules at that clock (None: now). Writes nothing."""
    config = config or Configuration.current()
    until = end_of(as_of) if as_of else None
    today = as_of or timezone.localdate()
    world = World.load(None)
    if until is not None:
        _forget_after(world, until)
    found: list[Instance] = []
    people = with_quiet_people(streams(None, until=until), sorted(world.persons), world)
    for person_id, stream in people:
        found += evaluate(Subject(person_id, stream, world), config, today)
    if config.on("contact-decision-overdue"):
        found += [
            i
            for i in contact_decision_overdue(as_of=as_of or timezone.now())
            if until is None or i.raised_at <= until
        ]
    for code in RECORD_TIMESCALES:
        if config.on(code):
            found += record_timescale_instances(code, today)
    return sorted(found, key=lambda i: (i.raised_at, i.raised_by or 0, i.rule, i.person_id))


def _forget_after(world: World, until: dt.datetime) -> None:
    late = {pk for pk, event in world.events.items() if event.at > until}
    for pk in late:
        del world.events[pk]
    for person_id, event_ids in world.events_of.items():
        world.events_of[person_id] = [pk for pk in event_ids if pk not in late]
    world._linked.clear()


# Keeping stored alerts in step -----------------------------------------------------------------


@dataclass
class SyncResult:
    """What a sync did, as alert ids (counted for the replay's summary entry)."""

    raised: list[int] = field(default_factory=list)
    extended: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    removed: int = 0

    def add(self, other: SyncResult) -> None:
        self.raised += other.raised
        self.extended += other.extended
        self.reopened += other.reopened
        self.withdrawn += other.withdrawn
        self.removed += other.removed

    def counts(self) -> dict[str, int]:
        return {
            "raised": len(self.raised),
            "extended": len(self.extended),
            "reopened": len(self.reopened),
            "withdrawn": len(self.withdrawn),
            "removed": self.removed,
        }


@dataclass(slots=True)
class _Stored:
    """A stored alert as the sync reads it: plain columns and its evidence, no model instance
    (a replay reads every stored alert and changes few or none of them)."""

    id: int
    person_id: int
    rule: str
    raised_by: int | None
    status: str
    touched: bool
    reopened_count: int
    evidence: dict[int, int] = field(default_factory=dict)  # event id -> link row id
    withdrawn_by_rules: bool = False  # closed as withdrawn by Sightline, not by a person


@dataclass
class _Writes:
    """The writes one sync makes, gathered first and then made in bulk."""

    new: list[Instance] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)  # (alert id, event id)
    unlinks: list[int] = field(default_factory=list)  # link row ids
    updates: dict[tuple[str, ...], list[Alert]] = field(default_factory=lambda: defaultdict(list))
    deletes: list[int] = field(default_factory=list)
    audits: list[tuple[str, Alert, dict[str, Any]]] = field(default_factory=list)
    withdrawn_audits: list[tuple[str, Alert, dict[str, Any]]] = field(default_factory=list)


def _stored(person_ids: list[int], codes: list[str]) -> dict[tuple[int, str], list[_Stored]]:
    """The stored alerts of `codes` for `person_ids` with their evidence, in a few queries."""
    stored: dict[tuple[int, str], list[_Stored]] = defaultdict(list)
    by_id: dict[int, _Stored] = {}
    for start in range(0, len(person_ids), EVALUATE_CHUNK * 4):
        people = person_ids[start : start + EVALUATE_CHUNK * 4]
        rows = (
            Alert.objects.filter(person_id__in=people, rule__in=codes)
            .order_by("id")
            .values_list(
                "id",
                "person_id",
                "rule",
                "raised_by_id",
                "status",
                "acknowledged_by_id",
                "closed_by_id",
                "reopened_count",
                "outcome",
            )
        )
        for pk, person_id, rule, raised_by, status, acknowledged, closed, reopened, outcome in rows:
            alert = _Stored(
                pk, person_id, rule, raised_by, status, bool(acknowledged or closed), reopened
            )
            alert.withdrawn_by_rules = (
                status == AlertStatus.CLOSED and outcome == AlertOutcome.WITHDRAWN and not closed
            )
            by_id[pk] = alert
            stored[(person_id, rule)].append(alert)
    # By alert id (the link table's index), not by a join on the alerts' person and rule:
    # SQLite answers that join by scanning every link row, once per chunk.
    alert_ids = list(by_id)
    for start in range(0, len(alert_ids), 900):
        links = Alert.evidence.through.objects.filter(
            alert_id__in=alert_ids[start : start + 900]
        ).values_list("id", "alert_id", "event_id")
        for link_id, alert_id, event_id in links:
            by_id[alert_id].evidence[event_id] = link_id
    return stored


def _sync(
    *,
    instances: list[Instance],
    person_ids: Iterable[int],
    codes: Iterable[str],
    withdraw: bool,
    record_each: bool,
    withdrawn_note: str | None = None,
) -> SyncResult:
    """Make the stored alerts of `codes` for `person_ids` match the computed `instances`.

    Reads the stored alerts and their evidence in two queries, works out what differs in
    Python, and writes only that, in bulk: nothing at all when the alerts are in step.

    With `withdrawn_note`, an alert whose pattern no longer holds is closed as withdrawn with
    that note even when nobody has acted on it (its people may have been told already),
    rather than removed."""
    result = SyncResult()
    person_ids, codes = sorted(set(person_ids)), list(codes)
    if not person_ids or not codes:
        return result
    stored = _stored(person_ids, codes)
    writes = _Writes()
    now = timezone.now()
    matched: set[int] = set()
    for instance in instances:
        anchors = instance.anchors()
        candidates = [
            a
            for a in stored.get((instance.person_id, instance.rule), ())
            if a.id not in matched and not anchors.isdisjoint(a.evidence)
        ]
        if not candidates:
            writes.new.append(instance)
            continue
        alert, others = candidates[0], candidates[1:]
        matched.add(alert.id)
        for other in others:
            matched.add(other.id)
            if withdraw:
                _retire(other, AlertOutcome.SUPERSEDED, f"Joined to alert {alert.id}.", writes, now)
                _count_retired(other, result)
        _follow(alert, instance, withdraw, record_each, writes, result, now)
    if withdraw:
        for group in stored.values():
            for alert in group:
                if alert.id in matched or alert.status == AlertStatus.CLOSED:
                    continue
                if record_each:
                    target = Alert(pk=alert.id, person_id=alert.person_id, rule=alert.rule)
                    detail = {"rule": alert.rule}
                    writes.withdrawn_audits.append(("alert.withdrawn", target, detail))
                _retire(
                    alert,
                    AlertOutcome.WITHDRAWN,
                    withdrawn_note or "The pattern no longer holds on the events recorded since.",
                    writes,
                    now,
                    keep=withdrawn_note is not None,
                )
                _count_retired(alert, result, keep=withdrawn_note is not None)
    _write(writes, result, record_each, now)
    return result


def _follow(
    alert: _Stored,
    instance: Instance,
    withdraw: bool,
    record_each: bool,
    writes: _Writes,
    result: SyncResult,
    now: dt.datetime,
) -> None:
    """Bring a stored alert in step with its pattern instance: its evidence follows the
    pattern; a closed alert whose pattern grew reopens."""
    have = alert.evidence
    wanted = dict.fromkeys(instance.evidence)
    added = [pk for pk in wanted if pk not in have]
    grew = bool(added)
    # A pattern alert Sightline withdrew (its records were split, say) whose pattern holds
    # again (the split was undone) reopens, as one whose pattern grew does.
    returned = withdraw and alert.withdrawn_by_rules
    changed = grew or returned or alert.raised_by != instance.raised_by
    if withdraw:
        gone = [link for pk, link in have.items() if pk not in wanted]
        if gone:
            writes.unlinks += gone
            changed = True
    if not changed:
        return
    writes.links += [(alert.id, pk) for pk in added]
    update = Alert(
        pk=alert.id,
        person_id=alert.person_id,
        rule=alert.rule,
        raised_by_id=instance.raised_by,
        raised_at=instance.raised_at,
        updated_at=now,
    )
    fields: tuple[str, ...] = ("raised_by", "raised_at", "updated_at")
    if returned and alert.status == AlertStatus.CLOSED:
        update.status, update.reopened_count = AlertStatus.OPEN, alert.reopened_count + 1
        update.outcome, update.note, update.closed_at = "", "", None
        fields += ("outcome", "note", "closed_at", "status", "reopened_count")
        result.reopened.append(alert.id)
    elif grew and alert.status == AlertStatus.CLOSED:
        update.status, update.reopened_count = AlertStatus.OPEN, alert.reopened_count + 1
        fields += ("status", "reopened_count")
        result.reopened.append(alert.id)
    elif grew:
        result.extended.append(alert.id)
    writes.updates[fields].append(update)
    if record_each and (grew or fields[-1] == "reopened_count"):
        action = "alert.reopened" if fields[-1] == "reopened_count" else "alert.extended"
        detail = {"rule": alert.rule, "evidence": sorted(set(wanted) | set(have))}
        writes.audits.append((action, update, detail))


def _retire(
    alert: _Stored,
    outcome: str,
    note: str,
    writes: _Writes,
    now: dt.datetime,
    *,
    keep: bool = False,
) -> None:
    """An alert nobody has acted on goes (unless `keep`); one somebody has is closed with
    `outcome`."""
    if alert.status == AlertStatus.CLOSED:
        return
    if not alert.touched and not keep:
        writes.deletes.append(alert.id)
        return
    closed = Alert(
        pk=alert.id,
        status=AlertStatus.CLOSED,
        outcome=outcome,
        note=note,
        closed_at=now,
        updated_at=now,
    )
    writes.updates[("status", "outcome", "note", "closed_at", "updated_at")].append(closed)


def _count_retired(alert: _Stored, result: SyncResult, *, keep: bool = False) -> None:
    if alert.status == AlertStatus.CLOSED:
        return
    if alert.touched or keep:
        result.withdrawn.append(alert.id)
    else:
        result.removed += 1


def _write(writes: _Writes, result: SyncResult, record_each: bool, now: dt.datetime) -> None:
    through = Alert.evidence.through
    for start in range(0, len(writes.unlinks), 500):
        through.objects.filter(pk__in=writes.unlinks[start : start + 500]).delete()
    for fields, updates in writes.updates.items():
        Alert.objects.bulk_update(updates, list(fields), batch_size=250)
    for start in range(0, len(writes.deletes), 500):
        Alert.objects.filter(pk__in=writes.deletes[start : start + 500]).delete()
    if writes.new:
        created = _insert_alerts(writes.new, now)
        for pk, instance in zip(created, writes.new, strict=True):
            writes.links += [(pk, event_id) for event_id in dict.fromkeys(instance.evidence)]
            result.raised.append(pk)
            if record_each:
                target = Alert(pk=pk, person_id=instance.person_id, rule=instance.rule)
                detail = {"rule": instance.rule, "raised_by": instance.raised_by}
                writes.audits.append(("alert.raised", target, detail))
        if record_each:  # live evaluation tells people; a replay of history does not
            publish_on_commit(alerts_raised, alert_ids=created)
    _insert_links(writes.links)
    for action, target, detail in writes.audits + writes.withdrawn_audits:
        audit.record_change(
            actor=RULES_ACTOR,
            action=action,
            target=target,
            person_id=target.person_id,
            detail=detail,
        )


def _insert_alerts(instances: list[Instance], now: dt.datetime) -> list[int]:
    """Insert a new alert for each instance; their ids, in order.

    One multi-row INSERT ... RETURNING id per batch, with the values written out directly:
    `bulk_create` prepares every field of every model instance, which is most of the cost of
    storing the 200,000 alerts of a full replay. Backends that cannot return ids from a
    multi-row insert use `bulk_create`."""
    if not connection.features.can_return_rows_from_bulk_insert:
        alerts = Alert.objects.bulk_create([_new_alert(i) for i in instances], batch_size=500)
        return [alert.pk for alert in alerts]
    columns = (
        "rule",
        "person_id",
        "raised_by_id",
        "raised_at",
        "title",
        "asks_for",
        "recipient_label",
        "audience",
        "created_at",
        "updated_at",
    )
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(now)
    rules = {code: catalogue.rule_get(code) for code in {i.rule for i in instances}}
    rows = []
    for instance in instances:
        rule = rules[instance.rule]
        rows.append(
            (
                rule.code,
                instance.person_id,
                instance.raised_by,
                adapt(instance.raised_at),
                rule.name,
                rule.asks_for,
                rule.recipient,
                rule.audience,
                stamp,
                stamp,
            )
        )
    per_query = max(1, min(500, (connection.features.max_query_params or 999) // len(columns)))
    head = (
        f"INSERT INTO {quote(Alert._meta.db_table)} "  # noqa: S608 (names, not values)
        f"({', '.join(quote(c) for c in columns)}, {quote('status')}, {quote('outcome')}, "
        f"{quote('note')}, {quote('reopened_count')}) VALUES "
    )
    row_sql = f"({', '.join(['%s'] * len(columns))}, 'open', '', '', 0)"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_query):
            batch = rows[start : start + per_query]
            params = [value for row in batch for value in row]
            sql = head + ", ".join([row_sql] * len(batch)) + f" RETURNING {quote('id')}"
            cursor.execute(sql, params)
            ids += [pk for (pk,) in cursor.fetchall()]
    return ids


def _insert_links(links: list[tuple[int, int]]) -> None:
    """Evidence rows (alert id, event id), with executemany (a link already there stays)."""
    if not links:
        return
    field_ = Alert._meta.get_field("evidence")
    assert isinstance(field_, models.ManyToManyField)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(field_.m2m_db_table())} "  # noqa: S608 (names, not values)
        f"({quote(field_.m2m_column_name())}, {quote(field_.m2m_reverse_name())}) "
        "VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(links), 5000):
            cursor.executemany(sql, links[start : start + 5000])


def _new_alert(instance: Instance) -> Alert:
    rule = catalogue.rule_get(instance.rule)
    return Alert(
        rule=rule.code,
        person_id=instance.person_id,
        raised_by_id=instance.raised_by,
        raised_at=instance.raised_at,
        title=rule.name,
        asks_for=rule.asks_for,
        recipient_label=rule.recipient,
        audience=rule.audience,
    )


# The two paths ---------------------------------------------------------------------------------


def _pattern_codes(config: Configuration) -> list[str]:
    return [code for code in catalogue.PATTERN_CODES if config.on(code)]


def rules_lock() -> None:
    """Hold the rules' lock until the transaction ends: one evaluation writes alerts at a
    time, so two workers evaluating the same person never both raise its alert.

    PostgreSQL: a transaction-level advisory lock. SQLite runs one write transaction at a time
    already (`transaction_mode` IMMEDIATE takes the write lock when the transaction begins)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RULES_LOCK])


RULES_LOCK = 0x5167_4C00  # the advisory lock's key ("SigL")


@transaction.atomic
def people_evaluate(
    person_ids: Iterable[int],
    *,
    addresses: Iterable[tuple[str, str]] = (),
    record_each: bool = True,
    withdrawn_note: str | None = None,
) -> SyncResult:
    """Evaluate the pattern rules for these people and the children in their households (and
    everyone living at `addresses`, such as a custody release address).

    With `withdrawn_note`, an alert that no longer holds is closed with that note, never
    removed (see `_sync`)."""
    rules_lock()
    config = Configuration.current()
    residents = Residents()
    affected = neighbours(set(person_ids), addresses, residents)
    world = World.load(neighbours(affected, residents=residents))
    instances: list[Instance] = []
    for person_id, stream in with_quiet_people(streams(affected), sorted(affected), world):
        instances += evaluate(Subject(person_id, stream, world), config)
    return _sync(
        instances=instances,
        person_ids=affected,
        codes=_pattern_codes(config),
        withdraw=True,
        record_each=record_each,
        withdrawn_note=withdrawn_note,
    )


def event_arrived(event_id: int) -> None:
    """The chronology listener for one event: evaluate the people it touches."""
    events_arrived([event_id])


EVALUATE_CHUNK = 500  # people evaluated together (keeps every IN list well inside limits)


def events_arrived(event_ids: list[int]) -> None:
    """Evaluate now the people the events touch (the worker's task does this for the
    chronology listener, `sightline.risk.tasks`).

    A batch of events (a feed import) evaluates each person it touches once, over their whole
    stream, which gives the same alerts as evaluating after every event: evaluation reads the
    whole stream and stored alerts are brought in step with it.
    """
    person_ids, addresses = people_touched(event_ids)
    if not person_ids:
        return
    ordered = sorted(person_ids)
    for start in range(0, len(ordered), EVALUATE_CHUNK):
        people_evaluate(ordered[start : start + EVALUATE_CHUNK], addresses=addresses)


def people_touched(event_ids: Iterable[int]) -> tuple[set[int], set[tuple[str, str]]]:
    """The people the events name, and the addresses their details name (a release or new
    address: whoever lives there is evaluated too)."""
    event_ids = sorted(set(event_ids))
    person_ids: set[int] = set()
    addresses: set[tuple[str, str]] = set()
    for start in range(0, len(event_ids), EVALUATE_CHUNK):
        chunk = event_ids[start : start + EVALUATE_CHUNK]
        person_ids.update(
            Participant.objects.filter(event_id__in=chunk).values_list("person_id", flat=True)
        )
        for details in Event.objects.filter(pk__in=chunk).values_list("details", flat=True):
            details = details if isinstance(details, dict) else {}
            for name in ("release_address", "address"):
                if (key := address_key_from(details.get(name))) is not None:
                    addresses.add(key)
    return person_ids, addresses


@transaction.atomic
def replay(*, chunk: int = 2000) -> SyncResult:
    """Replay every pattern rule over all history, and the timescales as of now, in one pass
    over each person's stream."""
    rules_lock()
    config = Configuration.current()
    codes = _pattern_codes(config)
    timescale_codes = [c for c in catalogue.TIMESCALE_CODES if config.on(c)]
    today = timezone.localdate()
    world = World.load(None)
    result = SyncResult()
    evaluated: set[int] = set()
    batch_ids: list[int] = []
    instances: list[Instance] = []
    people = with_quiet_people(streams(None, chunk=chunk), sorted(world.persons), world)

    def flush() -> None:
        patterns = [i for i in instances if i.rule in codes]
        deadlines = [i for i in instances if i.rule not in codes]
        result.add(
            _sync(
                instances=patterns,
                person_ids=batch_ids,
                codes=codes,
                withdraw=True,
                record_each=False,
            )
        )
        if deadlines:
            result.add(
                _sync(
                    instances=deadlines,
                    person_ids={i.person_id for i in deadlines},
                    codes=timescale_codes,
                    withdraw=False,
                    record_each=False,
                )
            )

    for person_id, stream in people:
        batch_ids.append(person_id)
        evaluated.add(person_id)
        instances += evaluate(Subject(person_id, stream, world), config, today)
        if len(batch_ids) >= chunk:
            flush()
            batch_ids, instances = [], []
    if batch_ids:
        flush()
    # People not evaluated (no events left, and nobody they live with has any) keep no pattern
    # alerts. A person with no events of their own who lives with someone was evaluated with
    # the household rules above, and keeps what those raise.
    stale = {
        person_id
        for person_id in Alert.objects.filter(rule__in=codes)
        .values_list("person_id", flat=True)
        .distinct()
        .iterator(5000)
        if person_id not in evaluated
    }
    if stale:
        result.add(
            _sync(
                instances=[],
                person_ids=stale,
                codes=codes,
                withdraw=True,
                record_each=False,
            )
        )
    if config.on("contact-decision-overdue"):
        overdue = contact_decision_overdue(as_of=timezone.now())
        result.add(
            _sync(
                instances=overdue,
                person_ids={i.person_id for i in overdue},
                codes=["contact-decision-overdue"],
                withdraw=False,
                record_each=False,
            )
        )
    audit.record(
        actor=RULES_ACTOR,
        kind=audit.Kind.CHANGE,
        action="alerts.replayed",
        detail={**result.counts(), "rules": sorted(config.enabled)},
    )
    return result


@transaction.atomic
def timescales_sweep(
    *, config: Configuration | None = None, record_each: bool = True
) -> SyncResult:
    """Raise the timescale alerts for deadlines missed by now (never withdraws one)."""
    rules_lock()
    config = config or Configuration.current()
    today = timezone.localdate()
    instances: list[Instance] = []
    if config.on("contact-decision-overdue"):
        instances += contact_decision_overdue(as_of=timezone.now())
    codes = [code for code in STREAM_TIMESCALES if config.on(code)]
    if codes:
        starters = timescale_people()
        world = World.load(starters)
        for person_id, stream in streams(starters):
            subject = Subject(person_id, stream, world)
            for code in codes:
                instances += STREAM_TIMESCALES[code](subject, config.parameters[code], today)
    codes_all = [c for c in catalogue.TIMESCALE_CODES if config.on(c)]
    people = {i.person_id for i in instances}
    result = _sync(
        instances=instances,
        person_ids=people,
        codes=codes_all,
        withdraw=False,
        record_each=record_each,
    )
    result.add(_raise_record_timescales(config, today, record_each))
    closing.timescale_alerts_close_done(parameters=config.parameters, today=today)
    return result


def _raise_record_timescales(
    config: Configuration, today: dt.date, record_each: bool
) -> SyncResult:
    """Raise the alerts of the timescales read from other apps' records (T7, T8). Their
    items name no event, so a stored alert is recognised by its person, rule and due moment:
    each missed deadline is raised once, and never withdrawn."""
    result = SyncResult()
    instances = [
        instance
        for code in RECORD_TIMESCALES
        if config.on(code)
        for instance in record_timescale_instances(code, today)
    ]
    if not instances:
        return result
    stored = set(
        Alert.objects.filter(
            rule__in={i.rule for i in instances}, person_id__in={i.person_id for i in instances}
        ).values_list("person_id", "rule", "raised_at")
    )
    new = [i for i in instances if (i.person_id, i.rule, i.raised_at) not in stored]
    _write(
        _Writes(new=list({(i.person_id, i.rule, i.raised_at): i for i in new}.values())),
        result,
        record_each,
        timezone.now(),
    )
    return result


def evidence_key(source_code: str, source_event_id: str | None, event_id: int) -> str:
    """How an event is named outside Sightline: `source:event_id`.

    Events Sightline recorded itself (a contact through a form, a front door decision) have no
    agency event id; they are named `sightline:<Sightline's own event id>`, which never
    changes.
    """
    if source_event_id:
        return f"{source_code}:{source_event_id}"
    return f"sightline:{event_id}"


def evidence_keys(event_ids: Iterable[int]) -> dict[int, str]:
    return {
        pk: evidence_key(code, source_event_id, pk)
        for pk, code, source_event_id in Event.objects.filter(pk__in=list(event_ids)).values_list(
            "pk", "source__code", "source_event_id"
        )
    }
