"""The partnership's records: case reviews, the thematic action plan, assurance and escalation."""

from sightline.partnership.models.assurance import AssuranceRequest, Escalation
from sightline.partnership.models.plan import (
    Action,
    ActionStatus,
    ActionUpdate,
    ImpactAssessment,
    Recommendation,
    Subgroup,
)
from sightline.partnership.models.reviews import (
    AgencyInformationRequest,
    PracticeReview,
    PracticeReviewMilestone,
    RapidReview,
    SeriousIncident,
)

__all__ = [
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "AgencyInformationRequest",
    "AssuranceRequest",
    "Escalation",
    "ImpactAssessment",
    "PracticeReview",
    "PracticeReviewMilestone",
    "RapidReview",
    "Recommendation",
    "SeriousIncident",
    "Subgroup",
]
