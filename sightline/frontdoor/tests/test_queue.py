"""The front door queue: soonest deadline first, overdue contacts marked, filters, scale."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.frontdoor.models import Contact
from sightline.frontdoor.selectors import contacts_awaiting_decision, contacts_overdue
from sightline.frontdoor.services.triage import contact_claim
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

LONDON = ZoneInfo("Europe/London")
QUEUE = reverse("frontdoor:queue")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def rows(response) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(reference, marked overdue) for each row of the queue, in order."""
    html = response.content.decode()
    found = []
    for chunk in html.split('data-reference="')[1:]:
        reference = chunk.split('"', 1)[0]
        row = chunk.split("</tr>", 1)[0]
        found.append((reference, 'govuk-tag--red">Overdue</strong>' in row))
    return found


def visit(user, path: str = QUEUE):  # type: ignore[no-untyped-def]
    client = Client()  # a fresh session at each position of the clock
    client.force_login(user)
    return client.get(path)


@pytest.fixture
def may_bank_holiday_contacts(agencies, police_officer):  # type: ignore[no-untyped-def]
    """Contacts around the early May bank holiday 2025 (Monday 5 May)."""
    return {
        "thursday": fd.contact(referrer=police_officer, received_at=at("2025-05-01T10:00")),
        "friday_evening": fd.contact(referrer=police_officer, received_at=at("2025-05-02T18:30")),
        "saturday": fd.contact(received_at=at("2025-05-03T11:00")),
        "tuesday": fd.contact(referrer=police_officer, received_at=at("2025-05-06T09:00")),
    }


def test_the_queue_lists_contacts_by_deadline_across_a_weekend_and_a_bank_holiday(
    time_machine, ifd_practitioner, may_bank_holiday_contacts
):
    c = may_bank_holiday_contacts
    assert c["friday_evening"].decision_due_at.date() == dt.date(2025, 5, 6)
    assert c["saturday"].decision_due_at.date() == dt.date(2025, 5, 6)
    time_machine.move_to(at("2025-05-06T10:00"), tick=False)

    response = visit(ifd_practitioner)

    assert response.status_code == 200
    assert [reference for reference, _ in rows(response)] == [
        c["thursday"].reference,
        c["friday_evening"].reference,
        c["saturday"].reference,
        c["tuesday"].reference,
    ]


def test_only_contacts_past_their_working_day_deadline_are_marked_overdue(
    time_machine, ifd_practitioner, may_bank_holiday_contacts
):
    c = may_bank_holiday_contacts
    time_machine.move_to(at("2025-05-05T12:00"), tick=False)  # the bank holiday itself
    assert dict(rows(visit(ifd_practitioner))) == {
        c["thursday"].reference: True,
        c["friday_evening"].reference: False,
        c["saturday"].reference: False,
        c["tuesday"].reference: False,
    }

    time_machine.move_to(at("2025-05-07T09:00"), tick=False)
    response = visit(ifd_practitioner)
    assert dict(rows(response)) == {
        c["thursday"].reference: True,
        c["friday_evening"].reference: True,
        c["saturday"].reference: True,
        c["tuesday"].reference: False,
    }
    # Marked in words as well as colour.
    assert response.content.decode().count(">Overdue</strong>") == 3


def test_overdue_only_shows_just_the_overdue_contacts(
    time_machine, ifd_practitioner, may_bank_holiday_contacts
):
    time_machine.move_to(at("2025-05-06T10:00"), tick=False)
    response = visit(ifd_practitioner, QUEUE + "?show=all&overdue=on")
    assert rows(response) == [(may_bank_holiday_contacts["thursday"].reference, True)]


def test_mine_and_unclaimed_filter_by_who_has_claimed_the_contact(
    agencies, ifd_practitioner, ifd_manager
):
    mine = fd.contact()
    theirs = fd.contact()
    unclaimed = fd.contact()
    contact_claim(actor=ifd_practitioner, contact=mine)
    contact_claim(actor=ifd_manager, contact=theirs)

    assert [r for r, _ in rows(visit(ifd_practitioner, QUEUE + "?show=mine"))] == [mine.reference]
    assert [r for r, _ in rows(visit(ifd_practitioner, QUEUE + "?show=unclaimed"))] == [
        unclaimed.reference
    ]
    everything = visit(ifd_practitioner, QUEUE + "?show=all")
    assert len(rows(everything)) == 3
    assert ifd_manager.get_full_name() in everything.content.decode()


def test_decided_contacts_leave_the_queue_and_those_awaiting_authorisation_say_so(
    agencies, ifd_practitioner
):
    waiting = fd.contact()
    Contact.objects.filter(pk=waiting.pk).update(status=Contact.Status.AWAITING_AUTHORISATION)
    decided = fd.contact()
    Contact.objects.filter(pk=decided.pk).update(status=Contact.Status.DECIDED)

    response = visit(ifd_practitioner)

    assert [r for r, _ in rows(response)] == [waiting.reference]
    assert "Awaiting manager authorisation" in response.content.decode()


def test_a_child_not_yet_identified_is_shown_as_such(agencies, ifd_practitioner):
    fd.contact(child=None)
    assert "Not yet identified" in visit(ifd_practitioner).content.decode()


def test_the_queue_records_one_list_entry(agencies, ifd_practitioner):
    child = f.child()
    contact = fd.contact(child=child)
    before = AuditEntry.objects.count()

    visit(ifd_practitioner)

    entries = list(AuditEntry.objects.filter(pk__gt=0)[before:])
    assert [(e.kind, e.action) for e in entries] == [("list", "contact_queue.listed")]
    assert entries[0].detail["contacts"] == [contact.pk]
    assert entries[0].detail["children"] == [child.pk]


@pytest.mark.parametrize(
    "persona", ["outsider", "health_visitor", "police_officer", "social_worker"]
)
def test_only_the_front_door_may_see_the_queue(request, agencies, persona):
    user = request.getfixturevalue(persona)
    assert visit(user).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(db):
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_the_queue_pages_fifty_at_a_time(agencies, ifd_practitioner):
    fd.contacts(51)
    first = visit(ifd_practitioner)
    assert len(rows(first)) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(rows(visit(ifd_practitioner, QUEUE + "?show=all&page=2"))) == 1


def _queue_queries(user) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_number_of_queries_for_10_or_100_contacts(
    agencies, ifd_practitioner, ifd_manager, police_officer, django_assert_max_num_queries
):
    def grow(count: int) -> None:
        for number in range(count):
            contact = fd.contact(
                child=f.child(given_name=f"Kit{number}") if number % 2 else None,
                referrer=police_officer,
            )
            if number % 3 == 0:
                contact_claim(actor=ifd_manager, contact=contact)

    grow(10)
    with_ten = _queue_queries(ifd_practitioner)
    grow(90)
    client = Client()
    client.force_login(ifd_practitioner)
    with django_assert_max_num_queries(with_ten):
        assert client.get(QUEUE).status_code == 200


def test_the_queue_selector_refuses_someone_outside_the_front_door(agencies, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        contacts_awaiting_decision(user=outsider)


def test_contacts_overdue_replays_the_clock_as_of_a_date(agencies, may_bank_holiday_contacts):
    c = may_bank_holiday_contacts
    assert set(contacts_overdue(as_of=dt.date(2025, 5, 6))) == {c["thursday"]}
    assert set(contacts_overdue(as_of=dt.date(2025, 5, 7))) == {
        c["thursday"],
        c["friday_evening"],
        c["saturday"],
    }
    assert list(contacts_overdue(as_of=dt.date(2025, 5, 2))) == []
