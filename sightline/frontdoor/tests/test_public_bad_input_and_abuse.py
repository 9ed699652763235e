"""The public concern form refuses bad answers clearly and resists abuse without losing reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from sightline.core.models import Notification
from sightline.frontdoor.models import Contact
from sightline.frontdoor.services.contacts import MAX_TEXT
from sightline.frontdoor.tests.test_public_concern_form import (
    CHECK,
    SENT,
    START,
    answer,
    fill_in_to_check,
    step,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(agencies, client):  # type: ignore[no-untyped-def]
    cache.clear()  # the rate limit counts per client in the cache
    yield client
    cache.clear()


def errors_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "<title>Error:" in html
    return html


def child_with_date(day: str, month: str, year: str) -> dict[str, str]:
    return {
        "given_name": "Poppy",
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
    }


def test_an_impossible_date_of_birth_is_refused(public):
    html = errors_of(answer(public, "child", child_with_date("31", "2", "2019")))
    assert "Date of birth must be a real date" in html
    assert 'href="#id_date_of_birth_day"' in html


def test_a_date_of_birth_in_the_future_is_refused(public):
    next_year = str(dt.date.today().year + 1)
    html = errors_of(answer(public, "child", child_with_date("1", "1", next_year)))
    assert "Date of birth must be today or in the past" in html


def test_a_date_of_birth_without_a_year_says_what_is_missing(public):
    html = errors_of(answer(public, "child", child_with_date("1", "1", "")))
    assert "Date of birth must include a year" in html


def test_an_age_that_is_not_a_child_age_is_refused(public):
    html = errors_of(answer(public, "child", {"approximate_age": "seven"}))
    assert "Enter the child&#x27;s age as a number, like 7" in html
    html = errors_of(answer(public, "child", {"approximate_age": "34"}))
    assert "children under 18" in html


def test_a_date_of_birth_18_or_more_years_ago_is_refused(public, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 7, 10, 0, tzinfo=dt.UTC), tick=False)
    html = errors_of(answer(public, "child", child_with_date("7", "5", "2007")))  # 18 today
    assert "Enter a date of birth less than 18 years ago" in html
    assert "children under 18" in html
    assert 'href="#id_date_of_birth_day"' in html
    # Still a child the day before their 18th birthday.
    assert answer(public, "child", child_with_date("8", "5", "2007")).status_code == 302


def test_a_date_of_birth_and_an_age_that_disagree_are_refused_together(public, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 7, 10, 0, tzinfo=dt.UTC), tick=False)
    data = {**child_with_date("1", "1", "2019"), "approximate_age": "12"}
    html = errors_of(answer(public, "child", data))
    assert "The date of birth makes the child 6, not 12" in html
    assert answer(public, "child", {**data, "approximate_age": "6"}).status_code == 302


def test_a_made_up_postcode_is_refused(public):
    html = errors_of(answer(public, "address", {"postcode": "NOT A CODE"}))
    assert "Enter a real postcode" in html


def test_what_happened_is_required(public):
    html = errors_of(answer(public, "what-happened", {"concern": "   "}))
    assert "Tell us what happened or what you are worried about" in html
    assert 'href="#id_concern"' in html


def test_an_answer_that_is_too_long_says_how_long_it_is(public):
    html = errors_of(answer(public, "what-happened", {"concern": "x" * (MAX_TEXT + 1)}))
    assert f"What happened must be {MAX_TEXT:,} characters or fewer" in html
    assert f"You have entered {MAX_TEXT + 1:,} characters" in html


def test_a_name_that_is_too_long_is_refused(public):
    html = errors_of(answer(public, "child", {"given_name": "A" * 101}))
    assert "First name must be 100 characters or fewer" in html


def test_a_radio_question_left_unanswered_links_to_the_first_option(public):
    html = errors_of(answer(public, "urgency", {}))
    assert "Select how urgent this is" in html
    assert 'href="#id_urgency_0"' in html
    html = errors_of(answer(public, "about-you", {}))
    assert "Select yes if you want to stay anonymous" in html


def test_a_named_reporter_must_give_a_name_and_a_real_email(public):
    html = errors_of(
        answer(public, "your-details", {"name": "", "relationship": "", "email": "not-an-email"})
    )
    assert "Enter your name" in html
    assert "Select how you know the child" in html
    assert "Enter an email address in the correct format" in html
    html = errors_of(
        answer(
            public, "your-details", {"name": "Sam", "relationship": "family", "phone": "call me"}
        )
    )
    assert "Enter a telephone number" in html


def test_an_unknown_question_is_not_found(public):
    assert public.get(step("favourite-colour")).status_code == 404


def test_check_your_answers_sends_the_reporter_back_for_a_missing_required_answer(public):
    answer(public, "urgency", {"urgency": "today"})
    answer(public, "about-you", {"anonymous": "yes"})
    response = public.post(CHECK)
    assert response["Location"] == step("what-happened")
    assert Contact.objects.count() == 0


def test_a_forged_or_expired_csrf_token_gets_the_friendly_page_and_nothing_is_kept(agencies):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(step("urgency")).status_code == 200
    response = strict.post(step("urgency"), {"urgency": "today", "csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert "concern_answers" not in strict.session


def test_a_real_csrf_token_is_accepted(agencies):
    strict = Client(enforce_csrf_checks=True)
    strict.get(step("urgency"))
    token = strict.cookies["csrftoken"].value
    response = strict.post(step("urgency"), {"urgency": "today", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_too_many_reports_from_one_client_are_refused_with_clear_words(public, settings):
    settings.CONCERN_RATE_LIMIT = 2
    settings.CONCERN_RATE_WINDOW_SECONDS = 3600
    for _ in range(2):
        fill_in_to_check(public)
        assert public.post(CHECK)["Location"] == SENT
    fill_in_to_check(public)

    response = public.post(CHECK)

    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent too many reports" in html
    assert "Try again in 60 minutes" in html and "call 999" in html
    assert "https://www.bbc.co.uk/weather" in html
    assert Contact.objects.count() == 2
    # The answers are kept for later.
    assert public.get(CHECK).status_code == 200


def test_another_client_is_not_held_back_by_someone_elses_limit(public, settings):
    settings.CONCERN_RATE_LIMIT = 1
    fill_in_to_check(public)
    public.post(CHECK)
    other = Client(REMOTE_ADDR="192.0.2.44")
    fill_in_to_check(other)
    assert other.post(CHECK)["Location"] == SENT
    assert Contact.objects.count() == 2


def test_a_filled_honeypot_looks_sent_but_stores_nothing(public):
    fill_in_to_check(public)
    response = public.post(CHECK, {"website": "http://spam.example"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == SENT
    assert "govuk-panel--confirmation" in html and "Your reference is" in html
    assert Contact.objects.count() == 0
    assert Notification.objects.count() == 0
    # The answers are gone too: sending again goes to the start.
    assert public.post(CHECK)["Location"] == START


def test_a_honeypot_filled_on_a_question_page_stores_nothing(public):
    response = public.post(step("urgency"), {"urgency": "today", "website": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == SENT
    assert "concern_answers" not in public.session
    assert Contact.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(public):
    html = public.get(step("what-happened")).content.decode()
    assert (
        '<div class="govuk-visually-hidden" aria-hidden="true">' in html
        and 'name="website" id="id_website" value="" tabindex="-1" autocomplete="off"' in html
    )


class ExplodingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("The mail server is down")


def test_a_mail_failure_never_loses_the_report(
    public, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = (
        "sightline.frontdoor.tests.test_public_bad_input_and_abuse.ExplodingEmailBackend"
    )
    fill_in_to_check(public)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = public.post(CHECK, follow=True)

    assert callbacks, "the notification is delivered after the report is committed"
    contact = Contact.objects.get()
    assert response.status_code == 200
    assert contact.reference in response.content.decode()
    notification = Notification.objects.get(object_id=str(contact.pk))
    assert notification.status == Notification.Status.FAILED
    assert "mail server is down" in notification.last_error
