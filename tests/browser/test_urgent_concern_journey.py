"""A member of the public reports a child in immediate danger: they are told to call 999, and
the front door finds the report at the top of a busy queue, marked in words, due at once.
Every page visited passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from sightline.frontdoor.models import Contact
from sightline.testing import frontdoor as fd
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_child_in_immediate_danger_is_told_999_and_heads_the_front_door_queue(
    site, agencies, ifd_practitioner, police_officer
):
    cache.clear()  # the public form's rate limit counts reports per client
    page = site.page
    # A busy queue: older contacts, already past their deadline, that are not urgent.
    for _ in range(12):
        fd.contact(referrer=police_officer, received_at=timezone.now() - dt.timedelta(days=3))

    # A member of the public, who says the child is in immediate danger
    site.go("/report-a-concern/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("The child is in immediate danger").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Call 999 now")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("button", name="Carry on with the form").click()
    page.get_by_label("First name").fill("Tamsin")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # address not known
    page.get_by_label("What has happened, or what are you worried about?").fill(
        "Tamsin is on the landing outside flat 4 screaming and a man is shouting at her."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes, I do not want to give my name").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    expect(
        page.get_by_text("If the child is in danger now, call 999 and ask for the police.")
    ).to_be_visible()
    expect(page.get_by_text("straight away")).to_be_visible()
    expect(page.get_by_role("heading", name="Contact the front door")).to_be_visible()
    assert "Every view of a person's record is recorded" not in page.content()
    site.check_accessibility()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    contact = Contact.objects.get(reference=reference)
    assert contact.decision_due_at == contact.received_at.replace(microsecond=0)

    # The front door: the report is first in the queue, marked in words
    site.sign_in("ifd.fir", PASSWORD)
    site.go("/front-door/")
    rows = page.locator("tr[data-reference]")
    expect(rows).to_have_count(13)
    first = rows.first
    expect(first).to_have_attribute("data-reference", reference)
    expect(first.get_by_text("Immediate danger")).to_be_visible()
    expect(rows.nth(1).get_by_text("Not urgent")).to_be_visible()
    site.check_accessibility()
