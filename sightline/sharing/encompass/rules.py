"""Who may see Operation Encompass's partnership pages: the measures are for the partnership's
roles and its analysts; the school calendars (no personal data) for every member of staff."""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_staff_user

VIEW_MEASURES = "sharing.view_encompass_measures"
VIEW_CALENDARS = "sharing.view_school_calendars"

rules.add_perm(
    VIEW_MEASURES,
    has_role(
        Role.PARTNERSHIP_OFFICER,
        Role.SUBGROUP_CHAIR,
        Role.SCRUTINEER,
        Role.ANALYST,
        Role.DRAM_COORDINATOR,
        Role.ADMIN,
    ),
)
rules.add_perm(VIEW_CALENDARS, is_staff_user)
