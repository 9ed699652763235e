"""The partnership's records: case reviews, the thematic action plan, assurance and escalation;
the challenge and risk log, the business plan, subgroups at work, audits and self-assessments,
and the partnership's finances."""

from sightline.partnership.models.assurance import AssuranceRequest, Escalation
from sightline.partnership.models.audits import (
    AuditAnswer,
    AuditFinding,
    AuditProgramme,
    AuditQuestion,
    CaseAudit,
    Grade,
)
from sightline.partnership.models.business_plan import (
    OutcomeProgress,
    PlanOutcome,
    PlanPriority,
    ProgressRating,
)
from sightline.partnership.models.finance import Contribution, FinancialYear, Spending
from sightline.partnership.models.plan import (
    Action,
    ActionStatus,
    ActionUpdate,
    ImpactAssessment,
    Recommendation,
    RecommendationUpdate,
    Subgroup,
)
from sightline.partnership.models.reviews import (
    AgencyInformationRequest,
    PracticeReview,
    PracticeReviewMilestone,
    RapidReview,
    SeriousIncident,
)
from sightline.partnership.models.risk import (
    RiskLogEntry,
    RiskLogUpdate,
    RiskOutcome,
    RiskStatus,
)
from sightline.partnership.models.self_assessment import (
    Framework,
    Rag,
    SelfAssessmentReturn,
    Standard,
    StandardRating,
)
from sightline.partnership.models.subgroups import (
    Attendance,
    MeetingAction,
    MeetingAttendance,
    SubgroupMeeting,
    SubgroupMember,
)

__all__ = [
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "AgencyInformationRequest",
    "AssuranceRequest",
    "Attendance",
    "AuditAnswer",
    "AuditFinding",
    "AuditProgramme",
    "AuditQuestion",
    "CaseAudit",
    "Contribution",
    "Escalation",
    "FinancialYear",
    "Framework",
    "Grade",
    "ImpactAssessment",
    "MeetingAction",
    "MeetingAttendance",
    "OutcomeProgress",
    "PlanOutcome",
    "PlanPriority",
    "PracticeReview",
    "PracticeReviewMilestone",
    "ProgressRating",
    "Rag",
    "RapidReview",
    "Recommendation",
    "RecommendationUpdate",
    "RiskLogEntry",
    "RiskLogUpdate",
    "RiskOutcome",
    "RiskStatus",
    "SelfAssessmentReturn",
    "SeriousIncident",
    "Spending",
    "Standard",
    "StandardRating",
    "Subgroup",
    "SubgroupMeeting",
    "SubgroupMember",
]
