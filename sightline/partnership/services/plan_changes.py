"""Changing the thematic action plan after the event: editing a recommendation or an action,
withdrawing either with a reason, and re-opening a completed or signed-off action.

Every change writes a history row (what changed, from what to what, who, when and why:
`RecommendationUpdate`, `ActionUpdate`) and an audit entry in the same transaction. Only the
roles that add recommendations and actions (`partnership.manage`) change them. A withdrawn
item stays in the plan, marked withdrawn: it counts neither as open nor as overdue and cannot
be signed off. A completed or signed-off action is never edited silently: it must be re-opened
first, with a reason, and re-opening a signed-off action undoes the sign-off, so only those
who sign off impact may do it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit, versions
from sightline.core.models import Theme
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    Action,
    ActionStatus,
    Recommendation,
    RecommendationUpdate,
    Subgroup,
)
from sightline.partnership.models.plan import OPEN_STATUSES
from sightline.partnership.services.plan import (
    _log,
    owner_and_date_problems,
    pairs,
    recommendation_problems,
)
from sightline.partnership.services.reviews import _require_manager

Change = dict[str, dict[str, Any]]


def _describe(value: Any) -> Any:
    """How a value is kept in the history: dates as ISO text, records by name, sets sorted."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_describe(item) for item in value)
    if value is None or isinstance(value, str | bool | int):
        return value
    return str(value)


def _differences(old: dict[str, Any], new: dict[str, Any]) -> Change:
    return {
        name: {"from": _describe(old[name]), "to": _describe(value)}
        for name, value in new.items()
        if _describe(old[name]) != _describe(value)
    }


def _locked(item: Model) -> None:
    """Lock the item's row for the rest of the transaction, and read it afresh (into the
    caller's own instance, so that it sees the change too)."""
    type(item)._default_manager.select_for_update().filter(pk=item.pk).exists()
    item.refresh_from_db()


def _reason_problems(problems: Problems, reason: str | None) -> None:
    if not (reason or "").strip():
        problems.add("reason", "Say why")


# --- Recommendations -----------------------------------------------------------------------


def _log_recommendation(
    *,
    actor: User,
    recommendation: Recommendation,
    kind: str,
    note: str = "",
    changes: Change | None = None,
) -> RecommendationUpdate:
    update = RecommendationUpdate.objects.create(
        recommendation=recommendation,
        by=actor,
        kind=kind,
        note=note,
        changes=audit._as_stored(changes),
    )
    audit.record_change(
        actor=actor,
        action=f"recommendation.{kind}",
        target=recommendation,
        detail={"changes": pairs(changes), "note": note, "version": recommendation.version},
    )
    return update


def recommendation_update_problems(
    *, recommendation: Recommendation, **values: Any
) -> ValidationError | None:
    """Every reason the recommendation cannot change as given (None: nothing wrong)."""
    problems = Problems()
    if recommendation.withdrawn:
        problems.add(None, "This recommendation has been withdrawn; it can no longer change")
    problems.add_error(recommendation_problems(**values))
    return problems.error()


@transaction.atomic
def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    source: str,
    source_reference: str,
    text: str,
    themes: Iterable[Theme],
    for_partnership: bool = False,
    agencies: Iterable[Agency] = (),
    number: str = "",
    reason: str = "",
    version: int | None = None,
) -> Recommendation:
    """Correct or restate a recommendation; the history keeps what it said before.

    Refused (`StaleEdit`) when it has been saved since `version` was read."""
    _require_manager(actor)
    _locked(recommendation)
    if recommendation.withdrawn:
        raise ValidationError("This recommendation has been withdrawn; it can no longer change")
    versions.claim(recommendation, version)
    themes, agencies = list(themes), list(agencies)
    refuse(
        recommendation_update_problems(
            recommendation=recommendation,
            source=source,
            source_reference=source_reference,
            text=text,
            themes=themes,
            for_partnership=for_partnership,
            agencies=agencies,
        )
    )
    old: dict[str, Any] = {
        "source": recommendation.get_source_display(),
        "source_reference": recommendation.source_reference,
        "number": recommendation.number,
        "text": recommendation.text,
        "themes": [theme.name for theme in recommendation.themes.all()],
        "for_partnership": recommendation.for_partnership,
        "agencies": [agency.name for agency in recommendation.agencies.all()],
    }
    new: dict[str, Any] = {
        "source": Recommendation.Source(source).label,
        "source_reference": source_reference.strip(),
        "number": number.strip(),
        "text": text.strip(),
        "themes": [theme.name for theme in themes],
        "for_partnership": for_partnership,
        "agencies": [agency.name for agency in agencies],
    }
    changes = _differences(old, new)
    if not changes:
        raise ValidationError("Nothing has changed: change the recommendation, or cancel")
    recommendation.source = source
    recommendation.source_reference = new["source_reference"]
    recommendation.number = new["number"]
    recommendation.text = new["text"]
    recommendation.for_partnership = for_partnership
    recommendation.save()
    recommendation.themes.set(themes)
    recommendation.agencies.set(agencies)
    _log_recommendation(
        actor=actor,
        recommendation=recommendation,
        kind="edited",
        note=reason.strip(),
        changes=changes,
    )
    return recommendation


def recommendation_withdraw_problems(
    *, recommendation: Recommendation, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the recommendation cannot be withdrawn as given (None: nothing wrong)."""
    problems = Problems()
    if recommendation.withdrawn:
        problems.add(None, "This recommendation has already been withdrawn")
    _reason_problems(problems, reason)
    return problems.error()


@transaction.atomic
def recommendation_withdraw(
    *, actor: User, recommendation: Recommendation, reason: str
) -> Recommendation:
    """Withdraw a recommendation, and with it every action still open in response to it.

    Completed and achieved actions stay as they are: that work was done."""
    _require_manager(actor)
    _locked(recommendation)
    refuse(recommendation_withdraw_problems(recommendation=recommendation, reason=reason))
    reason = reason.strip()
    recommendation.withdrawn_at = timezone.now()
    recommendation.withdrawn_by = actor
    recommendation.withdrawal_reason = reason
    recommendation.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    open_actions = list(recommendation.actions.filter(status__in=OPEN_STATUSES))
    for action in open_actions:
        _withdraw(actor=actor, action=action, reason=f"The recommendation was withdrawn: {reason}")
    _log_recommendation(
        actor=actor,
        recommendation=recommendation,
        kind="withdrawn",
        note=reason,
        changes={"open actions withdrawn": {"from": len(open_actions), "to": 0}}
        if open_actions
        else None,
    )
    return recommendation


# --- Actions -------------------------------------------------------------------------------


def _owner_label(agency: Agency | None, subgroup: Subgroup | None) -> str:
    return str(agency or subgroup or "")


def _locked_message(action: Action) -> str:
    return (
        f"This action is {action.get_status_display().lower()}: it cannot be edited. "
        "Re-open it first, saying why (the re-opening is recorded in its history)"
    )


def action_update_problems(
    *,
    action: Action,
    description: str | None = None,
    due_on: dt.date | None = None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the action cannot change as given (None: nothing wrong)."""
    problems = Problems()
    if action.status == ActionStatus.WITHDRAWN:
        problems.add(None, "This action has been withdrawn; it can no longer change")
    elif action.locked:
        problems.add(None, _locked_message(action))
    if not (description or "").strip():
        problems.add("description", "Describe the action")
    owner_and_date_problems(problems, owner_agency, owner_subgroup, due_on)
    return problems.error()


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: Action,
    description: str,
    due_on: dt.date | None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    lead_person: str = "",
    reason: str = "",
    version: int | None = None,
) -> Action:
    """Change what an action is, who owns it, who leads it and when it is due.

    Refused once the action is completed, signed off or withdrawn: re-open it first; refused
    (`StaleEdit`) when it has been saved since `version` was read."""
    _require_manager(actor)
    _locked(action)
    if action.status == ActionStatus.WITHDRAWN:
        raise ValidationError("This action has been withdrawn; it can no longer change")
    if action.locked:
        raise ValidationError(_locked_message(action))
    versions.claim(action, version)
    refuse(
        action_update_problems(
            action=action,
            description=description,
            due_on=due_on,
            owner_agency=owner_agency,
            owner_subgroup=owner_subgroup,
        )
    )
    assert due_on is not None  # checked above
    old: dict[str, Any] = {
        "description": action.description,
        "owner": action.owner,
        "lead_person": action.lead_person,
        "due_on": action.due_on,
    }
    new: dict[str, Any] = {
        "description": description.strip(),
        "owner": _owner_label(owner_agency, owner_subgroup),
        "lead_person": lead_person.strip(),
        "due_on": due_on,
    }
    changes = _differences(old, new)
    if not changes:
        raise ValidationError("Nothing has changed: change the action, or cancel")
    action.description = new["description"]
    action.owner_agency = owner_agency
    action.owner_subgroup = owner_subgroup
    action.lead_person = new["lead_person"]
    action.due_on = due_on
    action.updated_at = timezone.now()
    action.save()
    _log(actor=actor, action=action, kind="edited", note=reason.strip(), changes=changes)
    return action


def _withdraw(*, actor: User, action: Action, reason: str) -> Action:
    previous = action.get_status_display()
    action.status = ActionStatus.WITHDRAWN
    action.withdrawn_at = action.updated_at = timezone.now()
    action.withdrawn_by = actor
    action.withdrawal_reason = reason
    action.save()
    _log(
        actor=actor,
        action=action,
        kind="withdrawn",
        note=reason,
        changes={"status": {"from": previous, "to": action.get_status_display()}},
    )
    return action


@transaction.atomic
def action_withdraw(*, actor: User, action: Action, reason: str) -> Action:
    """Withdraw an action that is no longer needed, saying why. It stays in the plan."""
    _require_manager(actor)
    _locked(action)
    refuse(action_withdraw_problems(action=action, reason=reason))
    return _withdraw(actor=actor, action=action, reason=reason.strip())


def action_withdraw_problems(
    *, action: Action, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the action cannot be withdrawn as given (None: nothing wrong)."""
    problems = Problems()
    if action.status == ActionStatus.WITHDRAWN:
        problems.add(None, "This action has already been withdrawn")
    elif action.status == ActionStatus.ACHIEVED:
        problems.add(
            None,
            "This action's impact has been signed off: it cannot be withdrawn. "
            "Re-open it first if the sign-off was wrong",
        )
    _reason_problems(problems, reason)
    return problems.error()


def action_reopen_problems(
    *, action: Action, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the action cannot be re-opened as given (None: nothing wrong)."""
    problems = Problems()
    if action.status not in (ActionStatus.COMPLETED, ActionStatus.ACHIEVED):
        problems.add(None, "Only a completed or signed-off action can be re-opened")
    _reason_problems(problems, reason)
    return problems.error()


@transaction.atomic
def action_reopen(*, actor: User, action: Action, reason: str) -> Action:
    """Re-open a completed or signed-off action so that it can change again.

    It goes back to "on track". Re-opening a signed-off action undoes the sign-off (kept in
    the history), so only the scrutineer or a partnership officer for the oversight group may.
    """
    _require_manager(actor)
    _locked(action)
    if action.status == ActionStatus.ACHIEVED and not actor.has_perm("partnership.sign_off_impact"):
        raise PermissionDenied(
            "Only the independent scrutineer or the oversight group can re-open an action "
            "whose impact they signed off."
        )
    refuse(action_reopen_problems(action=action, reason=reason))
    reason = reason.strip()
    changes: Change = {
        "status": {
            "from": action.get_status_display(),
            "to": ActionStatus.ON_TRACK.label,
        }
    }
    if action.status == ActionStatus.ACHIEVED:
        changes["impact sign-off"] = {
            "from": f"{action.impact_signed_off_by}, {action.impact_sign_off_basis}, "
            f"{timezone.localtime(action.impact_signed_off_at):%-d %B %Y}"
            if action.impact_signed_off_at
            else "",
            "to": "",
        }
        action.impact_signed_off_by = None
        action.impact_signed_off_at = None
        action.impact_sign_off_basis = ""
    action.status = ActionStatus.ON_TRACK
    action.updated_at = timezone.now()
    action.save()
    _log(actor=actor, action=action, kind="reopened", note=reason, changes=changes)
    return action
