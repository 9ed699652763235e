"""Partner information requests: asked by the front door, answered only by the named agency."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sightline.chronology.models import Event, EventType, Participant
from sightline.core.models import AuditEntry
from sightline.frontdoor.models import InformationRequest
from sightline.frontdoor.services.requests import (
    information_request_answer,
    information_request_create,
)
from sightline.frontdoor.services.triage import contact_identify_child
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

LONDON = ZoneInfo("Europe/London")
QUESTION = "What do you know about this child and household?"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def ask(actor, contact, *agencies, question: str = QUESTION):  # type: ignore[no-untyped-def]
    return information_request_create(
        actor=actor, contact=contact, agencies=list(agencies), question=question
    )


def test_a_request_made_on_a_friday_afternoon_is_due_after_the_bank_holiday(
    time_machine, agencies, ifd_practitioner
):
    time_machine.move_to(dt.datetime(2025, 5, 2, 15, 0, tzinfo=LONDON), tick=False)
    [item] = ask(ifd_practitioner, fd.contact(child=f.child()), agencies["health"])
    # Two working hours on Friday, Monday 5 May is a bank holiday, two more on Tuesday.
    assert item.due_at == dt.datetime(2025, 5, 6, 11, 0, tzinfo=LONDON)


def test_the_deadline_follows_the_local_setting(time_machine, settings, agencies, ifd_practitioner):
    settings.INFORMATION_REQUEST_WORKING_HOURS = 2
    time_machine.move_to(dt.datetime(2025, 6, 10, 10, 0, tzinfo=LONDON), tick=False)
    [item] = ask(ifd_practitioner, fd.contact(), agencies["police"])
    assert item.due_at == dt.datetime(2025, 6, 10, 12, 0, tzinfo=LONDON)


def test_each_agency_asked_is_emailed_and_each_request_goes_on_the_chronology(
    agencies, ifd_practitioner, django_capture_on_commit_callbacks
):
    child = f.child(given_name="Ruby", family_name="Testwell")
    contact = fd.contact(child=child)

    with django_capture_on_commit_callbacks(execute=True):
        sent = ask(ifd_practitioner, contact, agencies["health"], agencies["police"])

    assert {item.agency.code for item in sent} == {"health", "police"}
    recipients = {message.to[0] for message in mail.outbox}
    assert {"health@example.org", "police@example.org"} <= recipients
    for message in mail.outbox:
        assert "Ruby" not in message.body  # the email never names the child
    events = Event.objects.filter(type=EventType.INFORMATION_REQUESTED)
    assert events.count() == 2
    assert all(event.people.get() == child for event in events)


def test_the_front_door_asks_through_a_checkbox_list_of_agencies(agencies, ifd_practitioner):
    contact = fd.contact(child=f.child())
    client = signed_in(ifd_practitioner)
    url = reverse("frontdoor:request-new", args=[contact.pk])

    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Which agencies' in html
    assert 'type="checkbox"' in html

    response = client.post(
        url, {"agencies": [agencies["school"].pk, agencies["health"].pk], "question": QUESTION}
    )
    assert response.status_code == 302
    assert set(contact.information_requests.values_list("agency__code", flat=True)) == {
        "school",
        "health",
    }


def test_a_request_needs_an_agency_and_a_question(agencies, ifd_practitioner):
    contact = fd.contact()
    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:request-new", args=[contact.pk]), {"question": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one agency to ask" in html
    assert "Enter what you want the agencies to tell you" in html
    assert not InformationRequest.objects.exists()


def test_the_same_agency_is_not_asked_twice_about_one_contact(agencies, ifd_practitioner):
    contact = fd.contact()
    ask(ifd_practitioner, contact, agencies["health"])
    with pytest.raises(ValidationError, match="already asked Northmoor Community Health"):
        ask(ifd_practitioner, contact, agencies["health"], agencies["police"])
    assert contact.information_requests.count() == 1


def test_only_the_front_door_can_ask(agencies, health_visitor):
    with pytest.raises(PermissionDenied):
        ask(health_visitor, fd.contact(), agencies["police"])


def test_a_request_can_be_made_before_the_child_is_identified(agencies, ifd_practitioner):
    contact = fd.contact(child=None, child_details={"given_name": "Milo", "family_name": "Test"})
    [item] = ask(ifd_practitioner, contact, agencies["health"])
    event = Event.objects.get(type=EventType.INFORMATION_REQUESTED)
    assert not event.people.exists()

    child = f.child(given_name="Milo", family_name="Test")
    contact_identify_child(actor=ifd_practitioner, contact=contact, child=child)

    assert list(event.people.all()) == [child]
    assert item.contact.child_details["given_name"] == "Milo"


# The agency's inbox and answer --------------------------------------------------------------


def test_an_agency_sees_only_its_own_requests_open_first(
    time_machine, agencies, ifd_practitioner, health_visitor
):
    time_machine.move_to(dt.datetime(2025, 6, 10, 9, 0, tzinfo=LONDON), tick=False)
    first = fd.contact(child=f.child(given_name="First"))
    second = fd.contact(child=f.child(given_name="Second"))
    police_only = fd.contact(child=f.child(given_name="Policeonly"))
    [answered] = ask(ifd_practitioner, first, agencies["health"])
    information_request_answer(
        actor=health_visitor, information_request=answered, known_to_agency=False, answer="None."
    )
    time_machine.move_to(dt.datetime(2025, 6, 10, 10, 0, tzinfo=LONDON), tick=False)
    [open_one] = ask(ifd_practitioner, second, agencies["health"])
    ask(ifd_practitioner, police_only, agencies["police"])
    time_machine.move_to(dt.datetime(2025, 6, 10, 15, 0, tzinfo=LONDON), tick=False)

    response = signed_in(health_visitor).get(reverse("frontdoor:requests"))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index(second.reference) < html.index(first.reference)
    assert police_only.reference not in html
    open_row = html.split(second.reference, 1)[1].split("</tr>", 1)[0]
    assert ">Overdue</strong>" in open_row
    answered_row = html.split(first.reference, 1)[1].split("</tr>", 1)[0]
    assert ">Overdue</strong>" not in answered_row
    assert ">Answered</strong>" in answered_row
    assert AuditEntry.objects.filter(kind="list", action="information_requests.listed").exists()
    assert open_one.due_at == dt.datetime(2025, 6, 10, 14, 0, tzinfo=LONDON)


def test_an_agency_sees_the_concern_and_the_childs_details_but_not_the_referrer(
    agencies, ifd_practitioner, health_visitor
):
    child = f.child(given_name="Ruby", family_name="Testwell", nhs_number="")
    contact = fd.contact(
        child=child,
        referrer_name="Pat Neighbour",
        concern="Shouting every night.",
        child_voice="Secret voice words",
    )
    [item] = ask(ifd_practitioner, contact, agencies["health"])

    response = signed_in(health_visitor).get(reverse("frontdoor:request-answer", args=[item.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Ruby Testwell" in html
    assert "14 March 2018" in html
    assert "Shouting every night." in html
    assert "Pat Neighbour" not in html
    assert "Secret voice words" not in html
    assert AuditEntry.objects.filter(
        action="information_request.viewed", person_id=child.pk
    ).exists()


def test_another_agency_cannot_open_the_request(agencies, ifd_practitioner, police_officer):
    [item] = ask(ifd_practitioner, fd.contact(), agencies["health"])
    response = signed_in(police_officer).get(reverse("frontdoor:request-answer", args=[item.pk]))
    assert response.status_code == 404


def test_another_agency_cannot_answer(agencies, ifd_practitioner, police_officer):
    [item] = ask(ifd_practitioner, fd.contact(), agencies["health"])
    with pytest.raises(PermissionDenied):
        information_request_answer(
            actor=police_officer, information_request=item, known_to_agency=True, answer="Hi"
        )
    response = signed_in(police_officer).post(
        reverse("frontdoor:request-answer", args=[item.pk]),
        {"known_to_agency": "yes", "answer": "We know them."},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.answered_at is None


def test_an_answer_becomes_information_shared_on_the_childs_chronology(
    agencies, ifd_practitioner, health_visitor
):
    child = f.child()
    contact = fd.contact(child=child)
    [item] = ask(ifd_practitioner, contact, agencies["health"])

    response = signed_in(health_visitor).post(
        reverse("frontdoor:request-answer", args=[item.pk]),
        {"known_to_agency": "yes", "answer": "Seen by the health visitor in May; missed 2 checks."},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.known_to_agency is True
    assert item.answered_by == health_visitor
    event = Event.objects.get(type=EventType.INFORMATION_SHARED)
    assert event.source == agencies["health"]
    assert event.recorded_by == health_visitor
    assert "missed 2 checks" in event.summary
    assert Participant.objects.filter(event=event, person=child, role="child").exists()
    # The front door sees the answer on the contact.
    html = (
        signed_in(ifd_practitioner)
        .get(reverse("frontdoor:contact", args=[contact.pk]))
        .content.decode()
    )
    assert "missed 2 checks" in html


def test_an_answer_must_say_what_the_agency_knows(agencies, ifd_practitioner, health_visitor):
    [item] = ask(ifd_practitioner, fd.contact(), agencies["health"])
    response = signed_in(health_visitor).post(
        reverse("frontdoor:request-answer", args=[item.pk]), {"answer": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter what your agency knows, or that you have no record" in html
    assert "Select yes if your agency knows this child or household" in html


def test_an_answered_request_cannot_be_answered_again(agencies, ifd_practitioner, health_visitor):
    [item] = ask(ifd_practitioner, fd.contact(), agencies["health"])
    information_request_answer(
        actor=health_visitor, information_request=item, known_to_agency=False, answer="No record."
    )

    with pytest.raises(ValidationError, match="already been answered"):
        information_request_answer(
            actor=health_visitor, information_request=item, known_to_agency=True, answer="Oh."
        )
    response = signed_in(health_visitor).post(
        reverse("frontdoor:request-answer", args=[item.pk]),
        {"known_to_agency": "yes", "answer": "Changed my mind."},
    )

    assert response.status_code == 400
    assert "already been answered" in response.content.decode()
    item.refresh_from_db()
    assert item.answer == "No record."
    assert Event.objects.filter(type=EventType.INFORMATION_SHARED).count() == 1


def test_a_user_without_an_agency_has_an_empty_inbox(agencies, partnership_officer):
    response = signed_in(partnership_officer).get(reverse("frontdoor:requests"))
    assert response.status_code == 200
    assert "not linked to an agency" in response.content.decode()
