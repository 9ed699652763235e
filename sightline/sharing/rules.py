"""Who may use the sharing pages: the CP-IS style lookup is for unscheduled-care clinicians
only (DESIGN.md section 1), nobody else; the risk meetings are run by the DRAM and MARAC
coordinator (what an attendee may read is decided in `meetings.selectors`)."""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_unscheduled_care

LOOKUP_CPIS = "sharing.lookup_cpis"
RUN_RISK_MEETINGS = "sharing.run_risk_meetings"

rules.add_perm(LOOKUP_CPIS, is_unscheduled_care)
rules.add_perm(RUN_RISK_MEETINGS, has_role(Role.DRAM_COORDINATOR))
