"""Who may review uncertain matches and merges: data-quality users (analysts and information
governance; system administrators too)."""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role

is_data_quality = has_role(Role.ANALYST, Role.INFORMATION_GOVERNANCE, Role.ADMIN)

REVIEW_MATCHES = "linkage.review_matches"

rules.add_perm(REVIEW_MATCHES, is_data_quality)

# Rolling the linkage model back changes how every later record is linked: administrators.
MANAGE_MODEL = "linkage.manage_model"

rules.add_perm(MANAGE_MODEL, has_role(Role.ADMIN))
