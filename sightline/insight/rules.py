"""Who may use the insight pages.

- The statutory returns: analysts (the data team) and social work team managers (and system
  administrators).
- The partnership's dashboard: the partnership officer, subgroup chairs, the independent
  scrutineer, analysts, the lead partners' named agency leads, social work and front-door
  managers, and system administrators.
- The children behind a figure: only those of them who already see the children's records
  through their work (social work and front-door managers); everyone else sees counts, with
  counts of 1 to 5 shown as "c".
"""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_agency_lead

is_returns_user = has_role(Role.ANALYST, Role.TEAM_MANAGER, Role.ADMIN)

EXPORT_RETURNS = "insight.export_returns"

rules.add_perm(EXPORT_RETURNS, is_returns_user)

DASHBOARD_ROLES = (
    Role.PARTNERSHIP_OFFICER,
    Role.SUBGROUP_CHAIR,
    Role.SCRUTINEER,
    Role.ANALYST,
    Role.TEAM_MANAGER,
    Role.IFD_MANAGER,
    Role.ADMIN,
)
# Managers in social care already see every child known to social care (people.selectors).
CHILDREN_ROLES = (Role.TEAM_MANAGER, Role.IFD_MANAGER)


VIEW_DASHBOARD = "insight.view_dashboard"
SEE_CHILDREN_BEHIND_FIGURES = "insight.see_children_behind_figures"

rules.add_perm(VIEW_DASHBOARD, has_role(*DASHBOARD_ROLES) | is_agency_lead)
rules.add_perm(SEE_CHILDREN_BEHIND_FIGURES, has_role(*CHILDREN_ROLES))
