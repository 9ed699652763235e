"""The business plan: priorities, their outcomes (targets and timelines, evidence of impact,
responsibility) and progress updates that keep who and when."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    OutcomeProgress,
    PlanOutcome,
    PlanPriority,
    ProgressRating,
    Subgroup,
)
from sightline.partnership.services.reviews import _require_manager

PLAN_YEARS = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{2}|\d{4}))?")


def _period_problem(period: str) -> str | None:
    """What is wrong with a plan's years ("2025-27", "2025-2027" or "2025"), if anything."""
    match = PLAN_YEARS.fullmatch(period)
    if match is None:
        return "Enter the plan's years as a year and the year it ends, for example 2025-27"
    start, end = match.group(1), match.group(2)
    if end is not None:
        last = int(end) if len(end) == 4 else int(start[:2] + end)
        if last <= int(start):
            return "The plan's last year must be after its first year, for example 2025-27"
    return None


def plan_priority_problems(
    *,
    period: str | None = None,
    number: int | None = None,
    title: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the priority cannot be added (None: nothing wrong)."""
    problems = Problems()
    period = (period or "").strip()
    if not period:
        problems.add("period", "Enter the plan's years, for example 2025-27")
    elif (problem := _period_problem(period)) is not None:
        problems.add("period", problem)
    if number is None or number < 1:
        problems.add("number", "Enter the priority's number, 1 or more")
    elif period and PlanPriority.objects.filter(period=period, number=number).exists():
        problems.add("number", f"The {period} plan already has a priority {number}")
    if not (title or "").strip():
        problems.add("title", "Enter the priority")
    return problems.error()


@transaction.atomic
def plan_priority_create(
    *, actor: User, period: str, number: int | None, title: str, description: str = ""
) -> PlanPriority:
    _require_manager(actor)
    refuse(plan_priority_problems(period=period, number=number, title=title))
    assert number is not None
    priority = PlanPriority.objects.create(
        period=period.strip(), number=number, title=title.strip(), description=description.strip()
    )
    audit.record_change(actor=actor, action="business_plan.priority_created", target=priority)
    return priority


def plan_outcome_problems(
    *,
    priority: PlanPriority,
    number: str | None = None,
    outcome: str | None = None,
    targets_and_timelines: str | None = None,
    evidence_of_impact: str | None = None,
    responsible_subgroups: Iterable[Subgroup] | None = None,
    responsibility_note: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the outcome cannot be added to the priority (None: nothing wrong)."""
    problems = Problems()
    number = (number or "").strip()
    if not number:
        problems.add("number", "Enter the outcome's number, for example 1.2")
    elif priority.outcomes.filter(number=number).exists():
        problems.add("number", f"Priority {priority.number} already has an outcome {number}")
    if not (outcome or "").strip():
        problems.add("outcome", "Enter the outcome")
    if not (targets_and_timelines or "").strip():
        problems.add("targets_and_timelines", "Enter the targets and timelines")
    if not (evidence_of_impact or "").strip():
        problems.add("evidence_of_impact", "Say what evidence will show the impact")
    if not list(responsible_subgroups or ()) and not (responsibility_note or "").strip():
        problems.add("responsible_subgroups", "Choose the subgroups responsible, or name who is")
    return problems.error()


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
    refuse(
        plan_outcome_problems(
            priority=priority,
            number=number,
            outcome=outcome,
            targets_and_timelines=targets_and_timelines,
            evidence_of_impact=evidence_of_impact,
            responsible_subgroups=subgroups,
            responsibility_note=responsibility_note,
        )
    )
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


def plan_outcome_progress_problems(
    *,
    rating: str | None = None,
    note: str | None = None,
    evidence: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the progress cannot be recorded as given (None: nothing wrong); a rating
    not given (the form already said so) is not judged."""
    problems = Problems()
    if rating is not None and rating not in ProgressRating.values:
        problems.add("rating", "Choose how the outcome is progressing")
    if not (note or "").strip():
        problems.add("note", "Say what progress has been made")
    if rating == ProgressRating.ACHIEVED and not (evidence or "").strip():
        problems.add("evidence", "Record the evidence of impact that shows the outcome is achieved")
    return problems.error()


@transaction.atomic
def plan_outcome_progress_record(
    *, actor: User, outcome: PlanOutcome, rating: str, note: str, evidence: str = ""
) -> OutcomeProgress:
    _require_manager(actor)
    refuse(plan_outcome_progress_problems(rating=rating, note=note, evidence=evidence))
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
