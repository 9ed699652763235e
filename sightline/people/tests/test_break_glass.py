"""Breaking the glass: opening a record without a working relationship, with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.people.models import BreakGlass
from sightline.people.selectors import BREAK_GLASS_PAGE_VIEWED
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db
REASON = "Child seen in the emergency department with a burn; checking who is involved."


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Smith")


def test_an_outsider_opening_a_record_is_asked_for_a_reason_first(signed_in, outsider, child):
    client = signed_in(outsider)
    person_url = reverse("chronology:person", args=[child.pk])
    response = client.get(person_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:break-glass", args=[child.pk]))
    assert "next=%2Fpeople%2F" in response["Location"]
    assert not AuditEntry.objects.filter(kind="read", person_id=child.pk).exists()


def test_the_reason_page_shows_nothing_that_identifies_the_person_and_is_recorded(
    signed_in, outsider, agencies
):
    child = f.child(
        given_name="Quillon", family_name="Marchbanks", date_of_birth=dt.date(2017, 5, 12)
    )
    page = signed_in(outsider).get(reverse("people:break-glass", args=[child.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for detail in ("Quillon", "Marchbanks", "2017", "12 May"):
        assert detail not in html
    visit = AuditEntry.objects.get(person_id=child.pk, action=BREAK_GLASS_PAGE_VIEWED)
    assert visit.actor == outsider and visit.kind == "read"


def test_the_whole_break_glass_journey_ends_on_the_record_and_is_recorded(
    signed_in, outsider, child
):
    client = signed_in(outsider)
    person_url = reverse("chronology:person", args=[child.pk])
    form_url = client.get(person_url)["Location"]

    page = client.get(form_url)
    assert page.status_code == 200
    assert "Give a reason to open this record" in page.content.decode()

    response = client.post(form_url, {"reason": REASON, "next": person_url}, follow=True)
    assert response.redirect_chain[-1][0] == person_url
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Ivy Smith</h1>' in html
    assert "without a working relationship" in html

    grant = BreakGlass.objects.get(user=outsider, person=child)
    assert grant.reason == REASON
    glass = AuditEntry.objects.get(kind="break_glass", person_id=child.pk)
    assert glass.actor == outsider and glass.reason == REASON
    read = (
        AuditEntry.objects.filter(kind="read", person_id=child.pk)
        .exclude(action=BREAK_GLASS_PAGE_VIEWED)
        .latest("id")
    )
    assert read.actor == outsider and read.reason == REASON


def test_a_short_reason_is_refused_with_an_error_summary(signed_in, outsider, child):
    url = reverse("people:break-glass", args=[child.pk])
    response = signed_in(outsider).post(url, {"reason": "need it"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "at least 10 characters" in html
    assert not BreakGlass.objects.exists()


def test_an_empty_reason_is_refused(signed_in, outsider, child):
    url = reverse("people:break-glass", args=[child.pk])
    html = signed_in(outsider).post(url, {"reason": ""}).content.decode()
    assert "Say why you need to open this record" in html
    assert not BreakGlass.objects.exists()


def test_a_next_address_on_another_site_is_ignored(signed_in, outsider, child):
    url = reverse("people:break-glass", args=[child.pk])
    response = signed_in(outsider).post(
        url, {"reason": REASON, "next": "https://evil.example/steal"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("chronology:person", args=[child.pk])


def test_someone_who_already_works_with_the_person_goes_straight_to_the_record(
    signed_in, social_worker, child
):
    url = reverse("people:break-glass", args=[child.pk])
    response = signed_in(social_worker).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("chronology:person", args=[child.pk])
    assert not BreakGlass.objects.exists()


def test_unscheduled_care_cannot_break_the_glass(signed_in, unscheduled_care, child):
    client = signed_in(unscheduled_care)
    url = reverse("people:break-glass", args=[child.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert client.get(reverse("chronology:person", args=[child.pk])).status_code == 404
    assert not BreakGlass.objects.exists()


def test_breaking_the_glass_for_nobody_is_not_found(signed_in, outsider):
    assert signed_in(outsider).get(reverse("people:break-glass", args=[999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, child):
    response = client.get(reverse("people:break-glass", args=[child.pk]))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]
