"""Casework records, split by aggregate: episodes, child protection, plans."""

from sightline.casework.models.codes import (
    ASSESSMENT_FACTORS,
    NO_FACTORS,
    AbuseCategory,
    ClosureReason,
    PrimaryNeed,
)
from sightline.casework.models.episodes import (
    Assessment,
    CaseTransfer,
    ClosureRequest,
    Episode,
    LinkedContact,
    StatutoryVisit,
    Supervision,
)
from sightline.casework.models.plans import (
    CoreGroupMeeting,
    CoreGroupMember,
    OutcomeProgress,
    Plan,
    PlanOutcome,
    PlanVersion,
)
from sightline.casework.models.protection import (
    AgreedAction,
    Conference,
    ConferenceAttendee,
    MedicalRequest,
    S47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
)

__all__ = [
    "ASSESSMENT_FACTORS",
    "NO_FACTORS",
    "AbuseCategory",
    "AgreedAction",
    "Assessment",
    "CaseTransfer",
    "ClosureReason",
    "ClosureRequest",
    "Conference",
    "ConferenceAttendee",
    "CoreGroupMeeting",
    "CoreGroupMember",
    "Episode",
    "LinkedContact",
    "MedicalRequest",
    "OutcomeProgress",
    "Plan",
    "PlanOutcome",
    "PlanVersion",
    "PrimaryNeed",
    "S47Enquiry",
    "StatutoryVisit",
    "StrategyAttendee",
    "StrategyDiscussion",
    "Supervision",
]
