"""Steps the chronology must show: an episode opened, an S47 enquiry completed, a front door
decision waiting for a manager, the manager sending it back, and the decision made again."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest

from sightline.casework.services.episodes import (
    assessment_complete,
    assessment_start,
    episode_open,
)
from sightline.casework.services.protection import s47_complete
from sightline.casework.tests import test_protection_builders as b
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    north_team,
    open_episode,
    referral,
    team_manager,
)
from sightline.chronology.models import Event, EventType
from sightline.chronology.selectors import person_timeline
from sightline.core.working_days import LONDON
from sightline.frontdoor.models import NeedLevel, Outcome
from sightline.frontdoor.referrer import contact_event_wording
from sightline.frontdoor.services.decisions import contact_decide, decision_return
from sightline.frontdoor.services.requests import (
    information_request_answer,
    information_request_create,
)
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

pytestmark = pytest.mark.django_db

REASON = "Universal services are meeting the child's needs; school will monitor."


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Steps")


def kinds(user, child):  # type: ignore[no-untyped-def]
    """The chronology's entries, oldest first, as the page names them."""
    return [entry.what for entry in reversed(person_timeline(user=user, person=child)[:])]


def test_opening_an_episode_from_a_referral_is_on_the_chronology(
    time_machine, agencies, ifd_practitioner, case_worker, child, north_team
):
    time_machine.move_to("2025-03-04 11:15 +00:00", tick=False)
    referral(child, agencies, reference="C-2025-000201", received="2025-03-03", source="2A")
    episode = episode_open(
        actor=ifd_practitioner,
        child=child,
        team=north_team,
        lead_social_worker=case_worker,
        contact_reference="C-2025-000201",
    )
    opened = Event.objects.get(participants__person=child, type=EventType.EPISODE_OPENED)
    assert opened.details["episode"] == episode.pk
    assert (opened.occurred_on, opened.has_time) == (dt.date(2025, 3, 3), False)
    assert north_team.name in opened.summary and "3 March 2025" in opened.summary
    assert kinds(case_worker, child)[-1] == EventType.EPISODE_OPENED.label


def test_opening_an_episode_directly_shows_the_referral_then_the_episode(
    time_machine, case_worker, child, north_team
):
    time_machine.move_to("2025-03-04 11:15 +00:00", tick=False)
    episode_open(
        actor=case_worker,
        child=child,
        team=north_team,
        referral_date=dt.date(2025, 3, 4),
        referral_source="6",
    )
    assert kinds(case_worker, child) == [
        EventType.CONTACT.label,
        EventType.EPISODE_OPENED.label,
    ]


def test_completing_an_s47_enquiry_is_on_the_chronology_on_its_date(
    time_machine, social_worker, agencies, child
):
    time_machine.move_to("2025-06-02 17:00 +01:00")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    time_machine.move_to("2025-06-10 17:00 +01:00")
    s47_complete(
        actor=social_worker,
        s47=enquiry,
        completed_date=dt.date(2025, 6, 9),
        outcome="No continuing risk of significant harm; the family accept early help.",
        icpc_not_required=True,
    )
    completed = Event.objects.get(participants__person=child, type=EventType.S47_COMPLETED)
    assert (completed.occurred_on, completed.has_time) == (dt.date(2025, 6, 9), False)
    assert "No continuing risk of significant harm; the family accept early help." in (
        completed.summary
    )
    assert "No initial child protection conference is needed." in completed.summary
    assert kinds(social_worker, child)[-1] == EventType.S47_COMPLETED.label


def test_a_decision_sent_back_by_a_manager_and_made_again_is_on_the_chronology(
    ifd_practitioner, ifd_manager, social_worker, child
):
    fd.contact(child=child, received_at=dt.datetime.now(LONDON) - dt.timedelta(days=30))
    contact = fd.contact(child=child)
    proposed = contact_decide(
        actor=ifd_practitioner, contact=contact, level=NeedLevel.L1, outcome=Outcome.NFA,
        rationale=REASON,
    )  # fmt: skip
    decision_return(
        actor=ifd_manager,
        decision=proposed,
        reason="The school reported bruising twice this term: consider early help.",
    )
    contact_decide(
        actor=ifd_practitioner, contact=contact, level=NeedLevel.L2,
        outcome=Outcome.EARLY_HELP, rationale=REASON + " Early help is offered.",
    )  # fmt: skip

    assert kinds(social_worker, child)[-3:] == [
        EventType.DECISION_AWAITING_MANAGER.label,
        EventType.DECISION_SENT_BACK.label,
        EventType.CONTACT_DECIDED.label,
    ]
    waiting = Event.objects.get(type=EventType.DECISION_AWAITING_MANAGER)
    sent_back = Event.objects.get(type=EventType.DECISION_SENT_BACK)
    assert contact.reference in waiting.summary and "No further action" in waiting.summary
    assert contact.reference in sent_back.summary and "no further action" in sent_back.summary
    assert sent_back.recorded_by == ifd_manager
    # The manager's reasons stay on the contact: partners who see the chronology do not read them.
    assert "bruising" not in sent_back.summary
    assert sent_back.details["contact_reference"] == contact.reference


# Whole text: an entry is never cut off mid-sentence ------------------------------------------

LONG = " ".join(f"Sentence {n} of what was found, with its reasons." for n in range(1, 40))


def test_an_assessment_outcome_is_recorded_whole(
    time_machine, case_worker, team_manager, child, north_team
):
    time_machine.move_to("2025-03-20 17:00 +00:00")
    episode = open_episode(case_worker, child, north_team, dt.date(2025, 3, 3))
    assessment = assessment_start(
        actor=case_worker, episode=episode, start_date=dt.date(2025, 3, 3)
    )
    assessment_complete(
        actor=team_manager, assessment=assessment, outcome=LONG,
        completed_date=dt.date(2025, 3, 20), factors=["21"],
    )  # fmt: skip
    completed = Event.objects.get(type=EventType.ASSESSMENT_COMPLETED)
    assert completed.summary.endswith(LONG)


def test_an_agency_s_answer_is_recorded_whole(agencies, ifd_practitioner, health_visitor, child):
    contact = fd.contact(child=child)
    [item] = information_request_create(
        actor=ifd_practitioner, contact=contact, agencies=[agencies["health"]],
        question="What do you know about this child and household?",
    )  # fmt: skip
    information_request_answer(
        actor=health_visitor, information_request=item, known_to_agency=True, answer=LONG * 2
    )
    shared = Event.objects.get(type=EventType.INFORMATION_SHARED)
    assert shared.summary.endswith(LONG * 2)


def test_a_contact_s_concern_is_recorded_whole(child):
    contact = fd.contact(child=child, concern=LONG)
    summary, _recorder = contact_event_wording(contact)
    assert summary.endswith(LONG)


def test_the_front_door_s_history_of_earlier_contacts_shows_each_concern_whole(
    ifd_practitioner, child
):
    from sightline.frontdoor.selectors import contacts_in_last_12_months

    earlier = fd.contact(
        child=child, concern=LONG, received_at=dt.datetime.now(LONDON) - dt.timedelta(days=30)
    )
    history = contacts_in_last_12_months(
        user=ifd_practitioner, child=child, before=dt.datetime.now(LONDON)
    )
    assert [item.summary for item in history if item.reference == earlier.reference] == [LONG]
