"""The public concern form at /report-a-concern/: the journeys a member of the public takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from sightline.chronology.models import EventType
from sightline.core.models import AuditEntry, Notification
from sightline.frontdoor.models import Channel, Contact, ReferralSource, Urgency

pytestmark = pytest.mark.django_db

EXIT_LINK = 'href="https://www.bbc.co.uk/weather"'


def step(slug: str) -> str:
    return reverse("frontdoor:concern-step", kwargs={"step": slug})


CHECK = reverse("frontdoor:concern-check")
SENT = reverse("frontdoor:concern-sent")
START = reverse("frontdoor:concern-start")


def answer(client, slug: str, data: dict, *, follow: bool = False):  # type: ignore[no-untyped-def]
    return client.post(step(slug), data, follow=follow)


def fill_in_to_check(client, *, anonymous: bool = True, urgency: str = "today") -> None:  # type: ignore[no-untyped-def]
    assert answer(client, "urgency", {"urgency": urgency}).status_code == 302
    assert (
        answer(
            client,
            "child",
            {
                "given_name": "Poppy",
                "family_name": "Examplechild",
                "date_of_birth_day": "4",
                "date_of_birth_month": "7",
                "date_of_birth_year": "2017",
                "approximate_age": "",
                "school": "Millbrook Primary",
            },
        ).status_code
        == 302
    )
    assert (
        answer(
            client,
            "address",
            {"line": "12 Fictional Road", "town": "Northmoor", "postcode": "bd21 4qa"},
        ).status_code
        == 302
    )
    assert (
        answer(
            client, "what-happened", {"concern": "I heard shouting and a child crying every night."}
        ).status_code
        == 302
    )
    response = answer(client, "about-you", {"anonymous": "yes" if anonymous else "no"})
    assert response.status_code == 302
    if not anonymous:
        assert response["Location"] == step("your-details")
        response = answer(
            client,
            "your-details",
            {
                "name": "Sam Neighbour",
                "relationship": "acquaintance",
                "email": "sam@example.org",
                "phone": "01632 960 001",
            },
        )
        assert response.status_code == 302
    assert response["Location"] == CHECK


@pytest.fixture
def public(agencies, client):  # type: ignore[no-untyped-def]
    """A member of the public (no account) on a site whose front door agency exists."""
    cache.clear()  # the rate limit counts reports per client in the cache
    yield client
    cache.clear()


def test_the_start_page_explains_the_form_and_offers_a_way_out(public):
    response = public.get(START)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Report a concern about a child" in html
    assert EXIT_LINK in html and "Exit this page" in html
    assert "call 999" in html
    assert step("urgency") in html


def test_a_member_of_the_public_can_report_anonymously_and_gets_a_reference(public):
    fill_in_to_check(public, anonymous=True)
    check = public.get(CHECK)
    assert check.status_code == 200
    html = check.content.decode()
    assert "govuk-summary-list" in html
    assert "Poppy Examplechild" in html and "4 July 2017" in html
    assert "12 Fictional Road, Northmoor, BD21 4QA" in html
    assert f'href="{step("what-happened")}?change=1"' in html
    assert "Your name" not in html

    response = public.post(CHECK, follow=True)

    contact = Contact.objects.get()
    assert response.redirect_chain[-1][0] == SENT
    html = response.content.decode()
    assert "govuk-panel--confirmation" in html and contact.reference in html
    assert "What happens next" in html and "cannot contact you" in html
    assert EXIT_LINK in html
    assert contact.channel == Channel.PUBLIC
    assert contact.anonymous is True
    assert contact.referral_source == ReferralSource.ANONYMOUS
    assert contact.urgency == Urgency.TODAY
    assert contact.referrer_name == "" and contact.referrer_email == ""
    assert contact.child is None
    assert contact.child_details == {
        "given_name": "Poppy",
        "family_name": "Examplechild",
        "date_of_birth": "2017-07-04",
        "approximate_age": "",
        "school": "Millbrook Primary",
        "address": {"line": "12 Fictional Road", "town": "Northmoor", "postcode": "BD21 4QA"},
    }
    assert contact.concern == "I heard shouting and a child crying every night."
    assert contact.event is not None and contact.event.type == EventType.CONTACT
    assert AuditEntry.objects.filter(action="contact.received", actor_label="public").exists()
    assert Notification.objects.filter(topic="contact.received", object_id=str(contact.pk)).exists()


def test_a_named_neighbour_is_recorded_as_an_acquaintance(public):
    fill_in_to_check(public, anonymous=False)
    html = public.get(CHECK).content.decode()
    assert "Sam Neighbour" in html and "sam@example.org" in html

    public.post(CHECK)

    contact = Contact.objects.get()
    assert contact.anonymous is False
    assert contact.referrer_name == "Sam Neighbour"
    assert contact.referrer_email == "sam@example.org"
    assert contact.referrer_phone == "01632 960 001"
    assert contact.referral_source == ReferralSource.ACQUAINTANCE
    assert "We may contact you" in public.get(SENT).content.decode()


@pytest.mark.parametrize(
    ("relationship", "source"),
    [("family", "1A"), ("self", "1C"), ("other", "1D")],
)
def test_the_referral_source_follows_how_the_reporter_knows_the_child(public, relationship, source):
    fill_in_to_check(public, anonymous=False)
    answer(public, "your-details", {"name": "A Reporter", "relationship": relationship})
    public.post(CHECK)
    assert Contact.objects.get().referral_source == source


def test_the_decision_is_due_by_the_end_of_the_next_working_day(public, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 2, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    fill_in_to_check(public, urgency="not_urgent")
    public.post(CHECK)
    contact = Contact.objects.get()
    # Friday before the May bank holiday: due by the end of Tuesday.
    assert contact.decision_due_at.astimezone(dt.UTC).date() == dt.date(2025, 5, 6)
    assert "Tuesday 6 May 2025" in public.get(SENT).content.decode()


def test_immediate_danger_shows_the_999_page_with_a_way_to_carry_on(public):
    response = answer(public, "urgency", {"urgency": "immediate"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == step("call-999")
    assert "<h1" in html and "Call 999 now" in html
    assert EXIT_LINK in html
    assert f'href="{step("child")}"' in html
    assert f'href="{step("urgency")}"' in html  # back link

    fill_in_to_check(public, urgency="immediate")
    public.post(CHECK)
    assert Contact.objects.get().urgency == Urgency.IMMEDIATE


def test_every_question_page_has_a_heading_a_back_link_and_the_exit_button(public):
    fill_in_to_check(public, anonymous=False)
    for slug in ("urgency", "child", "address", "what-happened", "about-you", "your-details"):
        html = public.get(step(slug)).content.decode()
        assert "<h1" in html, slug
        assert 'class="govuk-back-link"' in html, slug
        assert EXIT_LINK in html and "govuk-exit-this-page" in html, slug
        assert 'name="website"' in html and 'tabindex="-1"' in html, slug
    html = public.get(CHECK).content.decode()
    assert EXIT_LINK in html and 'class="govuk-back-link"' in html


def test_answers_are_shown_again_when_the_reporter_goes_back(public):
    fill_in_to_check(public)
    html = public.get(step("child")).content.decode()
    assert 'value="Poppy"' in html and 'value="2017"' in html
    html = public.get(step("what-happened")).content.decode()
    assert "I heard shouting" in html


def test_a_change_link_returns_to_check_your_answers(public):
    fill_in_to_check(public)
    response = public.post(
        step("what-happened") + "?change=1", {"concern": "Now I remember it was on Tuesday."}
    )
    assert response["Location"] == CHECK
    assert "Now I remember it was on Tuesday." in public.get(CHECK).content.decode()


def test_changing_to_not_anonymous_asks_for_the_reporters_details(public):
    fill_in_to_check(public, anonymous=True)
    response = public.post(step("about-you") + "?change=1", {"anonymous": "no"})
    assert response["Location"] == step("your-details") + "?change=1"
    # Without their details the form cannot be sent: check-your-answers sends them back.
    assert public.get(CHECK)["Location"] == step("your-details")


def test_sending_twice_creates_one_contact_and_the_second_press_goes_to_the_start(public):
    fill_in_to_check(public)
    first = public.post(CHECK)
    second = public.post(CHECK)
    assert first["Location"] == SENT
    assert second["Location"] == START
    assert Contact.objects.count() == 1


def test_the_sent_page_without_a_report_goes_to_the_start(public):
    assert public.get(SENT)["Location"] == START


def test_check_your_answers_with_nothing_answered_goes_to_the_start(public):
    assert public.get(CHECK)["Location"] == START


def test_details_given_before_choosing_to_stay_anonymous_are_not_kept(public):
    fill_in_to_check(public, anonymous=False)
    public.post(step("about-you") + "?change=1", {"anonymous": "yes"})
    assert "Sam Neighbour" not in public.get(CHECK).content.decode()
    public.post(CHECK)
    contact = Contact.objects.get()
    assert contact.anonymous and contact.referrer_name == "" and contact.referrer_phone == ""
