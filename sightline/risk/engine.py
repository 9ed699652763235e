"""The rules engine: evaluate the catalogue for people, and keep their alerts in step.

One evaluation for both paths: as an event arrives (the listener evaluates the people it
touches and the children in their households) and when history is replayed
(`sightline alerts --rebuild`). Each person is evaluated over their whole stream, so the same
events always give the same alerts, whatever order they arrived in.

Keeping alerts in step (`_sync`): a computed pattern instance that shares evidence with a
stored alert of the same rule is that alert (its evidence follows the pattern; a closed alert
whose pattern grew reopens); a new instance raises a new alert; a stored alert whose pattern
no longer holds (for example the contact led to an assessment after all) is removed if nobody
has acted on it, and otherwise closed as withdrawn. Timescale alerts are only ever added: a
deadline that was missed stays missed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from sightline.chronology.models import Event, Participant
from sightline.core import audit
from sightline.core.working_days import LONDON
from sightline.risk import catalogue
from sightline.risk.models import Alert, AlertOutcome, AlertStatus, RuleSetting
from sightline.risk.patterns import HOUSEHOLD_RULES, PATTERNS, Instance, Subject
from sightline.risk.timescales import STREAM_TIMESCALES, contact_decision_overdue
from sightline.risk.world import Ev, World, address_key_from, neighbours, streams

log = logging.getLogger(__name__)
RULES_ACTOR = "rules"  # the named system actor for automatic alerts


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
    raised: list[Alert] = field(default_factory=list)
    extended: list[Alert] = field(default_factory=list)
    reopened: list[Alert] = field(default_factory=list)
    withdrawn: list[Alert] = field(default_factory=list)
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


def _sync(
    *,
    instances: list[Instance],
    person_ids: Iterable[int],
    codes: Iterable[str],
    withdraw: bool,
    record_each: bool,
) -> SyncResult:
    """Make the stored alerts of `codes` for `person_ids` match the computed `instances`."""
    result = SyncResult()
    person_ids, codes = list(person_ids), list(codes)
    stored: dict[tuple[int, str], list[Alert]] = defaultdict(list)
    alerts = Alert.objects.filter(person_id__in=person_ids, rule__in=codes).order_by("id")
    evidence_of: dict[int, set[int]] = defaultdict(set)
    for alert_id, event_id in Alert.evidence.through.objects.filter(alert__in=alerts).values_list(
        "alert_id", "event_id"
    ):
        evidence_of[alert_id].add(event_id)
    for alert in alerts:
        stored[(alert.person_id, alert.rule)].append(alert)
    matched: set[int] = set()
    new: list[tuple[Alert, Instance]] = []
    through = Alert.evidence.through
    links_to_add: list[Any] = []
    now = timezone.now()
    for instance in instances:
        wanted = set(instance.evidence)
        candidates = [
            a
            for a in stored[(instance.person_id, instance.rule)]
            if a.pk not in matched and evidence_of[a.pk] & instance.anchors()
        ]
        if not candidates:
            new.append((_new_alert(instance), instance))
            continue
        alert, others = candidates[0], candidates[1:]
        matched.add(alert.pk)
        have = evidence_of[alert.pk]
        for other in others:
            matched.add(other.pk)
            if withdraw:
                _retire(other, AlertOutcome.SUPERSEDED, f"Joined to alert {alert.pk}.", result, now)
        grew = bool(wanted - have)
        changed = grew or alert.raised_by_id != instance.raised_by
        if withdraw and have - wanted:
            through.objects.filter(alert_id=alert.pk, event_id__in=have - wanted).delete()
            changed = True
        if grew:
            links_to_add += [
                through(alert_id=alert.pk, event_id=pk)
                for pk in instance.evidence
                if pk not in have
            ]
        if not changed:
            continue
        alert.raised_by_id, alert.raised_at = instance.raised_by, instance.raised_at
        fields = ["raised_by", "raised_at", "updated_at"]
        if grew and alert.status == AlertStatus.CLOSED:
            alert.status = AlertStatus.OPEN
            alert.reopened_count += 1
            fields += ["status", "reopened_count"]
            result.reopened.append(alert)
        elif grew:
            result.extended.append(alert)
        alert.save(update_fields=fields)
        if record_each and grew:
            audit.record_change(
                actor=RULES_ACTOR,
                action="alert.reopened" if alert in result.reopened else "alert.extended",
                target=alert,
                person_id=alert.person_id,
                detail={"rule": alert.rule, "evidence": sorted(wanted | have)},
            )
    if new:
        created = Alert.objects.bulk_create([alert for alert, _ in new], batch_size=500)
        for alert, (_, instance) in zip(created, new, strict=True):
            links_to_add += [through(alert_id=alert.pk, event_id=pk) for pk in instance.evidence]
            result.raised.append(alert)
            if record_each:
                audit.record_change(
                    actor=RULES_ACTOR,
                    action="alert.raised",
                    target=alert,
                    person_id=alert.person_id,
                    detail={"rule": alert.rule, "raised_by": instance.raised_by},
                )
    if links_to_add:
        through.objects.bulk_create(links_to_add, batch_size=1000, ignore_conflicts=True)
    if withdraw:
        for group in stored.values():
            for alert in group:
                if alert.pk is None or alert.pk in matched or alert.status == AlertStatus.CLOSED:
                    continue
                if record_each:
                    audit.record_change(
                        actor=RULES_ACTOR,
                        action="alert.withdrawn",
                        target=alert,
                        person_id=alert.person_id,
                        detail={"rule": alert.rule},
                    )
                if alert.touched:
                    _retire(
                        alert,
                        AlertOutcome.WITHDRAWN,
                        "The pattern no longer holds on the events recorded since.",
                        result,
                        now,
                    )
                else:
                    alert.delete()
                    result.removed += 1
    return result


def _retire(alert: Alert, outcome: str, note: str, result: SyncResult, now: dt.datetime) -> None:
    if alert.status == AlertStatus.CLOSED:
        return
    if not alert.touched:
        alert.delete()
        result.removed += 1
        return
    alert.status, alert.outcome, alert.note, alert.closed_at = (
        AlertStatus.CLOSED,
        outcome,
        note,
        now,
    )
    alert.save(update_fields=["status", "outcome", "note", "closed_at", "updated_at"])
    result.withdrawn.append(alert)


# The two paths ---------------------------------------------------------------------------------


def _pattern_codes(config: Configuration) -> list[str]:
    return [code for code in catalogue.PATTERN_CODES if config.on(code)]


@transaction.atomic
def people_evaluate(
    person_ids: Iterable[int],
    *,
    addresses: Iterable[tuple[str, str]] = (),
    record_each: bool = True,
) -> SyncResult:
    """Evaluate the pattern rules for these people and the children in their households (and
    everyone living at `addresses`, such as a custody release address)."""
    config = Configuration.current()
    affected = neighbours(set(person_ids), addresses)
    world = World.load(neighbours(affected))
    instances: list[Instance] = []
    for person_id, stream in with_quiet_people(streams(affected), sorted(affected), world):
        instances += evaluate(Subject(person_id, stream, world), config)
    return _sync(
        instances=instances,
        person_ids=affected,
        codes=_pattern_codes(config),
        withdraw=True,
        record_each=record_each,
    )


def event_arrived(event_id: int) -> None:
    """The chronology listener for one event: evaluate the people it touches."""
    events_arrived([event_id])


EVALUATE_CHUNK = 500  # people evaluated together (keeps every IN list well inside limits)


def events_arrived(event_ids: list[int]) -> None:
    """The chronology listener: evaluate the people the events touch, after they commit.

    A batch of events (a feed import) evaluates each person it touches once, over their whole
    stream, which gives the same alerts as evaluating after every event: evaluation reads the
    whole stream and stored alerts are brought in step with it.
    """
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
    if not person_ids:
        return
    ordered = sorted(person_ids)
    if len(ordered) <= EVALUATE_CHUNK:
        people_evaluate(ordered, addresses=addresses)
        return
    for start in range(0, len(ordered), EVALUATE_CHUNK):
        people_evaluate(ordered[start : start + EVALUATE_CHUNK], addresses=addresses)


@transaction.atomic
def replay(*, chunk: int = 2000) -> SyncResult:
    """Replay every pattern rule over all history, and the timescales as of now, in one pass
    over each person's stream."""
    config = Configuration.current()
    codes = _pattern_codes(config)
    timescale_codes = [c for c in catalogue.TIMESCALE_CODES if config.on(c)]
    today = timezone.localdate()
    world = World.load(None)
    result = SyncResult()
    everyone = set(Participant.objects.values_list("person_id", flat=True).distinct())
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
        instances += evaluate(Subject(person_id, stream, world), config, today)
        if len(batch_ids) >= chunk:
            flush()
            batch_ids, instances = [], []
    if batch_ids:
        flush()
    # People with no events left keep no pattern alerts.
    stale = Alert.objects.filter(rule__in=codes).exclude(person_id__in=everyone)
    if stale.exists():
        result.add(
            _sync(
                instances=[],
                person_ids=set(stale.values_list("person_id", flat=True)),
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
    config = config or Configuration.current()
    today = timezone.localdate()
    instances: list[Instance] = []
    if config.on("contact-decision-overdue"):
        instances += contact_decision_overdue(as_of=timezone.now())
    codes = [code for code in STREAM_TIMESCALES if config.on(code)]
    if codes:
        starters = set(
            Participant.objects.filter(
                event__type__in=[
                    "contact_decided",
                    "contact",
                    "assessment_started",
                    "s47_started",
                    "strategy_discussion",
                ]
            ).values_list("person_id", flat=True)
        )
        world = World.load(starters)
        for person_id, stream in streams(starters):
            subject = Subject(person_id, stream, world)
            for code in codes:
                instances += STREAM_TIMESCALES[code](subject, config.parameters[code], today)
    codes_all = [c for c in catalogue.TIMESCALE_CODES if config.on(c)]
    people = {i.person_id for i in instances}
    return _sync(
        instances=instances,
        person_ids=people,
        codes=codes_all,
        withdraw=False,
        record_each=record_each,
    )


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
