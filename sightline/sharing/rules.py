"""Who may use the sharing pages: the CP-IS style lookup is for unscheduled-care clinicians
only (DESIGN.md section 1), nobody else."""

from __future__ import annotations

import rules

from sightline.accounts.rules import is_unscheduled_care

LOOKUP_CPIS = "sharing.lookup_cpis"

rules.add_perm(LOOKUP_CPIS, is_unscheduled_care)
