"""Permission predicates by role (DESIGN.md sections 1 and 4)."""

from __future__ import annotations

import rules

from sightline.accounts.models import FRONT_DOOR_ROLES, SOCIAL_CARE_ROLES, Role


def has_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user) -> bool:  # type: ignore[no-untyped-def]
        return bool(user and user.is_authenticated and user.is_active and user.role in wanted)

    return predicate


is_front_door = has_role(*FRONT_DOOR_ROLES)
is_front_door_manager = has_role(Role.IFD_MANAGER)
is_social_care = has_role(*SOCIAL_CARE_ROLES)
is_information_governance = has_role(Role.INFORMATION_GOVERNANCE, Role.ADMIN)
is_unscheduled_care = has_role(Role.UNSCHEDULED_CARE)
is_staff_user = rules.is_authenticated & ~is_unscheduled_care


@rules.predicate
def is_agency_lead(user) -> bool:  # type: ignore[no-untyped-def]
    """A named lead of their agency: answers for it to the safeguarding partnership.

    A flag beside the role, not a role: the lead keeps everything their own role gives them
    (a police officer who leads for the police still sees what the police have recorded)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id
        and getattr(user, "is_agency_lead", False)
    )
