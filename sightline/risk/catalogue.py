"""The rule catalogue (DESIGN.md section 6): codes, defaults, what each asks for and of whom.

Codes and defaults are a contract: feeds, exports and partnerships' settings name them.
A partnership changes thresholds through `RuleSetting` (see `parameters_for`).

Audiences say who an alert is addressed to, as tokens matched against the user:
`role:<accounts Role>`, `profession:<Profession>`, `agency:<Agency.Kind>` (practitioners of
that kind of agency), and `involved` (the professionals currently working with the person).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PATTERN = "pattern"
TIMESCALE = "timescale"

FAMILY_AND_PUBLIC_SOURCES = ["1A", "1B", "1D", "9"]


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # PATTERN or TIMESCALE
    name: str
    raised_when: str  # the default condition in words
    asks_for: str
    recipient: str  # who, in words
    audiences: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    timescale_id: str = ""  # T1, T2 ... or LOCAL
    computable: bool = True  # False: waits for records of a later capability
    waits_for: str = ""

    @property
    def audience(self) -> str:
        return "," + ",".join(self.audiences) + ","


RULES_ACTOR = "rules"  # the named system actor for automatic alerts

RULES: tuple[Rule, ...] = (
    Rule(
        "contacts-without-assessment",
        PATTERN,
        "Repeated contacts without an assessment",
        "3 or more contacts about a child within 12 months, none leading to an assessment",
        "IFD manager review of the whole history",
        "Front door manager",
        ("role:ifd_manager",),
        {"count": 3, "months": 12, "assessment_working_days": 45},
    ),
    Rule(
        "family-concerns-dismissed",
        PATTERN,
        "Concerns from family or the public ended with no further action",
        "2 or more contacts from family, acquaintances or the public (1A, 1B, 1D, 9) within "
        "6 months, each ended with no further action",
        "Manager review",
        "Front door manager and social work team manager",
        ("role:ifd_manager", "role:team_manager"),
        {"count": 2, "months": 6, "referral_sources": FAMILY_AND_PUBLIC_SOURCES},
    ),
    Rule(
        "domestic-abuse-cumulative",
        PATTERN,
        "Repeated domestic abuse in the child's household",
        "3 or more domestic abuse incidents within 12 months where the child was present or "
        "lives in the household",
        "DRAM/MARAC consideration (potential escalation) and an assessment",
        "DRAM and MARAC coordinator; front door manager",
        ("role:dram_coordinator", "role:ifd_manager"),
        {"count": 3, "months": 12},
    ),
    Rule(
        "domestic-abuse-high-risk",
        PATTERN,
        "High-risk domestic abuse with a child in the household",
        "An incident with 14 or more DASH yes answers or risk level high, with a child in "
        "the household",
        "MARAC referral; DRAM within 24 hours",
        "DRAM and MARAC coordinator",
        ("role:dram_coordinator",),
        {"dash_yes_count": 14},
    ),
    Rule(
        "household-change-on-plan",
        PATTERN,
        "Household change for a child on a plan",
        "Someone joins or leaves the household of a child on a CIN or CP plan",
        "Updated social work assessment",
        "Lead social worker and team manager",
        ("role:social_worker", "role:team_manager", "involved"),
        {},
    ),
    Rule(
        "address-change-open-case",
        PATTERN,
        "New address for a child with an open case",
        "A new address is reported for a child with an open episode or plan",
        "Tell the lead social worker and every professional on the child's team",
        "Lead social worker and the team around the child",
        ("role:social_worker", "role:team_manager", "involved"),
        {},
    ),
    Rule(
        "was-not-brought",
        PATTERN,
        "Health appointments: was not brought",
        "2 or more health appointments not brought within 6 months",
        "Follow-up by the lead professional or health visitor",
        "Health visitor or lead professional",
        ("profession:health_visitor", "profession:school_nurse", "involved"),
        {"count": 2, "months": 6},
    ),
    Rule(
        "injury-non-mobile-baby",
        PATTERN,
        "Injury to a baby or a child who is not mobile",
        "An injury observed on a child under 6 months, or not independently mobile",
        "CP medical and strategy discussion the same day",
        "Front door manager and social work team manager",
        ("role:ifd_manager", "role:ifd_practitioner", "role:team_manager"),
        {"age_months": 6},
    ),
    Rule(
        "repeat-ed-attendance",
        PATTERN,
        "Repeated emergency department attendances",
        "2 or more emergency department attendances within 12 months",
        "Review by the safeguarding health team",
        "Safeguarding health team",
        ("agency:hospital", "agency:community_health"),
        {"count": 2, "months": 12},
    ),
    Rule(
        "perpetrator-release-to-child",
        PATTERN,
        "Person with a domestic abuse history released to or joining a child's household",
        "A person with a domestic abuse history is released to, or joins, a household with a child",
        "Notify IFD and the child's lead professional",
        "Front door and the child's lead professional",
        ("role:ifd_manager", "role:ifd_practitioner", "involved"),
        {},
    ),
    Rule(
        "under-18-pregnancy",
        PATTERN,
        "Pregnancy under 18",
        "A maternity booking for a mother under 18",
        "Pre-birth pathway consideration",
        "Front door manager and midwife",
        ("role:ifd_manager", "profession:midwife", "involved"),
        {"age": 18},
    ),
    # Timescales (DOMAIN.md section 2), evaluated against the clock.
    Rule(
        "contact-decision-overdue",
        TIMESCALE,
        "Contact decision overdue",
        "No decision on a contact within 1 working day of receipt",
        "Decide the response to the contact now",
        "Front door manager",
        ("role:ifd_manager",),
        {"working_days": 1},
        timescale_id="T1",
    ),
    Rule(
        "assessment-overdue",
        TIMESCALE,
        "Assessment overdue",
        "No assessment completed within 45 working days of the referral",
        "Complete the assessment, or record why it is taking longer",
        "Social work team manager",
        ("role:team_manager", "role:social_worker", "involved"),
        {"working_days": 45},
        timescale_id="T2",
    ),
    Rule(
        "icpc-overdue",
        TIMESCALE,
        "Initial child protection conference overdue",
        "No ICPC within 15 working days of the start of section 47 enquiries",
        "Hold the initial child protection conference",
        "Social work team manager",
        ("role:team_manager", "role:social_worker", "involved"),
        {"working_days": 15},
        timescale_id="T4",
    ),
    Rule(
        "core-group-overdue",
        TIMESCALE,
        "Core group overdue",
        "No core group within 10 working days of the ICPC, then every 6 weeks",
        "Hold the core group",
        "Social work team manager",
        ("role:team_manager", "role:social_worker", "involved"),
        # then_weeks is LOCAL: left at 6, the casework setting CORE_GROUP_INTERVAL_WEEKS
        # (default 6) decides, so the due list and the alert agree (timescales.py).
        {"working_days": 10, "then_weeks": 6},
        timescale_id="T5",
    ),
    Rule(
        "review-conference-overdue",
        TIMESCALE,
        "Review child protection conference overdue",
        "No review conference within 3 months of the ICPC, then every 6 months",
        "Hold the review child protection conference",
        "Social work team manager",
        ("role:team_manager", "role:social_worker", "involved"),
        {"first_months": 3, "then_months": 6},
        timescale_id="T6",
    ),
    Rule(
        "encompass-notification-late",
        TIMESCALE,
        "Operation Encompass notification late",
        "The school not told before the start of the next school day after a police-attended "
        "domestic abuse incident",
        "Notify the school's designated safeguarding lead now",
        "Police",
        ("agency:police",),
        {"min_age": 4, "max_age": 17},
        timescale_id="T10",
    ),
    Rule(
        "dram-overdue",
        TIMESCALE,
        "High-risk incident not yet discussed at DRAM",
        "A high-risk domestic abuse incident not discussed at DRAM within 24 hours",
        "Discuss the incident at the DRAM",
        "DRAM and MARAC coordinator",
        ("role:dram_coordinator",),
        {"hours": 24},
        timescale_id="T11",
    ),
    Rule(
        "marac-minutes-overdue",
        TIMESCALE,
        "MARAC minutes overdue",
        "The minutes of a MARAC not published within 3 working days of the meeting",
        "Publish the MARAC minutes with every case's actions",
        "DRAM and MARAC coordinator",
        ("role:dram_coordinator",),
        {"working_days": 3},
        timescale_id="LOCAL",
    ),
    Rule(
        "meeting-action-overdue",
        TIMESCALE,
        "Risk meeting action overdue",
        "An action agreed at a DRAM, MARAC or child exploitation meeting not done by its due date",
        "Follow up the action with its owner",
        "DRAM and MARAC coordinator",
        ("role:dram_coordinator",),
        {},
        timescale_id="LOCAL",
    ),
    Rule(
        "panel-notification-overdue",
        TIMESCALE,
        "National panel notification overdue",
        "A serious incident not notified to the national panel within 5 working days",
        "Notify the Child Safeguarding Practice Review Panel",
        "Partnership officer",
        ("role:partnership_officer",),
        {"working_days": 5},
        timescale_id="T7",
    ),
    Rule(
        "rapid-review-overdue",
        TIMESCALE,
        "Rapid review overdue",
        "A rapid review not completed within 15 working days of the notification",
        "Complete the rapid review",
        "Partnership officer",
        ("role:partnership_officer",),
        {"working_days": 15},
        timescale_id="T8",
    ),
    Rule(
        "supervision-overdue",
        TIMESCALE,
        "Supervision overdue",
        "No recorded supervision for 4 weeks on an open CP or CIN case",
        "Record supervisory oversight of the case",
        "Social work team manager",
        ("role:team_manager",),
        # Left at 4, the casework setting SIGHTLINE_SUPERVISION_WEEKS (default 4) decides.
        {"weeks": 4},
        timescale_id="LOCAL",
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
PATTERN_CODES = tuple(rule.code for rule in RULES if rule.kind == PATTERN)
TIMESCALE_CODES = tuple(rule.code for rule in RULES if rule.kind == TIMESCALE)


def rule_get(code: str) -> Rule:
    return BY_CODE[code]
