"""Who may do what in the partnership area.

- Partnership roles (partnership officer, subgroup chair, independent scrutineer) manage
  reviews, recommendations, the action plan and assurance.
- Agency users (anyone attached to an agency, except unscheduled-care clinicians, who use the
  CP-IS style lookup only) see the actions and assurance requests addressed to their own
  agency, and nothing else here. Only the agency's named leads (`User.is_agency_lead`) answer
  those assurance requests and record progress on those actions; the partnership's roles
  record progress too, but never answer for an agency (they ask, and judge the answer).
- Everyone else is refused (403).

Impact sign-off (an action becomes "achieved"): the independent scrutineer signs off in
their own right; a partnership officer may record the sign-off only on behalf of the
oversight group, naming the meeting that agreed it. Subgroup chairs, who own much of the
plan, may not sign off their own actions' impact. The oversight group's judgement of an
assurance response follows the same rule.
"""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role, is_agency_lead

PARTNERSHIP_ROLES = frozenset({Role.PARTNERSHIP_OFFICER, Role.SUBGROUP_CHAIR, Role.SCRUTINEER})
SIGN_OFF_ROLES = frozenset({Role.SCRUTINEER, Role.PARTNERSHIP_OFFICER})

is_partnership = has_role(*PARTNERSHIP_ROLES)
is_scrutineer = has_role(Role.SCRUTINEER)
may_sign_off_impact = has_role(*SIGN_OFF_ROLES)


@rules.predicate
def is_agency_user(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.role != Role.UNSCHEDULED_CARE
        and user.role not in PARTNERSHIP_ROLES
    )


@rules.predicate
def addressed_to_users_agency(user, obj) -> bool:  # type: ignore[no-untyped-def]
    """The action (owner agency) or assurance request (agency) is for the user's agency."""
    if obj is None or not getattr(user, "agency_id", None):
        return False
    agency_id = getattr(obj, "owner_agency_id", None) or getattr(obj, "agency_id", None)
    return agency_id == user.agency_id


rules.add_perm("partnership.use_area", is_partnership | is_agency_user)
rules.add_perm("partnership.manage", is_partnership)
rules.add_perm(
    "partnership.view_action", is_partnership | (is_agency_user & addressed_to_users_agency)
)
rules.add_perm(
    "partnership.update_action",
    is_partnership | (is_agency_user & is_agency_lead & addressed_to_users_agency),
)
rules.add_perm("partnership.sign_off_impact", may_sign_off_impact)
rules.add_perm(
    "partnership.view_assurance", is_partnership | (is_agency_user & addressed_to_users_agency)
)
rules.add_perm(
    "partnership.answer_assurance", is_agency_user & is_agency_lead & addressed_to_users_agency
)
rules.add_perm("partnership.judge_assurance", may_sign_off_impact)
# A rapid review's request for an agency's information: seen by the agency, answered by its
# named leads (as assurance requests are).
rules.add_perm(
    "partnership.view_information_request",
    is_partnership | (is_agency_user & addressed_to_users_agency),
)
rules.add_perm(
    "partnership.answer_information_request",
    is_agency_user & is_agency_lead & addressed_to_users_agency,
)


# --- The second half: risk log, audits, self-assessment returns ---------------------------
#
# An agency user sees the risk log entries raised against their agency and their own agency's
# Section 11 or Section 175 return (and no other agency's); the agency's named leads give the
# risk log's response and complete the return. Auditors grade the case audits they are on. The
# business plan, subgroups' meetings and reports, audit programmes, the summary across agencies
# and the finances are the partnership's own.


@rules.predicate
def risk_against_users_agency(user, entry) -> bool:  # type: ignore[no-untyped-def]
    agency_id = getattr(user, "agency_id", None)
    return bool(entry is not None and agency_id and entry.against_agency_id == agency_id)


@rules.predicate
def return_of_users_agency(user, assessment) -> bool:  # type: ignore[no-untyped-def]
    agency_id = getattr(user, "agency_id", None)
    return bool(assessment is not None and agency_id and assessment.agency_id == agency_id)


@rules.predicate
def is_auditor_on(user, case_audit) -> bool:  # type: ignore[no-untyped-def]
    if case_audit is None or not getattr(user, "pk", None):
        return False
    return case_audit.auditors.filter(pk=user.pk).exists()


rules.add_perm(
    "partnership.view_risk", is_partnership | (is_agency_user & risk_against_users_agency)
)
rules.add_perm(
    "partnership.respond_risk", is_agency_user & is_agency_lead & risk_against_users_agency
)
rules.add_perm(
    "partnership.view_return", is_partnership | (is_agency_user & return_of_users_agency)
)
rules.add_perm(
    "partnership.complete_return", is_agency_user & is_agency_lead & return_of_users_agency
)
rules.add_perm("partnership.challenge_return", is_partnership)
rules.add_perm(
    "partnership.respond_to_challenge", is_agency_user & is_agency_lead & return_of_users_agency
)
rules.add_perm("partnership.grade_audit", is_partnership | (is_agency_user & is_auditor_on))
