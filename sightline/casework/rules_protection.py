"""Who may record child protection work and plans: children's social care roles.

Registered when the protection views are imported (rules autodiscovery loads only rules.py).
"""

from __future__ import annotations

import rules

from sightline.accounts.rules import is_social_care

WORK_PROTECTION = "casework.work_protection"

if not rules.perm_exists(WORK_PROTECTION):
    rules.add_perm(WORK_PROTECTION, is_social_care)
