"""MARAC referrals: the four criteria with what each needs, consent or why not, every problem
at once; repeats found across agencies within 12 months; actions reach the chronology of the
victim and children (never the perpetrator's) and their owner's inbox."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.chronology.models import Event, EventType
from sightline.sharing.meetings import services
from sightline.sharing.meetings.models import Referral, ReferralCriterion
from sightline.sharing.models import NetworkNotification
from sightline.sharing.tests import meeting_builders as b

pytestmark = pytest.mark.django_db


def criteria(*codes, kind="marac"):
    return list(ReferralCriterion.objects.filter(meeting_kind=kind, code__in=codes))


def refer(actor, subject, *codes, **extra):
    data = {"dash_score": 15, "consent": "given", "victim_knows": True}
    data.update(extra)
    return services.referral_create(
        actor=actor, meeting_kind="marac", subject=subject, criteria=criteria(*codes), **data
    )


def test_the_four_marac_criteria_and_the_exploitation_criteria_are_data():
    assert [c.code for c in ReferralCriterion.objects.filter(meeting_kind="marac")] == [
        "dash",
        "judgement",
        "escalation",
        "repeat",
    ]
    assert ReferralCriterion.objects.get(meeting_kind="marac", code="dash").threshold == 14
    assert ReferralCriterion.objects.filter(meeting_kind="exploitation").count() >= 3


def test_every_problem_with_a_referral_is_given_at_once(police_officer):
    home = b.Household()
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=police_officer,
            meeting_kind="marac",
            subject=home.victim,
            criteria=criteria("dash", "judgement", "escalation", "repeat"),
            dash_score=9,
            judgement_reasons="",
            incidents_in_12_months=2,
            consent="not_sought",
            without_consent_reason="",
            victim_knows=False,
        )
    errors = refused.value.message_dict
    assert "score is 9" in errors["dash_score"][0]
    assert "at least 20 characters" in errors["judgement_reasons"][0]
    assert "you entered 2" in errors["incidents_in_12_months"][0]
    assert "not a repeat" in errors["criteria"][0]
    assert "without consent" in errors["without_consent_reason"][0]
    assert not Referral.objects.exists()


def test_consent_given_with_a_reason_for_sharing_without_it_is_refused(police_officer):
    home = b.Household()
    with pytest.raises(ValidationError, match="remove the reason"):
        refer(police_officer, home.victim, "dash", without_consent_reason="Risk of serious harm.")


def test_a_second_referral_from_another_agency_within_12_months_is_a_repeat(
    police_officer, health_visitor, time_machine
):
    home = b.Household()
    time_machine.move_to(b.at("2025-01-10"))
    first = refer(police_officer, home.victim, "dash")
    assert not first.is_repeat
    time_machine.move_to(b.at("2025-09-01"))
    second = refer(
        health_visitor,
        home.victim,
        "judgement",
        dash_score=None,
        judgement_reasons="She told the health visitor he has threatened to kill her.",
    )
    assert second.repeat_of == first
    assert second.agency != first.agency
    assert {c.code for c in second.criteria.all()} == {"judgement", "repeat"}
    time_machine.move_to(b.at("2026-08-31"))
    third = refer(police_officer, home.victim, "dash")
    assert third.repeat_of == second  # within 12 months of the last referral
    time_machine.move_to(b.at("2027-09-03"))
    assert not refer(police_officer, home.victim, "dash").is_repeat


def test_the_safe_contact_details_are_never_in_the_audit_trail(police_officer):
    from sightline.core.models import AuditEntry

    home = b.Household()
    refer(police_officer, home.victim, "dash", safe_contact="CANARY-07700-900123 after 6pm")
    assert not [
        e for e in AuditEntry.objects.all() if "CANARY" in str(e.detail) + e.reason + e.action
    ]


def test_an_action_reaches_its_owner_and_the_childs_chronology_not_the_perpetrators(
    agencies, police_officer, time_machine
):
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    dram = b.held_meeting(agencies, "2025-03-03")
    case = dram.cases.get()
    coordinator = b.coordinator(agencies)
    b.discuss(case, coordinator, agencies)
    services.meeting_action_add(
        actor=coordinator,
        case=case,
        agency=agencies["police"],
        owner=police_officer,
        what="Tell the school's DSL and agree a safe adult for Lily.",
        protects="child",
        due_on=dt.date(2025, 3, 5),
    )
    [note] = NetworkNotification.objects.filter(recipient=police_officer)
    assert note.kind == "dram-action"
    assert note.due_at.date() == dt.date(2025, 3, 5)
    assert set(note.persons.all()) == {home.victim, home.child}
    action_events = Event.objects.filter(type=EventType.RISK_MEETING_ACTION)
    [event] = action_events
    people = set(event.participants.values_list("person_id", flat=True))
    assert people == {home.victim.pk, home.child.pk}
    assert "3 March 2025" in event.summary and "Tell the school's DSL" in event.summary
    assert Event.objects.filter(
        type=EventType.RISK_MEETING_CASE, participants__person=home.child
    ).exists()


def test_an_action_owner_must_work_for_the_agency_and_every_problem_shows(
    agencies, health_visitor, time_machine
):
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    dram = b.held_meeting(agencies, "2025-03-03")
    with pytest.raises(ValidationError) as refused:
        services.meeting_action_add(
            actor=b.coordinator(agencies),
            case=dram.cases.get(),
            agency=agencies["police"],
            owner=health_visitor,
            what=" ",
            protects="nobody",
            due_on=dt.date(2025, 3, 1),
        )
    assert set(refused.value.message_dict) == {"owner", "what", "protects", "due_on"}


def test_a_case_cannot_be_recorded_before_anyone_accepted_the_confidentiality_statement(
    agencies, time_machine
):
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    chair = b.coordinator(agencies)
    dram = services.risk_meeting_create(
        actor=chair, kind="dram", held_on=dt.date(2025, 3, 3), chair=chair
    )
    with pytest.raises(ValidationError, match="confidentiality statement"):
        b.discuss(dram.cases.get(), chair, agencies)
    with pytest.raises(ValidationError, match="confidentiality statement"):
        services.attendee_record(
            actor=chair,
            meeting=dram,
            agency=agencies["police"],
            name="DS Fern Test",
            present=True,
            confidentiality_accepted=False,
        )


def test_the_exploitation_meeting_uses_its_own_criteria_and_actions(
    agencies, police_officer, social_worker, time_machine
):
    time_machine.move_to(b.at("2025-03-05", "09:00"))
    child = b.Household().child
    with pytest.raises(ValidationError, match="Select at least one criterion"):
        services.referral_create(
            actor=social_worker,
            meeting_kind="exploitation",
            subject=child,
            criteria=criteria("dash"),  # a MARAC criterion: not the exploitation meeting's
            consent="not_sought",
            without_consent_reason="Telling the child's contacts would raise the risk of harm.",
            victim_knows=None,
        )
    referral = services.referral_create(
        actor=social_worker,
        meeting_kind="exploitation",
        subject=child,
        criteria=criteria("missing", "cce", kind="exploitation"),
        incidents_in_12_months=4,
        judgement_reasons="Found with older teenagers far from home carrying cash and phones.",
        consent="not_sought",
        without_consent_reason="Telling the child's contacts would raise the risk of harm.",
        victim_knows=None,
    )
    coordinator = b.coordinator(agencies)
    meeting = b.held_meeting(agencies, "2025-03-06", kind="exploitation")
    assert meeting.minutes_due_on == dt.date(2025, 3, 11)
    case = services.referral_list_at(actor=coordinator, meeting=meeting, referral=referral)
    services.meeting_case_record(
        actor=coordinator,
        case=case,
        version=None,
        risk_level="high",
        safety_plan="Disruption notices; return home interviews after every missing episode.",
        shares={agencies["police"]: "Seen at two addresses linked to county lines."},
    )
    services.meeting_action_add(
        actor=coordinator,
        case=case,
        agency=agencies["police"],
        owner=police_officer,
        what="Serve child abduction warning notices.",
        protects="child",
        due_on=dt.date(2025, 3, 13),
    )
    [note] = NetworkNotification.objects.filter(recipient=police_officer)
    assert note.kind == "exploitation-action"
    with pytest.raises(ValidationError, match="referral to the MARAC|already on"):
        services.referral_list_at(actor=coordinator, meeting=meeting, referral=referral)
