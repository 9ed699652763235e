"""The thematic action plan: subgroups, recommendations and their actions.

Every change to an action writes an `ActionUpdate` (who, when, what) and an audit entry in
the same transaction. An action is "achieved" only through `action_impact_sign_off`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core import audit, versions
from sightline.core.models import Theme
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Escalation,
    ImpactAssessment,
    PracticeReview,
    RapidReview,
    Recommendation,
    Subgroup,
)
from sightline.partnership.services.reviews import _require_manager

DEFAULT_LEAD_PARTNERS_EMAIL = "lead-safeguarding-partners@sightline.invalid"


def subgroup_problems(*, name: str | None = None, **_ignored: object) -> ValidationError | None:
    """Every reason the subgroup cannot be added (None: nothing wrong)."""
    problems = Problems()
    if not (name or "").strip():
        problems.add("name", "Enter the subgroup's name")
    elif Subgroup.objects.filter(name__iexact=(name or "").strip()).exists():
        problems.add("name", "There is already a subgroup with this name")
    return problems.error()


@transaction.atomic
def subgroup_create(*, actor: User, name: str, terms_of_reference: str = "") -> Subgroup:
    _require_manager(actor)
    refuse(subgroup_problems(name=name))
    subgroup = Subgroup.objects.create(
        name=name.strip(), terms_of_reference=terms_of_reference.strip()
    )
    audit.record_change(actor=actor, action="subgroup.created", target=subgroup)
    return subgroup


@transaction.atomic
def recommendation_create(
    *,
    actor: User,
    source: str,
    source_reference: str,
    text: str,
    themes: Iterable[Theme],
    for_partnership: bool = False,
    agencies: Iterable[Agency] = (),
    number: str = "",
    practice_review: PracticeReview | None = None,
    rapid_review: RapidReview | None = None,
) -> Recommendation:
    _require_manager(actor)
    themes, agencies = list(themes), list(agencies)
    refuse(
        recommendation_problems(
            source=source,
            source_reference=source_reference,
            text=text,
            themes=themes,
            for_partnership=for_partnership,
            agencies=agencies,
        )
    )
    recommendation = Recommendation.objects.create(
        source=source,
        source_reference=source_reference.strip(),
        text=text.strip(),
        for_partnership=for_partnership,
        number=number.strip(),
        practice_review=practice_review,
        rapid_review=rapid_review,
        created_by=actor,
    )
    recommendation.themes.set(themes)
    recommendation.agencies.set(agencies)
    audit.record_change(
        actor=actor,
        action="recommendation.created",
        target=recommendation,
        detail={
            "themes": sorted(t.code for t in themes),
            "agencies": sorted(a.code for a in agencies),
        },
    )
    return recommendation


def _log(
    *,
    actor: User,
    action: Action,
    kind: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
    old_and_new: dict[str, list[Any]] | None = None,
) -> ActionUpdate:
    """The action's history row and its audit entry (with `old_and_new` when given, else the
    history's from and to)."""
    update = ActionUpdate.objects.create(
        action=action,
        by=actor,
        kind=kind,
        status=action.status,
        note=note,
        changes=audit._as_stored(changes),
    )
    audit.record_change(
        actor=actor,
        action=f"action.{kind}",
        target=action,
        detail={
            "status": action.status,
            "changes": pairs(changes) if old_and_new is None else old_and_new,
            "version": action.version,
        },
    )
    return update


def _progress_shown(name: str, value: Any) -> Any:
    """A progress value as people read it: a status or an assessment by its name."""
    if name == "status" and value in ActionStatus.values:
        return str(ActionStatus(value).label)
    if name == "impact_assessment" and value in ImpactAssessment.values:
        return str(ImpactAssessment(value).label)
    return versions.json_value(value)


def pairs(changes: dict[str, Any] | None) -> dict[str, list[Any]]:
    """A history's changes (`{field: {"from": old, "to": new}}`) as an audit entry keeps them:
    `{field: [old, new]}` (sightline.core.versions)."""
    return {
        name: [change.get("from"), change.get("to")] if isinstance(change, dict) else [None, change]
        for name, change in audit._as_stored(changes or {}).items()
    }


def owner_and_date_problems(
    problems: Problems,
    owner_agency: Agency | None,
    owner_subgroup: Subgroup | None,
    due_on: dt.date | None,
) -> None:
    """An action has one owner, an agency or a subgroup, and a due date."""
    if owner_agency is None and owner_subgroup is None:
        problems.add("owner_agency", "Choose the agency or subgroup that owns the action")
    if owner_agency is not None and owner_subgroup is not None:
        problems.add("owner_agency", "Choose an agency or a subgroup as the owner, not both")
    if due_on is None:
        problems.add("due_on", "Enter the date the action is due")


def action_problems(
    *,
    recommendation: Recommendation,
    description: str | None = None,
    due_on: dt.date | None = None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the action cannot be added to the recommendation (None: nothing wrong)."""
    problems = Problems()
    if recommendation.withdrawn:
        problems.add(None, "The recommendation has been withdrawn: no action can be added")
    if not (description or "").strip():
        problems.add("description", "Describe the action")
    owner_and_date_problems(problems, owner_agency, owner_subgroup, due_on)
    return problems.error()


@transaction.atomic
def action_create(
    *,
    actor: User,
    recommendation: Recommendation,
    description: str,
    due_on: dt.date | None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    lead_person: str = "",
) -> Action:
    _require_manager(actor)
    refuse(
        action_problems(
            recommendation=recommendation,
            description=description,
            due_on=due_on,
            owner_agency=owner_agency,
            owner_subgroup=owner_subgroup,
        )
    )
    assert due_on is not None  # checked above
    action = Action.objects.create(
        recommendation=recommendation,
        description=description.strip(),
        owner_agency=owner_agency,
        owner_subgroup=owner_subgroup,
        lead_person=lead_person.strip(),
        due_on=due_on,
    )
    _log(
        actor=actor,
        action=action,
        kind="created",
        changes={"owner": action.owner, "due_on": due_on, "lead_person": action.lead_person},
    )
    return action


def action_progress_problems(
    *,
    action: Action,
    status: str | None = None,
    completion_evidence: str | None = None,
    impact_evidence: str | None = None,
    impact_assessment: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the progress cannot be recorded as given (None: nothing wrong); a status
    or assessment not given (the form already said so) is not judged."""
    problems = Problems()
    if action.status == ActionStatus.ACHIEVED:
        problems.add(None, "This action's impact has been signed off; it can no longer change")
    if action.status == ActionStatus.WITHDRAWN:
        problems.add(None, "This action has been withdrawn; it can no longer change")
    if status == ActionStatus.WITHDRAWN:
        problems.add("status", "Only the partnership withdraws an action, giving the reason")
    elif status == ActionStatus.ACHIEVED:
        problems.add(
            "status",
            "An action is achieved only when the scrutineer or the oversight group signs off "
            "its impact: mark it completed and record the evidence of impact",
        )
    elif status is not None and status not in ActionStatus.values:
        problems.add("status", "Choose a status")
    if status == ActionStatus.COMPLETED and not (completion_evidence or "").strip():
        problems.add("completion_evidence", "Record the evidence that the action is complete")
    if impact_assessment is not None and impact_assessment not in ImpactAssessment.values:
        problems.add("impact_assessment", "Choose an assessment of impact")
    elif impact_assessment not in (None, ImpactAssessment.NOT_EVIDENCED):
        if status == ActionStatus.NOT_STARTED:
            problems.add(
                "impact_assessment",
                "An action that has not started cannot show impact: choose not evidenced, "
                "or change the status",
            )
        if not (impact_evidence or "").strip():
            problems.add("impact_evidence", "Record the evidence of impact behind this assessment")
    return problems.error()


@transaction.atomic
def action_progress_record(
    *,
    actor: User,
    action: Action,
    status: str,
    completion_evidence: str = "",
    impact_evidence: str = "",
    impact_assessment: str = ImpactAssessment.NOT_EVIDENCED,
    note: str = "",
    due_on: dt.date | None = None,
    version: int | None = None,
) -> Action:
    """Progress from the owner or the partnership: status, evidence of completion and impact.

    Never makes an action achieved: that needs the impact sign-off. Refused (`StaleEdit`) when
    the action has been saved since `version` was read.
    """
    if not actor.has_perm("partnership.update_action", action):
        raise PermissionDenied(
            "Only the named lead of the agency that owns this action, or the partnership, "
            "records progress on it."
        )
    versions.claim(action, version)
    action.refresh_from_db()
    refuse(
        action_progress_problems(
            action=action,
            status=status,
            completion_evidence=completion_evidence,
            impact_evidence=impact_evidence,
            impact_assessment=impact_assessment,
        )
    )
    new: dict[str, Any] = {
        "status": status,
        "completion_evidence": completion_evidence.strip(),
        "impact_evidence": impact_evidence.strip(),
        "impact_assessment": impact_assessment,
    }
    if due_on is not None:
        new["due_on"] = due_on
    changes = {name: value for name, value in new.items() if getattr(action, name) != value}
    if not changes and not note.strip():
        raise ValidationError("Nothing has changed: update the status or evidence, or add a note")
    old_and_new = {
        name: [_progress_shown(name, getattr(action, name)), _progress_shown(name, value)]
        for name, value in changes.items()
    }
    for name, value in changes.items():
        setattr(action, name, value)
    action.updated_at = timezone.now()
    action.save()
    _log(
        actor=actor,
        action=action,
        kind="progress",
        note=note.strip(),
        changes=changes,
        old_and_new=old_and_new,
    )
    return action


def sign_off_problems(
    *,
    actor: User,
    action: Action,
    oversight_meeting_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the action's impact cannot be signed off (None: nothing wrong)."""
    problems = Problems()
    if action.status == ActionStatus.ACHIEVED:
        problems.add(None, "This action's impact has already been signed off")
    elif action.status == ActionStatus.WITHDRAWN:
        problems.add(None, "This action has been withdrawn: there is no impact to sign off")
    else:
        if not action.impact_evidence.strip():
            problems.add(
                None,
                "Impact cannot be signed off without evidence of impact: the owner must record "
                "it first",
            )
        if action.status != ActionStatus.COMPLETED or not action.completion_evidence.strip():
            problems.add(
                None, "The action must be completed, with evidence, before impact is signed off"
            )
        if action.impact_assessment != ImpactAssessment.IMPACT_SHOWN:
            problems.add(
                None,
                f"The impact is assessed as “{action.get_impact_assessment_display().lower()}”: "
                "sign off only when impact is shown",
            )
    if actor.role == Role.PARTNERSHIP_OFFICER and oversight_meeting_on is None:
        problems.add(
            "oversight_meeting_on",
            "Enter the date of the oversight group meeting that agreed the sign-off",
        )
    elif oversight_meeting_on is not None and oversight_meeting_on > timezone.localdate():
        problems.add(
            "oversight_meeting_on", "The date of the oversight group meeting must be in the past"
        )
    return problems.error()


@transaction.atomic
def action_impact_sign_off(
    *,
    actor: User,
    action: Action,
    note: str = "",
    oversight_meeting_on: dt.date | None = None,
) -> Action:
    """The scrutineer, or a partnership officer for the oversight group, signs off impact."""
    if not actor.has_perm("partnership.sign_off_impact"):
        raise PermissionDenied(
            "Only the independent scrutineer or the oversight group signs off impact."
        )
    refuse(sign_off_problems(actor=actor, action=action, oversight_meeting_on=oversight_meeting_on))
    basis = (
        "Independent scrutineer"
        if actor.role == Role.SCRUTINEER
        else f"Oversight group meeting on {oversight_meeting_on:%-d %B %Y}"
    )
    action.status = ActionStatus.ACHIEVED
    action.impact_signed_off_by = actor
    action.impact_signed_off_at = timezone.now()
    action.impact_sign_off_basis = basis
    action.updated_at = action.impact_signed_off_at
    action.save()
    _log(
        actor=actor,
        action=action,
        kind="impact_signed_off",
        note=note.strip(),
        changes={"status": ActionStatus.ACHIEVED, "basis": basis},
    )
    return action


def action_escalate_problems(
    *, action: Action, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the action cannot be escalated as given (None: nothing wrong)."""
    problems = Problems()
    if not (reason or "").strip():
        problems.add("reason", "Say why the action is blocked and what is needed")
    if not action.is_open:
        problems.add(None, "Only an open action can be escalated")
    return problems.error()


@transaction.atomic
def action_escalate(*, actor: User, action: Action, reason: str) -> Escalation:
    """Raise a blocked action with the lead safeguarding partners, saying why it is blocked."""
    _require_manager(actor)
    refuse(action_escalate_problems(action=action, reason=reason))
    escalation = Escalation.objects.create(action=action, reason=reason.strip(), raised_by=actor)
    _log(actor=actor, action=action, kind="escalated", note=reason.strip())
    audit.record_change(actor=actor, action="escalation.raised", target=escalation)
    email = getattr(settings, "PARTNERSHIP_LEAD_PARTNERS_EMAIL", DEFAULT_LEAD_PARTNERS_EMAIL)
    notification_queue(
        subject=f"Blocked action escalated: {action.recommendation}",
        body=(
            f"An action in the thematic action plan is blocked and needs the lead safeguarding "
            f"partners.\n\nAction: {action.description}\nOwner: {action.owner}\n"
            f"Due: {action.due_on:%-d %B %Y}\n\nWhy it is blocked:\n{escalation.reason}\n\n"
            f"Raised by {actor.get_full_name() or actor.username}."
        ),
        recipient_email=email,
        topic="partnership.escalation",
        about=escalation,
    )
    return escalation


def escalation_resolve_problems(
    *, escalation: Escalation, outcome: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the escalation's outcome cannot be recorded (None: nothing wrong)."""
    problems = Problems()
    if escalation.resolved_at:
        problems.add(None, "This escalation has already been resolved")
    if not (outcome or "").strip():
        problems.add("outcome", "Say what the lead safeguarding partners decided")
    return problems.error()


@transaction.atomic
def escalation_resolve(*, actor: User, escalation: Escalation, outcome: str) -> Escalation:
    """Record what the lead safeguarding partners decided, closing the escalation."""
    _require_manager(actor)
    refuse(escalation_resolve_problems(escalation=escalation, outcome=outcome))
    escalation.outcome = outcome.strip()
    escalation.resolved_at = timezone.now()
    escalation.resolved_by = actor
    escalation.save(update_fields=["outcome", "resolved_at", "resolved_by"])
    _log(actor=actor, action=escalation.action, kind="escalation_resolved", note=escalation.outcome)
    audit.record_change(actor=actor, action="escalation.resolved", target=escalation)
    return escalation


def recommendation_problems(
    *,
    source: str | None = None,
    source_reference: str | None = None,
    text: str | None = None,
    themes: Iterable[Any] | None = None,
    for_partnership: bool | None = None,
    agencies: Iterable[Any] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """What a recommendation must say, as it is made and as it is changed (None: nothing
    wrong)."""
    problems = Problems()
    if source not in Recommendation.Source.values:
        problems.add("source", "Choose where the recommendation comes from")
    if not (source_reference or "").strip():
        problems.add(
            "source_reference", "Enter the title or reference of the review, inspection or audit"
        )
    if not (text or "").strip():
        problems.add("text", "Enter the recommendation")
    if not list(themes or ()):
        problems.add("themes", "Choose at least one theme")
    if not for_partnership and not list(agencies or ()):
        problems.add(
            "agencies", "Address the recommendation to the partnership or to named agencies"
        )
    return problems.error()
