"""What the child protection and plan services write the same way: a step on the child's
chronology, recorded by children's social care, and the actions a meeting agreed.

Callers are services: each runs these inside its own transaction, after its checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sightline.accounts.models import User
from sightline.casework.models import AgreedAction, Episode
from sightline.casework.services.checks import Action
from sightline.chronology.services import event_record
from sightline.people.services import social_care_agency

__all__ = ["actions_create", "episode_step_record"]


def episode_step_record(
    *,
    actor: User,
    type: str,
    episode: Episode,
    occurred_at: dt.datetime | dt.date,  # a date: a step recorded by date only (core.dates)
    summary: str,
    details: dict[str, object] | None = None,
) -> None:
    event_record(
        type=type,
        occurred_at=occurred_at,
        summary=summary,
        source=social_care_agency(),
        participants=[(episode.child, "child")],
        recorded_by=actor,
        details=details or {},
    )


def actions_create(actions: Sequence[Action], **parent: object) -> None:
    """The agreed actions of a strategy discussion or core group, checked by `check_actions`."""
    AgreedAction.objects.bulk_create(
        [
            AgreedAction(
                action=item.action.strip(),
                owner=item.owner.strip(),
                owner_agency=item.owner_agency,
                due_date=item.due_date,  # type: ignore[misc]  # checked by check_actions
                **parent,
            )
            for item in actions
        ]
    )
