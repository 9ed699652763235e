"""Permission predicates for alerts, rule settings and DASH records."""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role

may_change_rule_settings = has_role(Role.ADMIN, Role.PARTNERSHIP_OFFICER)
may_record_dash = has_role(
    Role.PRACTITIONER,
    Role.DRAM_COORDINATOR,
    Role.IFD_PRACTITIONER,
    Role.IFD_MANAGER,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
)
may_see_alerts = rules.is_authenticated & ~has_role(Role.UNSCHEDULED_CARE)

rules.add_perm("risk.change_rule_settings", may_change_rule_settings)
rules.add_perm("risk.record_dash", may_record_dash)
rules.add_perm("risk.view_alerts", may_see_alerts)
