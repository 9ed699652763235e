"""Alerts as JSON (DESIGN.md section 7): `rule`, `person` (`id`, `name`, `date_of_birth`,
`source_ids`), `raised_at`, `evidence` (`source:event_id`), `status`.

Evidence events that Sightline recorded itself carry no agency event id; they are named
`sightline:<event pk>` (see `engine.evidence_key`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sightline.people.models import Person, SourceRecord
from sightline.risk.engine import evidence_keys
from sightline.risk.models import Alert, AlertStatus
from sightline.risk.patterns import Instance


def _people(person_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = set(person_ids)
    sources: dict[int, list[str]] = defaultdict(list)
    for person_id, code, record_id in SourceRecord.objects.filter(person_id__in=ids).values_list(
        "person_id", "agency__code", "record_id"
    ):
        sources[person_id].append(f"{code}:{record_id}")
    return {
        person.pk: {
            "id": person.pk,
            "name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "source_ids": sorted(sources[person.pk]),
        }
        for person in Person.objects.filter(pk__in=ids)
    }


def _row(
    rule: str, person: dict[str, Any], raised_at: Any, evidence: list[str], status: str
) -> dict[str, Any]:
    return {
        "rule": rule,
        "person": person,
        "raised_at": raised_at.isoformat(),
        "evidence": evidence,
        "status": status,
    }


def stored_alerts_json() -> list[dict[str, Any]]:
    """Every stored alert, oldest first."""
    alerts = list(Alert.objects.order_by("raised_at", "rule", "person_id", "id"))
    through = Alert.evidence.through.objects.filter(alert__in=alerts)
    links: dict[int, list[int]] = defaultdict(list)
    for alert_id, event_id in through.order_by("event__occurred_at", "event_id").values_list(
        "alert_id", "event_id"
    ):
        links[alert_id].append(event_id)
    keys = evidence_keys({pk for ids in links.values() for pk in ids})
    people = _people(a.person_id for a in alerts)
    return [
        _row(a.rule, people[a.person_id], a.raised_at, [keys[pk] for pk in links[a.pk]], a.status)
        for a in alerts
    ]


def computed_alerts_json(instances: list[Instance]) -> list[dict[str, Any]]:
    """Alerts computed for a past clock; each takes the status of the stored alert it matches
    (same rule, person and shared evidence), or `open`."""
    stored: dict[tuple[str, int], list[tuple[set[int], str]]] = defaultdict(list)
    for alert in Alert.objects.prefetch_related("evidence").order_by("id"):
        stored[(alert.rule, alert.person_id)].append(
            ({e.pk for e in alert.evidence.all()}, alert.status)
        )
    from sightline.chronology.models import Event

    order = dict(
        (pk, (at, pk))
        for pk, at in Event.objects.filter(
            pk__in={pk for i in instances for pk in i.evidence}
        ).values_list("pk", "occurred_at")
    )
    keys = evidence_keys(order)
    people = _people(i.person_id for i in instances)
    rows = []
    for instance in instances:
        status = next(
            (
                s
                for ids, s in stored[(instance.rule, instance.person_id)]
                if ids & set(instance.evidence)
            ),
            AlertStatus.OPEN.value,
        )
        evidence = sorted(instance.evidence, key=lambda pk: order[pk])
        rows.append(
            _row(
                instance.rule,
                people[instance.person_id],
                instance.raised_at,
                [keys[pk] for pk in evidence],
                str(status),
            )
        )
    return rows
