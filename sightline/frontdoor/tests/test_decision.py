"""Deciding a contact: reasons, the manager's authorisation of repeat NFA, the referrer told."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sightline.chronology.models import Event, EventType
from sightline.core.models import AuditEntry, Notification
from sightline.frontdoor.models import Contact, Decision, NeedLevel, Outcome
from sightline.frontdoor.services import decisions
from sightline.frontdoor.services.decisions import (
    contact_decide,
    decision_authorise,
    decision_return,
)
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

LONDON = ZoneInfo("Europe/London")
REASON = "Universal services are meeting the child's needs; school will monitor."


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def decide(actor, contact, outcome=Outcome.NFA, level=NeedLevel.L1, rationale=REASON):  # type: ignore[no-untyped-def]
    return contact_decide(
        actor=actor, contact=contact, level=level, outcome=outcome, rationale=rationale
    )


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child()


@pytest.fixture
def child_with_contact_last_month(child):  # type: ignore[no-untyped-def]
    fd.contact(child=child, received_at=dt.datetime.now(LONDON) - dt.timedelta(days=30))
    return child


# The reasons and the child ------------------------------------------------------------------


def test_it_rejects_a_decision_without_a_reason(ifd_practitioner, child):
    contact = fd.contact(child=child)
    with pytest.raises(ValidationError, match="Say why you made this decision"):
        decide(ifd_practitioner, contact, rationale="   ")
    assert not Decision.objects.exists()


def test_the_decide_page_asks_for_the_reason_in_an_error_summary(ifd_practitioner, child):
    contact = fd.contact(child=child)
    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-decide", args=[contact.pk]),
        {"level": "L2", "outcome": "advice", "rationale": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "Say why you made this decision" in html
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_DECISION


def test_the_child_must_be_identified_before_a_decision(agencies, ifd_practitioner):
    contact = fd.contact(child=None)
    with pytest.raises(ValidationError, match="Identify the child before you decide"):
        decide(ifd_practitioner, contact, outcome=Outcome.ADVICE)
    html = (
        signed_in(ifd_practitioner)
        .get(reverse("frontdoor:contact-decide", args=[contact.pk]))
        .content.decode()
    )
    assert reverse("frontdoor:contact-child", args=[contact.pk]) in html
    assert 'name="rationale"' not in html


def test_only_the_front_door_decides(health_visitor, social_worker, child):
    contact = fd.contact(child=child)
    for user in (health_visitor, social_worker):
        with pytest.raises(PermissionDenied):
            decide(user, contact, outcome=Outcome.ADVICE)
        url = reverse("frontdoor:contact-decide", args=[contact.pk])
        assert signed_in(user).get(url).status_code == 403


def test_the_decide_page_shows_the_childs_earlier_contacts(
    ifd_practitioner, child_with_contact_last_month
):
    earlier = Contact.objects.get(child=child_with_contact_last_month)
    contact = fd.contact(child=child_with_contact_last_month)
    html = (
        signed_in(ifd_practitioner)
        .get(reverse("frontdoor:contact-decide", args=[contact.pk]))
        .content.decode()
    )
    assert earlier.reference in html
    assert "Contacts about this child in the last 12 months" in html


# A final decision ---------------------------------------------------------------------------


def test_a_decision_is_final_and_goes_on_the_childs_chronology(ifd_practitioner, child):
    contact = fd.contact(child=child)

    decision = decide(ifd_practitioner, contact, outcome=Outcome.EARLY_HELP, level=NeedLevel.L3)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED
    assert not decision.needs_authorisation
    event = Event.objects.get(type=EventType.CONTACT_DECIDED)
    assert list(event.people.all()) == [child]
    assert event.details == {
        "outcome": "early_help",
        "level": "L3",
        "contact_reference": contact.reference,
    }
    assert AuditEntry.objects.filter(action="contact.decided", person_id=child.pk).exists()


def test_a_strategy_discussion_is_a_referral_on_the_chronology(ifd_practitioner, child):
    contact = fd.contact(child=child)
    decide(ifd_practitioner, contact, outcome=Outcome.STRATEGY, level=NeedLevel.L4)
    event = Event.objects.get(type=EventType.CONTACT_DECIDED)
    assert event.details["outcome"] == "referral"
    assert event.details["strategy"] is True


def test_deciding_twice_is_refused(ifd_practitioner, child):
    contact = fd.contact(child=child)
    decide(ifd_practitioner, contact, outcome=Outcome.ADVICE)
    with pytest.raises(ValidationError, match="cannot be decided twice"):
        decide(ifd_practitioner, contact, outcome=Outcome.REFERRAL)
    assert Decision.objects.get().outcome == Outcome.ADVICE
    assert Event.objects.filter(type=EventType.CONTACT_DECIDED).count() == 1


def test_the_decide_page_records_a_decision_and_returns_to_the_queue(ifd_practitioner, child):
    contact = fd.contact(child=child)
    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-decide", args=[contact.pk]),
        {
            "level": "L4",
            "outcome": "referral",
            "rationale": "Injury with no explanation and a child who is afraid to go home.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:queue")
    assert Decision.objects.get(contact=contact).outcome == Outcome.REFERRAL


def test_nothing_is_half_saved_when_recording_the_decision_fails(
    monkeypatch, ifd_practitioner, child
):
    contact = fd.contact(child=child)

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("chronology unavailable")

    monkeypatch.setattr(decisions, "event_record", broken)
    with pytest.raises(RuntimeError):
        decide(ifd_practitioner, contact, outcome=Outcome.REFERRAL, level=NeedLevel.L4)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_DECISION
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action="contact.decided").exists()
    assert not Notification.objects.filter(topic="contact.outcome").exists()


# Manager authorisation of no further action -------------------------------------------------


def test_nfa_for_a_child_with_no_other_contact_this_year_is_final_at_once(ifd_practitioner, child):
    fd.contact(child=child, received_at=dt.datetime.now(LONDON) - dt.timedelta(days=400))
    contact = fd.contact(child=child)

    decision = decide(ifd_practitioner, contact)

    contact.refresh_from_db()
    assert not decision.needs_authorisation
    assert contact.status == Contact.Status.DECIDED


def test_nfa_for_a_child_with_another_contact_this_year_waits_for_a_manager(
    ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)

    decision = decide(ifd_practitioner, contact)

    contact.refresh_from_db()
    assert decision.needs_authorisation
    assert decision.authorised_by is None
    assert contact.status == Contact.Status.AWAITING_AUTHORISATION
    assert not Event.objects.filter(type=EventType.CONTACT_DECIDED).exists()
    assert Notification.objects.filter(
        recipient_user=ifd_manager, topic="decision.needs_authorisation"
    ).exists()


def test_a_contact_that_arrived_by_an_agency_feed_counts_as_an_earlier_contact(
    ifd_practitioner, child, agencies
):
    from sightline.chronology.services import event_record

    event_record(
        type=EventType.CONTACT,
        occurred_at=dt.datetime.now(LONDON) - dt.timedelta(days=60),
        summary="Contact from the school's system",
        source=agencies["school"],
        participants=[(child, "child")],
        recorded_by_label="School system",
        details={"outcome": "nfa"},
        source_event_id="SCH-1",
    )
    contact = fd.contact(child=child)
    assert decide(ifd_practitioner, contact).needs_authorisation


def test_other_outcomes_never_need_a_manager(ifd_practitioner, child_with_contact_last_month):
    contact = fd.contact(child=child_with_contact_last_month)
    decision = decide(ifd_practitioner, contact, outcome=Outcome.ADVICE, level=NeedLevel.L2)
    assert not decision.needs_authorisation


def test_a_manager_who_decides_nfa_authorises_it_at_once(
    ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)

    decision = decide(ifd_manager, contact)

    contact.refresh_from_db()
    assert decision.needs_authorisation
    assert decision.authorised_by == ifd_manager
    assert contact.status == Contact.Status.DECIDED
    assert Event.objects.filter(type=EventType.CONTACT_DECIDED).count() == 1


def test_a_manager_authorises_the_decision_and_it_becomes_final(
    ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)
    decide(ifd_practitioner, contact)

    response = signed_in(ifd_manager).post(
        reverse("frontdoor:contact-authorise", args=[contact.pk]), {"action": "authorise"}
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    decision = Decision.objects.get(contact=contact)
    assert contact.status == Contact.Status.DECIDED
    assert decision.authorised_by == ifd_manager
    assert Event.objects.get(type=EventType.CONTACT_DECIDED).details["outcome"] == "nfa"


def test_a_manager_sends_a_decision_back_with_a_reason(
    ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)
    decide(ifd_practitioner, contact)
    client = signed_in(ifd_manager)
    url = reverse("frontdoor:contact-authorise", args=[contact.pk])

    missing = client.post(url, {"action": "return", "reason": ""})
    assert missing.status_code == 400
    assert "Say what needs to change" in missing.content.decode()

    response = client.post(url, {"action": "return", "reason": "Ask the school first."})

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_DECISION
    assert not Decision.objects.filter(contact=contact).exists()
    entry = AuditEntry.objects.get(action="decision.returned")
    assert entry.detail["returned_decision"]["rationale"] == REASON
    assert Notification.objects.filter(
        recipient_user=ifd_practitioner, topic="decision.returned"
    ).exists()
    # The practitioner sees why, and can decide again.
    html = (
        signed_in(ifd_practitioner)
        .get(reverse("frontdoor:contact", args=[contact.pk]))
        .content.decode()
    )
    assert "Ask the school first." in html
    decide(ifd_practitioner, contact, outcome=Outcome.EARLY_HELP, level=NeedLevel.L3)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED


def test_only_a_manager_authorises(ifd_practitioner, child_with_contact_last_month):
    contact = fd.contact(child=child_with_contact_last_month)
    decision = decide(ifd_practitioner, contact)
    with pytest.raises(PermissionDenied):
        decision_authorise(actor=ifd_practitioner, decision=decision)
    with pytest.raises(PermissionDenied):
        decision_return(actor=ifd_practitioner, decision=decision, reason="No")
    url = reverse("frontdoor:contact-authorise", args=[contact.pk])
    assert signed_in(ifd_practitioner).get(url).status_code == 403


def test_a_decision_waiting_for_a_manager_cannot_be_decided_again(
    ifd_practitioner, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)
    decide(ifd_practitioner, contact)
    with pytest.raises(ValidationError, match="already waiting for a manager"):
        decide(ifd_practitioner, contact, outcome=Outcome.REFERRAL)


def test_the_queue_shows_a_contact_awaiting_authorisation_to_a_manager(
    ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month)
    decide(ifd_practitioner, contact)
    html = signed_in(ifd_manager).get(reverse("frontdoor:queue")).content.decode()
    assert "Awaiting manager authorisation" in html
    assert reverse("frontdoor:contact-authorise", args=[contact.pk]) in html


# Telling the referrer -----------------------------------------------------------------------


def test_the_referrer_is_told_the_outcome_in_plain_words(
    police_officer, ifd_practitioner, child, django_capture_on_commit_callbacks
):
    contact = fd.contact(child=child, referrer=police_officer)

    with django_capture_on_commit_callbacks(execute=True):
        decide(ifd_practitioner, contact, outcome=Outcome.REFERRAL, level=NeedLevel.L4)

    [message] = [m for m in mail.outbox if m.to == [police_officer.email]]
    assert contact.reference in message.subject
    assert "Children's social care will assess the child's needs." in message.body
    assert child.given_name not in message.body
    assert child.family_name not in message.body
    assert REASON not in message.body


def test_a_member_of_the_public_who_gave_an_email_is_told(
    ifd_practitioner, child, django_capture_on_commit_callbacks
):
    contact = fd.contact(child=child, referrer_email="worried.neighbour@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        decide(ifd_practitioner, contact, outcome=Outcome.ADVICE, level=NeedLevel.L2)
    assert [m.to for m in mail.outbox if "what happens next" in m.subject] == [
        ["worried.neighbour@example.org"]
    ]


def test_an_anonymous_referrer_is_never_contacted(
    ifd_practitioner, child, django_capture_on_commit_callbacks
):
    contact = fd.contact(child=child, anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(ifd_practitioner, contact, outcome=Outcome.ADVICE, level=NeedLevel.L2)
    assert not [m for m in mail.outbox if "what happens next" in m.subject]
    assert not Notification.objects.filter(topic="contact.outcome").exists()


def test_the_referrer_is_told_only_once_the_manager_authorises(
    police_officer, ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    contact = fd.contact(child=child_with_contact_last_month, referrer=police_officer)
    decision = decide(ifd_practitioner, contact)
    assert not Notification.objects.filter(topic="contact.outcome").exists()

    decision_authorise(actor=ifd_manager, decision=decision)

    outcome = Notification.objects.get(topic="contact.outcome")
    assert outcome.recipient_email == police_officer.email
    assert "will not take further action" in outcome.body


def test_sending_back_a_decision_already_authorised_names_both_problems_at_once(
    ifd_practitioner, ifd_manager, child_with_contact_last_month
):
    """A second manager sending back, with no reason, a decision the first already agreed is
    told both at once: it is no longer waiting, and a return needs a reason."""
    contact = fd.contact(child=child_with_contact_last_month)
    decision = decide(ifd_practitioner, contact)
    decision_authorise(actor=ifd_manager, decision=decision)
    with pytest.raises(ValidationError) as refused:
        decision_return(actor=ifd_manager, decision=decision, reason=" ")
    assert refused.value.message_dict == {
        "__all__": ["This decision is not waiting for authorisation."],
        "reason": ["Say what needs to change before this can be agreed"],
    }
