"""The business plan: priorities, their outcomes (targets and timelines, evidence of impact,
responsibility) and progress updates that keep who and when."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.partnership.models import (
    OutcomeProgress,
    PlanOutcome,
    PlanPriority,
    ProgressRating,
    Subgroup,
)
from sightline.partnership.services.reviews import _require_manager


@transaction.atomic
def plan_priority_create(
    *, actor: User, period: str, number: int | None, title: str, description: str = ""
) -> PlanPriority:
    _require_manager(actor)
    errors: dict[str, str] = {}
    if not period.strip():
        errors["period"] = "Enter the plan's years, for example 2025-27"
    if number is None or number < 1:
        errors["number"] = "Enter the priority's number, 1 or more"
    elif PlanPriority.objects.filter(period=period.strip(), number=number).exists():
        errors["number"] = f"The {period.strip()} plan already has a priority {number}"
    if not title.strip():
        errors["title"] = "Enter the priority"
    if errors or number is None:
        raise ValidationError(errors)
    priority = PlanPriority.objects.create(
        period=period.strip(), number=number, title=title.strip(), description=description.strip()
    )
    audit.record_change(actor=actor, action="business_plan.priority_created", target=priority)
    return priority


@transaction.atomic
def plan_outcome_create(
    *,
    actor: User,
    priority: PlanPriority,
    number: str,
    outcome: str,
    targets_and_timelines: str,
    evidence_of_impact: str,
    responsible_subgroups: Iterable[Subgroup] = (),
    responsibility_note: str = "",
) -> PlanOutcome:
    _require_manager(actor)
    subgroups = list(responsible_subgroups)
    errors: dict[str, str] = {}
    if not number.strip():
        errors["number"] = "Enter the outcome's number, for example 1.2"
    if not outcome.strip():
        errors["outcome"] = "Enter the outcome"
    if not targets_and_timelines.strip():
        errors["targets_and_timelines"] = "Enter the targets and timelines"
    if not evidence_of_impact.strip():
        errors["evidence_of_impact"] = "Say what evidence will show the impact"
    if not subgroups and not responsibility_note.strip():
        errors["responsible_subgroups"] = "Choose the subgroups responsible, or name who is"
    if errors:
        raise ValidationError(errors)
    item = PlanOutcome.objects.create(
        priority=priority,
        number=number.strip(),
        outcome=outcome.strip(),
        targets_and_timelines=targets_and_timelines.strip(),
        evidence_of_impact=evidence_of_impact.strip(),
        responsibility_note=responsibility_note.strip(),
    )
    item.responsible_subgroups.set(subgroups)
    audit.record_change(
        actor=actor,
        action="business_plan.outcome_created",
        target=item,
        detail={"subgroups": sorted(s.name for s in subgroups)},
    )
    return item


@transaction.atomic
def plan_outcome_progress_record(
    *, actor: User, outcome: PlanOutcome, rating: str, note: str, evidence: str = ""
) -> OutcomeProgress:
    _require_manager(actor)
    errors: dict[str, str] = {}
    if rating not in ProgressRating.values:
        errors["rating"] = "Choose how the outcome is progressing"
    if not note.strip():
        errors["note"] = "Say what progress has been made"
    if rating == ProgressRating.ACHIEVED and not evidence.strip():
        errors["evidence"] = "Record the evidence of impact that shows the outcome is achieved"
    if errors:
        raise ValidationError(errors)
    progress = OutcomeProgress.objects.create(
        outcome=outcome, by=actor, rating=rating, note=note.strip(), evidence=evidence.strip()
    )
    outcome.rating = rating
    outcome.updated_at = progress.at
    outcome.save(update_fields=["rating", "updated_at"])
    audit.record_change(
        actor=actor,
        action="business_plan.progress_recorded",
        target=outcome,
        detail={"rating": rating, "at": timezone.localdate()},
    )
    return progress
