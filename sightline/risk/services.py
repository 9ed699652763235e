"""Writes in the risk app: acting on alerts, changing the catalogue's thresholds, recording
DASH checklists. Each takes its actor explicitly and records its audit entry in the same
transaction. Alerts themselves are raised by the engine (actor: the system actor "rules").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.models import Event, EventType
from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.risk import catalogue, closing, engine
from sightline.risk.models import (
    DASH_LEVEL_ORDER,
    Alert,
    AlertOutcome,
    AlertStatus,
    DashLevel,
    DashRecord,
    RuleSetting,
)
from sightline.risk.rules import may_change_rule_settings, may_record_dash

DASH_QUESTIONS = 24
DASH_HIGH = 14
DASH_MEDIUM = 10
# Outcomes a person chooses when closing; the others are the engine's own.
CLOSING_OUTCOMES = (
    AlertOutcome.ACTION_TAKEN,
    AlertOutcome.ALREADY_IN_HAND,
    AlertOutcome.NO_ACTION_NEEDED,
)


# Alerts -------------------------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """The recipient has seen the alert and is looking into it."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise ValidationError(f"This alert is already {alert.get_status_display().lower()}.")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    audit.record_change(
        actor=actor,
        action="alert.acknowledged",
        target=alert,
        person_id=alert.person_id,
        detail={"rule": alert.rule},
    )
    return alert


def alert_close_problems(
    *, alert: Alert, outcome: str | None = None, note: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the alert cannot close as given (None: nothing wrong), at once; a value
    not given is not judged."""
    problems = Problems()
    if alert.status == AlertStatus.CLOSED:
        problems.add(None, "This alert is already closed.")
    if outcome is not None and outcome not in CLOSING_OUTCOMES:
        problems.add("outcome", "Select what was done about this alert")
    if note is not None and not note.strip():
        problems.add("note", "Enter a note saying what was done, or why nothing was needed")
    return problems.error()


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, outcome: str, note: str) -> Alert:
    """Close an alert with what was done about it. A later growth of the pattern reopens it."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    refuse(alert_close_problems(alert=alert, outcome=outcome or "", note=note or ""))
    now = timezone.now()
    if alert.acknowledged_by_id is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, now
    alert.status, alert.outcome, alert.note = AlertStatus.CLOSED, outcome, note.strip()
    alert.closed_by, alert.closed_at = actor, now
    alert.save()
    audit.record_change(
        actor=actor,
        action="alert.closed",
        target=alert,
        person_id=alert.person_id,
        detail={"rule": alert.rule, "outcome": outcome},
    )
    return alert


@transaction.atomic
def timescale_alerts_close_done(*, today: dt.date | None = None) -> list[Alert]:
    """Close each timescale alert whose item has ended, with the partnership's thresholds
    (`closing.timescale_alerts_close_done`). Returns the alerts closed."""
    return closing.timescale_alerts_close_done(
        parameters=engine.Configuration.current().parameters,
        today=today or timezone.localdate(),
    )


# Rule settings --------------------------------------------------------------------------------


def _clean_parameters(rule: catalogue.Rule, parameters: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors = {}
    for name, value in parameters.items():
        if name not in rule.defaults:
            errors[name] = f"{rule.code} has no setting called {name}"
            continue
        default = rule.defaults[name]
        if isinstance(default, list):
            items = value if isinstance(value, list) else str(value).replace(",", " ").split()
            items = [str(item).strip().upper() for item in items if str(item).strip()]
            if not items:
                errors[name] = "Enter at least one code"
            cleaned[name] = items
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[name] = "Enter a whole number"
                continue
            if number < 1:
                errors[name] = "Enter a whole number of 1 or more"
            cleaned[name] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def rule_setting_update(
    *, actor: User, code: str, enabled: bool, parameters: dict[str, Any]
) -> RuleSetting:
    """Change a rule's thresholds or switch it off. Recorded with who, when, before and after.

    Alerts already raised stay; the new thresholds apply to events from now on, and to the
    whole history after `sightline alerts --rebuild`.
    """
    if not may_change_rule_settings(actor):
        raise PermissionDenied("Only a partnership officer or administrator changes rules.")
    rule = catalogue.rule_get(code)
    cleaned = _clean_parameters(rule, parameters)
    setting, _ = RuleSetting.objects.select_for_update().get_or_create(code=code)
    before = {"enabled": setting.enabled, "parameters": {**rule.defaults, **setting.parameters}}
    setting.enabled = enabled
    setting.parameters = {k: v for k, v in cleaned.items() if v != rule.defaults.get(k)}
    setting.changed_at = timezone.now()
    setting.changed_by_label = actor.get_full_name() or actor.username
    setting.save()
    audit.record_change(
        actor=actor,
        action="rule_setting.changed",
        target=setting,
        detail={
            "rule": code,
            "before": before,
            "after": {"enabled": enabled, "parameters": {**rule.defaults, **setting.parameters}},
        },
    )
    return setting


# DASH -----------------------------------------------------------------------------------------


def dash_level(yes_count: int) -> str:
    """SafeLives: 14 or more yes answers is high, 10 to 13 medium, below 10 standard."""
    if yes_count >= DASH_HIGH:
        return DashLevel.HIGH
    if yes_count >= DASH_MEDIUM:
        return DashLevel.MEDIUM
    return DashLevel.STANDARD


@transaction.atomic
def dash_record_create(
    *,
    actor: User,
    event: Event,
    answers: Sequence[bool],
    level: str = "",
    judgement: str = "",
) -> DashRecord:
    """Record a DASH checklist against a domestic abuse incident.

    Professional judgement may raise the level above the count's, with a reason; it may never
    lower it. The rules then look at the incident again (domestic-abuse-high-risk).
    """
    if not may_record_dash(actor):
        raise PermissionDenied("Your role does not record DASH checklists.")
    if event.type != EventType.DOMESTIC_ABUSE_INCIDENT:
        raise ValidationError("A DASH checklist is recorded against a domestic abuse incident.")
    answers = [bool(answer) for answer in answers]
    if len(answers) != DASH_QUESTIONS:
        raise ValidationError(f"A DASH checklist has {DASH_QUESTIONS} questions.")
    yes_count = sum(answers)
    counted = dash_level(yes_count)
    level = level or counted
    if level not in DASH_LEVEL_ORDER:
        raise ValidationError({"level": "Select a risk level"})
    if DASH_LEVEL_ORDER[DashLevel(level)] < DASH_LEVEL_ORDER[DashLevel(counted)]:
        raise ValidationError(
            {
                "level": (
                    f"The level cannot be lower than the checklist's: {yes_count} yes answers "
                    f"is {DashLevel(counted).label.lower()} risk. Professional judgement may "
                    "raise a level, never lower it"
                )
            }
        )
    if level != counted and not judgement.strip():
        raise ValidationError({"judgement": "Say why your professional judgement raises the level"})
    record = DashRecord.objects.create(
        event=event,
        answers=answers,
        yes_count=yes_count,
        counted_level=counted,
        level=level,
        judgement=judgement.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record_change(
        actor=actor,
        action="dash.recorded",
        target=record,
        detail={"event": event.pk, "yes_count": yes_count, "level": level},
    )
    people = list(event.participants.values_list("person_id", flat=True))
    transaction.on_commit(lambda: engine.people_evaluate(people))
    return record
