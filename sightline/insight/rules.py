"""Who may produce the statutory returns: analysts (the data team) and social work team
managers (and system administrators)."""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role

is_returns_user = has_role(Role.ANALYST, Role.TEAM_MANAGER, Role.ADMIN)

EXPORT_RETURNS = "insight.export_returns"

rules.add_perm(EXPORT_RETURNS, is_returns_user)
