"""Who may do what in casework (DESIGN.md sections 1 and 4).

- children's social care roles (social workers, team managers, the front door) see casework;
- social workers and team managers work cases (assessments, visits, transfers, closure);
- team managers authorise assessments and record supervision;
- the front door may also open an episode from a referral it made;
- everyone else is refused (403).
"""

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_social_care

works_cases = has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
is_team_manager = has_role(Role.TEAM_MANAGER)
opens_episodes = has_role(
    Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IFD_PRACTITIONER, Role.IFD_MANAGER
)

rules.add_perm("casework.view_casework", is_social_care)
rules.add_perm("casework.open_episode", opens_episodes)
rules.add_perm("casework.work_cases", works_cases)
rules.add_perm("casework.authorise_assessment", is_team_manager)
rules.add_perm("casework.record_supervision", is_team_manager)
