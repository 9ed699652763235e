"""Builders for the risk meeting tests: a household with a domestic abuse incident, a DRAM
coordinator, meetings with attendees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event
from sightline.chronology.services import event_record
from sightline.core.working_days import LONDON
from sightline.people.models import Person
from sightline.people.services import source_record_link
from sightline.sharing.meetings import services
from sightline.sharing.meetings.models import RiskMeeting
from sightline.testing import factories as f


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time.fromisoformat(time), tzinfo=LONDON
    )


def coordinator(agencies: dict[str, Agency]) -> User:
    return User.objects.filter(username="dc.holly").first() or f.user(
        agencies["csc"], "dram_coordinator", "other", username="dc.holly"
    )


class Household:
    """A victim, the alleged perpetrator and a child, each known to the police (as a police
    feed would bring them)."""

    def __init__(self, suffix: str = "") -> None:
        self.victim = f.child(
            given_name="Dana" + suffix,
            family_name="Ormerodtest",
            date_of_birth=dt.date(1994, 2, 11),
            known_to_social_care=False,
        )
        self.perpetrator = f.child(
            given_name="Sam" + suffix,
            family_name="Brookestest",
            date_of_birth=dt.date(1992, 7, 30),
            known_to_social_care=False,
        )
        self.child = f.child(
            given_name="Lily" + suffix, family_name="Ormerodtest", date_of_birth=dt.date(2017, 1, 4)
        )
        police = Agency.objects.filter(code="police").first()
        if police is not None:
            for number, person in enumerate((self.victim, self.perpetrator, self.child)):
                source_record_link(
                    actor="test", person=person, agency=police, record_id=f"WYP{suffix}-{number}"
                )


def incident(
    agencies: dict[str, Agency],
    household: Household,
    when: dt.datetime,
    *,
    dash: int = 15,
    risk_level: str = "high",
    child: bool = True,
) -> Event:
    people: list[tuple[Person, str]] = [
        (household.victim, "victim"),
        (household.perpetrator, "perpetrator"),
    ]
    if child:
        people.append((household.child, "child"))
    return event_record(
        type="domestic_abuse_incident",
        occurred_at=when,
        summary="Police attended: shouting, mother injured.",
        source=agencies["police"],
        participants=people,
        details={"child_present": True, "dash_yes_count": dash, "risk_level": risk_level},
        recorded_by_label="police feed",
    )


def held_meeting(
    agencies: dict[str, Agency], day: str, kind: str = "dram", **extra: Any
) -> RiskMeeting:
    chair = coordinator(agencies)
    meeting = services.risk_meeting_create(
        actor=chair, kind=kind, held_on=dt.date.fromisoformat(day), chair=chair
    )
    services.attendee_record(
        actor=chair,
        meeting=meeting,
        agency=agencies["police"],
        name="DS Fern Test",
        present=True,
        confidentiality_accepted=True,
    )
    return meeting


def discuss(case: Any, actor: User, agencies: dict[str, Agency], **extra: Any) -> Any:
    return services.meeting_case_record(
        actor=actor,
        case=case,
        version=None,
        risk_level=extra.get("risk_level", "high"),
        safety_plan="Refuge space offered; police marker on the address.",
        shares={agencies["police"]: "Two earlier call-outs this year."},
        marac_decision=extra.get("marac_decision", "refer"),
        marac_reason="DASH 15: visible high risk.",
    )
