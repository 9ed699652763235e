"""What a reporter is told once a concern is sent: call 999 if the child is in danger now,
when the front door will decide, and how to reach it. Public pages carry no staff banner."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from sightline.frontdoor.models import Contact
from sightline.frontdoor.tests.test_practitioner_contact_new import a_concern
from sightline.frontdoor.tests.test_public_concern_form import CHECK, SENT, fill_in_to_check
from sightline.people.services import source_record_link
from sightline.testing import factories as f

LONDON = ZoneInfo("Europe/London")
CALL_999 = "If the child is in danger now, call 999 and ask for the police."
STAFF_BANNER = "Every view of a person's record is recorded"


@pytest.fixture
def public(agencies, client):  # type: ignore[no-untyped-def]
    cache.clear()
    yield client
    cache.clear()


def sent_page(client, urgency: str) -> str:  # type: ignore[no-untyped-def]
    fill_in_to_check(client, urgency=urgency)
    assert client.post(CHECK).status_code == 302
    return client.get(SENT).content.decode()


def test_a_report_of_immediate_danger_is_told_first_to_call_999(public):
    html = sent_page(public, "immediate")
    assert CALL_999 in html
    assert html.index(CALL_999) < html.index("What happens next")
    assert "straight away" in html
    assert "if you have not called 999, call now" in html


def test_a_report_for_today_is_told_the_time_it_will_be_decided_by(public, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 7, 10, 15, tzinfo=LONDON), tick=False)
    html = sent_page(public, "today")
    assert "decide what to do by 12:15 on Wednesday 7 May 2025" in html
    assert CALL_999 in html


def test_a_report_that_is_not_urgent_still_says_when_to_call_999(public, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 7, 10, 15, tzinfo=LONDON), tick=False)
    html = sent_page(public, "not_urgent")
    assert "by the end of Thursday 8 May 2025" in html
    assert CALL_999 in html


def test_the_sent_page_says_how_to_contact_the_front_door(public, settings):
    settings.FRONT_DOOR_PHONE = "01632 960 123"
    settings.FRONT_DOOR_ADDRESS = "Front Door, 1 Example Square, Northmoor NM9 9ZZ"
    html = sent_page(public, "not_urgent")
    assert "Contact the front door" in html
    assert "01632 960 123" in html
    assert "Front Door, 1 Example Square, Northmoor NM9 9ZZ" in html


def test_the_public_pages_do_not_carry_the_staff_banner(public):
    for url in (
        reverse("frontdoor:concern-start"),
        reverse("frontdoor:concern-step", kwargs={"step": "urgency"}),
        reverse("frontdoor:concern-step", kwargs={"step": "call-999"}),
    ):
        html = public.get(url).content.decode()
        assert STAFF_BANNER not in html, url
    fill_in_to_check(public)
    assert STAFF_BANNER not in public.get(CHECK).content.decode()
    public.post(CHECK)
    assert STAFF_BANNER not in public.get(SENT).content.decode()


def test_staff_pages_still_say_that_views_are_recorded(client, health_visitor):
    client.force_login(health_visitor)
    assert STAFF_BANNER in client.get(reverse("frontdoor:contact-new")).content.decode()


# The practitioner form -----------------------------------------------------------------------


def test_the_practitioner_form_says_to_call_999_before_sending(client, health_visitor):
    client.force_login(health_visitor)
    html = client.get(f"{reverse('frontdoor:contact-new')}?new=1").content.decode()
    assert "If the child is in danger now, call 999 and ask for the police" in html
    assert html.index("call 999") < html.index("How urgent is this?")


def test_a_practitioner_reporting_immediate_danger_is_told_to_call_999(client, health_visitor):
    child = f.child(given_name="Ava", family_name="Testchild")
    client.force_login(health_visitor)
    source_record_link(actor="test", person=child, agency=health_visitor.agency, record_id="HV-9")
    response = client.post(
        f"{reverse('frontdoor:contact-new')}?child={child.pk}", a_concern(urgency="immediate")
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert CALL_999 in html
    assert "straight away" in html
    contact = Contact.objects.get()
    assert contact.decision_due_at == contact.received_at.replace(microsecond=0)
    # The referral source in words, never its census code.
    assert f"({contact.referral_source})" not in html
