"""The contact page, claiming and handing over a contact, and identifying the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sightline.chronology.models import EventType, Participant
from sightline.core.models import AuditEntry, Notification
from sightline.frontdoor.models import Contact, LawfulBasis
from sightline.frontdoor.services.triage import (
    contact_claim,
    contact_identify_child,
    contact_reassign,
)
from sightline.people.models import Person, SourceRecord
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page(contact: Contact) -> str:
    return reverse("frontdoor:contact", args=[contact.pk])


# The contact page ---------------------------------------------------------------------------


def test_the_contact_page_shows_everything_the_contact_says(agencies, ifd_practitioner):
    child = f.child(given_name="Ruby", family_name="Testwell")
    contact = fd.contact(
        child=child,
        referrer_name="Pat Neighbour",
        referrer_email="pat@example.org",
        concern="Shouting every night and the child is often outside late.",
        child_voice="I don't like it when they shout.",
        child_presentation="Quiet, wearing summer clothes in the cold.",
        actions_taken="Called the police on Tuesday.",
        lawful_basis=LawfulBasis.SAFEGUARDING,
        consent="not_sought",
    )

    response = signed_in(ifd_practitioner).get(page(contact))
    html = response.content.decode()

    assert response.status_code == 200
    for text in (
        contact.reference,
        "Shouting every night",
        "I don&#x27;t like it when they shout.",
        "wearing summer clothes",
        "Called the police on Tuesday.",
        "Safeguarding children",
        "I did not ask, because asking could put the child at risk",
        "Pat Neighbour",
        "pat@example.org",
    ):
        assert text in html
    assert reverse("chronology:person", args=[child.pk]) in html


def test_reading_a_contact_is_recorded_against_the_child(agencies, ifd_practitioner):
    child = f.child()
    contact = fd.contact(child=child)

    signed_in(ifd_practitioner).get(page(contact))

    entry = AuditEntry.objects.get(action="contact.viewed")
    assert entry.kind == "read"
    assert entry.person_id == child.pk
    assert entry.actor == ifd_practitioner


def test_an_anonymous_referrer_stays_anonymous_on_the_contact_page(agencies, ifd_practitioner):
    contact = fd.contact(anonymous=True)
    html = signed_in(ifd_practitioner).get(page(contact)).content.decode()
    assert "Anonymous" in html
    assert "Jo Public" not in html


def test_the_contact_page_shows_the_childs_other_contacts_this_year(agencies, ifd_practitioner):
    child = f.child()
    earlier = fd.contact(
        child=child, received_at=dt.datetime(2025, 1, 10, 10, tzinfo=dt.UTC), concern="Earlier"
    )
    too_old = fd.contact(
        child=child, received_at=dt.datetime(2024, 1, 9, 10, tzinfo=dt.UTC), concern="Too old"
    )
    contact = fd.contact(child=child, received_at=dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC))

    html = signed_in(ifd_practitioner).get(page(contact)).content.decode()

    assert earlier.reference in html
    assert too_old.reference not in html
    assert "1 earlier contact in the 12 months before this one" in html


@pytest.mark.parametrize("persona", ["health_visitor", "police_officer", "outsider"])
def test_an_agency_practitioner_cannot_open_the_front_door_record(request, agencies, persona):
    contact = fd.contact(child=f.child())
    user = request.getfixturevalue(persona)

    assert signed_in(user).get(page(contact)).status_code == 403
    assert not AuditEntry.objects.filter(action="contact.viewed").exists()


def test_a_contact_that_does_not_exist_is_not_found(agencies, ifd_practitioner):
    assert signed_in(ifd_practitioner).get("/front-door/contacts/999999/").status_code == 404


# Claim and reassign -------------------------------------------------------------------------


def test_a_practitioner_claims_a_contact_from_its_page(agencies, ifd_practitioner):
    contact = fd.contact()

    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-claim", args=[contact.pk])
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.claimed_by == ifd_practitioner
    assert contact.claimed_at is not None
    assert AuditEntry.objects.filter(action="contact.claimed", object_id=str(contact.pk)).exists()


def test_claiming_needs_a_post(agencies, ifd_practitioner):
    contact = fd.contact()
    response = signed_in(ifd_practitioner).get(
        reverse("frontdoor:contact-claim", args=[contact.pk])
    )
    assert response.status_code == 405


def test_a_contact_someone_else_has_claimed_cannot_be_claimed_again(
    agencies, ifd_practitioner, ifd_manager
):
    contact = fd.contact()
    contact_claim(actor=ifd_manager, contact=contact)

    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-claim", args=[contact.pk])
    )

    assert response.status_code == 400
    assert "is already working on this contact" in response.content.decode()
    contact.refresh_from_db()
    assert contact.claimed_by == ifd_manager


def test_only_the_front_door_can_claim(agencies, health_visitor):
    with pytest.raises(PermissionDenied):
        contact_claim(actor=health_visitor, contact=fd.contact())


def test_a_contact_is_given_to_a_colleague_who_is_told(agencies, ifd_practitioner, ifd_manager):
    contact = fd.contact()
    contact_claim(actor=ifd_manager, contact=contact)

    response = signed_in(ifd_manager).post(
        reverse("frontdoor:contact-reassign", args=[contact.pk]), {"to": ifd_practitioner.pk}
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.claimed_by == ifd_practitioner
    entry = AuditEntry.objects.get(action="contact.reassigned")
    assert entry.detail == {"from": ifd_manager.pk, "to": ifd_practitioner.pk}
    assert Notification.objects.filter(
        recipient_user=ifd_practitioner, topic="contact.reassigned"
    ).exists()


def test_a_contact_can_only_be_given_to_someone_at_the_front_door(
    agencies, ifd_practitioner, social_worker
):
    contact = fd.contact()
    with pytest.raises(ValidationError, match="works at the front door"):
        contact_reassign(actor=ifd_practitioner, contact=contact, to=social_worker)

    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-reassign", args=[contact.pk]), {"to": social_worker.pk}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    contact.refresh_from_db()
    assert contact.claimed_by is None


def test_the_reassign_list_offers_only_front_door_colleagues(
    agencies, ifd_practitioner, ifd_manager, social_worker
):
    html = signed_in(ifd_practitioner).get(page(fd.contact())).content.decode()
    select = html.split('name="to"', 1)[1].split("</select>", 1)[0]
    assert ifd_manager.get_full_name() in select
    assert social_worker.get_full_name() not in select


# Identify the child -------------------------------------------------------------------------


def test_identifying_the_child_puts_the_contact_on_their_chronology(agencies, ifd_practitioner):
    child = f.child(given_name="Ava", family_name="Testchild", known_to_social_care=False)
    contact = fd.contact(child=None)

    contact_identify_child(actor=ifd_practitioner, contact=contact, child=child)

    contact.refresh_from_db()
    assert contact.child == child
    assert Participant.objects.filter(event=contact.event, person=child, role="child").exists()
    assert SourceRecord.objects.filter(person=child, agency__kind="social_care").exists()
    assert AuditEntry.objects.filter(action="contact.child_identified", person_id=child.pk).exists()


def test_a_child_already_identified_is_not_silently_replaced(agencies, ifd_practitioner):
    contact = fd.contact(child=f.child())
    other = f.child(given_name="Someone", family_name="Else")
    with pytest.raises(ValidationError, match="already about"):
        contact_identify_child(actor=ifd_practitioner, contact=contact, child=other)


def test_an_adult_cannot_be_the_child_of_a_contact(agencies, ifd_practitioner):
    with pytest.raises(ValidationError, match="recorded as an adult"):
        contact_identify_child(actor=ifd_practitioner, contact=fd.contact(), child=f.adult())


def test_the_front_door_searches_for_the_child_and_chooses_them(agencies, ifd_practitioner):
    child = f.child(given_name="Ava", family_name="Testchild", known_to_social_care=False)
    contact = fd.contact(child=None)
    client = signed_in(ifd_practitioner)
    url = reverse("frontdoor:contact-child", args=[contact.pk])

    results = client.get(url, {"search": "1", "name": "Ava Testchild"})
    assert results.status_code == 200
    assert "Ava Testchild" in results.content.decode()
    assert AuditEntry.objects.filter(action="people.searched").exists()

    chosen = client.post(url, {"action": "choose", "person_id": child.pk})
    assert chosen.status_code == 302
    contact.refresh_from_db()
    assert contact.child == child


def test_the_search_form_starts_with_what_the_referrer_said(agencies, ifd_practitioner):
    contact = fd.contact(child_details={"given_name": "Milo", "family_name": "Testkid"})
    html = (
        signed_in(ifd_practitioner)
        .get(reverse("frontdoor:contact-child", args=[contact.pk]))
        .content.decode()
    )
    assert 'value="Milo Testkid"' in html


def test_a_child_new_to_sightline_is_recorded_and_identified(agencies, ifd_practitioner):
    contact = fd.contact(child=None)

    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-child", args=[contact.pk]),
        {
            "action": "create",
            "new-given_name": "Nova",
            "new-family_name": "Testchild",
            "new-date_of_birth_day": "4",
            "new-date_of_birth_month": "2",
            "new-date_of_birth_year": "2020",
            "new-sex": "F",
            "new-address_line": "1 Test Street",
            "new-postcode": "NM1 1AA",
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.child.full_name == "Nova Testchild"
    assert contact.child.date_of_birth == dt.date(2020, 2, 4)
    assert contact.child.addresses.get().postcode == "NM1 1AA"
    assert Participant.objects.filter(event__type=EventType.CONTACT, person=contact.child).exists()


def test_recording_a_child_needs_a_name(agencies, ifd_practitioner):
    contact = fd.contact(child=None)
    response = signed_in(ifd_practitioner).post(
        reverse("frontdoor:contact-child", args=[contact.pk]), {"action": "create", "new-sex": "U"}
    )
    assert response.status_code == 400
    assert "Enter at least a first name or a last name" in response.content.decode()
    assert not Person.objects.exists()


# Open work on the child's page --------------------------------------------------------------


def test_the_childs_page_lists_undecided_contacts_and_open_requests_for_the_front_door(
    agencies, ifd_practitioner, health_visitor, police_officer
):
    from sightline.chronology.panels import open_work_for
    from sightline.frontdoor.services.requests import information_request_create

    child = f.child()
    contact = fd.contact(child=child)
    Contact.objects.filter(pk=fd.contact(child=child).pk).update(status=Contact.Status.DECIDED)
    [health] = information_request_create(
        actor=ifd_practitioner, contact=contact, agencies=[agencies["health"]], question="Known?"
    )
    before = AuditEntry.objects.count()

    front_door = open_work_for(user=ifd_practitioner, person=child)
    agency = open_work_for(user=health_visitor, person=child)
    other_agency = open_work_for(user=police_officer, person=child)

    assert sorted((item.kind, item.title) for item in front_door) == [
        ("Contact awaiting decision", contact.reference),
        ("Information request awaiting an answer", f"{contact.reference}: {agencies['health']}"),
    ]
    assert [item.url for item in agency] == [reverse("frontdoor:request-answer", args=[health.pk])]
    assert other_agency == []
    assert AuditEntry.objects.count() == before  # the person page records its own read
