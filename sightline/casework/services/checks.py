"""Checks that several casework services make the same way, written once.

Episodes, child protection and plans each refuse a date in the future, a step before the
referral, work on a closed episode and a lead worker from another team, and check the actions
a meeting agreed. They raise `ValidationError` with the field it belongs to, so a `Problems`
gathering of a service shows every error at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from sightline.accounts.models import Agency, Team, User
from sightline.casework.models import Episode, Plan

__all__ = [
    "Action",
    "check_actions",
    "long_date",
    "not_before_referral",
    "not_in_future",
    "open_cp_plan",
    "require_open_episode",
    "validate_in_team",
]


def long_date(day: dt.date) -> str:
    """'3 March 2025', the way the messages write a date."""
    return f"{day.day} {day:%B %Y}"


def not_in_future(day: dt.date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})


def not_before_referral(episode: Episode, day: dt.date, field: str, what: str) -> None:
    if day < episode.referral_date:
        raise ValidationError(
            {
                field: f"{what} cannot be before the referral on "
                f"{long_date(episode.referral_date)}: check the date"
            }
        )


def require_open_episode(episode: Episode) -> None:
    """Work is recorded on an open episode; a closed one takes no more."""
    if not episode.is_open:
        raise ValidationError(
            f"This episode closed on {long_date(episode.closure_date)}: "  # type: ignore[arg-type]
            "open a new referral to record more work"
        )


def validate_in_team(user: User | None, team: Team, field: str) -> None:
    """A case's lead worker belongs to the team that holds the case (or to no team yet)."""
    if user is not None and user.team_id is not None and user.team_id != team.pk:
        raise ValidationError(
            {
                field: f"{user} works in {user.team.name}, not {team.name}: choose someone "  # type: ignore[union-attr]
                f"from {team.name}, or transfer the case to their team"
            }
        )


def open_cp_plan(child_id: int) -> Plan | None:
    """The child's child protection plan that has not ended, which several steps check for."""
    return (
        Plan.objects.filter(episode__child_id=child_id, kind=Plan.Kind.CP)
        .exclude(status=Plan.Status.ENDED)
        .first()
    )


@dataclass(frozen=True)
class Action:
    """An agreed action: what, who (person and agency), by when."""

    action: str
    owner: str
    owner_agency: Agency | None
    due_date: dt.date | None


def check_actions(
    actions: Sequence[Action], field: str = "actions", agreed_on: dt.date | None = None
) -> None:
    """Every action says what, who, their agency and by when; none is due before the meeting
    that agreed it (`agreed_on`)."""
    problems = []
    for number, item in enumerate(actions, start=1):
        if not item.action.strip():
            problems.append(f"Action {number} has no description: say what will be done")
        if not item.owner.strip():
            problems.append(f"Action {number} has no owner: say who will do it")
        if item.owner_agency is None:
            problems.append(f"Action {number} has no agency: choose the owner's agency")
        if item.due_date is None:
            problems.append(f"Action {number} has no date: say by when it will be done")
        elif agreed_on is not None and item.due_date < agreed_on:
            problems.append(
                f"Action {number} is due before it was agreed on {long_date(agreed_on)}: "
                "give a date on or after that day"
            )
    if problems:
        raise ValidationError({field: problems})
