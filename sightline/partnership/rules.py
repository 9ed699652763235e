"""Who may do what in the partnership area.

- Partnership roles (partnership officer, subgroup chair, independent scrutineer) manage
  reviews, recommendations, the action plan and assurance.
- Agency users (anyone attached to an agency, except unscheduled-care clinicians, who use the
  CP-IS style lookup only) see and answer the actions and assurance requests addressed to
  their own agency, and nothing else here.
- Everyone else is refused (403).

Impact sign-off (an action becomes "achieved"): the independent scrutineer signs off in
their own right; a partnership officer may record the sign-off only on behalf of the
oversight group, naming the meeting that agreed it. Subgroup chairs, who own much of the
plan, may not sign off their own actions' impact. The oversight group's judgement of an
assurance response follows the same rule.
"""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role

PARTNERSHIP_ROLES = frozenset({Role.PARTNERSHIP_OFFICER, Role.SUBGROUP_CHAIR, Role.SCRUTINEER})
SIGN_OFF_ROLES = frozenset({Role.SCRUTINEER, Role.PARTNERSHIP_OFFICER})

is_partnership = has_role(*PARTNERSHIP_ROLES)
is_scrutineer = has_role(Role.SCRUTINEER)
may_sign_off_impact = has_role(*SIGN_OFF_ROLES)


@rules.predicate
def is_agency_user(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.role != Role.UNSCHEDULED_CARE
        and user.role not in PARTNERSHIP_ROLES
    )


@rules.predicate
def addressed_to_users_agency(user, obj) -> bool:  # type: ignore[no-untyped-def]
    """The action (owner agency) or assurance request (agency) is for the user's agency."""
    if obj is None or not getattr(user, "agency_id", None):
        return False
    agency_id = getattr(obj, "owner_agency_id", None) or getattr(obj, "agency_id", None)
    return agency_id == user.agency_id


rules.add_perm("partnership.use_area", is_partnership | is_agency_user)
rules.add_perm("partnership.manage", is_partnership)
rules.add_perm(
    "partnership.view_action", is_partnership | (is_agency_user & addressed_to_users_agency)
)
rules.add_perm(
    "partnership.update_action", is_partnership | (is_agency_user & addressed_to_users_agency)
)
rules.add_perm("partnership.sign_off_impact", may_sign_off_impact)
rules.add_perm(
    "partnership.view_assurance", is_partnership | (is_agency_user & addressed_to_users_agency)
)
rules.add_perm("partnership.answer_assurance", is_agency_user & addressed_to_users_agency)
rules.add_perm("partnership.judge_assurance", may_sign_off_impact)
