import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_information_governance
from sightline.people.selectors import MAY_SEARCH

# The navigation shows "Find a person" only to those the search page lets in.
rules.add_perm("people.search", has_role(*MAY_SEARCH))
rules.add_perm("people.view_access_trail", is_information_governance)
rules.add_perm(
    "core.view_break_glass_report", is_information_governance | has_role(Role.PARTNERSHIP_OFFICER)
)
rules.add_perm("people.record_disabilities", has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER))
