"""The printable chronology: every filtered entry on one page, recorded as a read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def lily(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Harlowe")


def print_url(person):  # type: ignore[no-untyped-def]
    return reverse("chronology:person-print", args=[person.pk])


def test_the_printout_shows_every_entry_without_pages(signed_in, social_worker, agencies, lily):
    c.events(lily, 120, source=agencies["police"])
    html = signed_in(social_worker).get(print_url(lily)).content.decode()
    assert "All 120 events, newest first" in html
    assert html.count('<tr class="govuk-table__row">') == 121  # the header row and 120 events
    assert "govuk-pagination" not in html
    assert "Printed from Sightline by Sw Elm" in html


def test_the_printout_keeps_the_filters_and_says_so(signed_in, social_worker, agencies, lily):
    c.event(lily, source=agencies["police"], summary="Police contact about Ivy.")
    c.event(lily, source=agencies["health"], summary="Health contact about Ivy.")
    html = signed_in(social_worker).get(print_url(lily), {"agency": "health"}).content.decode()
    assert "Health contact about Ivy." in html
    assert "Police contact about Ivy." not in html
    assert "Filtered: Northmoor Community Health." in html


def test_the_person_page_links_to_the_printout_with_its_filters(
    signed_in, social_worker, agencies, lily
):
    c.event(lily, source=agencies["health"], summary="Health contact about Ivy.")
    html = (
        signed_in(social_worker)
        .get(reverse("chronology:person", args=[lily.pk]), {"agency": "health", "page": "1"})
        .content.decode()
    )
    assert f'href="{print_url(lily)}?agency=health"' in html


def test_printing_is_recorded(signed_in, social_worker, lily):
    signed_in(social_worker).get(print_url(lily))
    entry = AuditEntry.objects.filter(kind="read", person_id=lily.pk).latest("id")
    assert entry.actor == social_worker
    assert entry.detail["purpose"] == "print chronology"


def test_an_outsider_must_give_a_reason_before_printing(signed_in, outsider, lily):
    response = signed_in(outsider).get(print_url(lily))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:break-glass", args=[lily.pk]))
