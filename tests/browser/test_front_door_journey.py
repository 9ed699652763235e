"""The whole front door, as the issue describes it: a member of the public reports a concern
anonymously and gets a reference; a front door practitioner finds it in the queue, identifies
the child, asks health what they know; a health visitor answers; the front door decides; the
child's chronology shows each step. Every page visited passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from sightline.frontdoor.models import Contact
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_public_concern_reaches_a_decision_and_the_childs_chronology(
    site, agencies, ifd_practitioner, health_visitor
):
    cache.clear()  # the public form's rate limit counts reports per client
    page = site.page
    child = f.child(
        given_name="Mabel", family_name="Journeychild", date_of_birth=dt.date(2019, 4, 2)
    )

    # A member of the public, anonymously
    site.go("/report-a-concern/")
    site.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    site.check_accessibility()
    page.get_by_label("Something needs to happen today").check()
    page.get_by_role("button", name="Continue").click()
    site.check_accessibility()
    page.get_by_label("First name").fill("Mabel")
    page.get_by_label("Last name").fill("Journeychild")
    page.get_by_role("button", name="Continue").click()
    site.check_accessibility()
    page.get_by_role("button", name="Continue").click()  # address not known
    site.check_accessibility()
    page.get_by_label("What has happened, or what are you worried about?").fill(
        "Mabel was crying in the garden for an hour last night and nobody came."
    )
    page.get_by_role("button", name="Continue").click()
    site.check_accessibility()
    page.get_by_label("Yes, I do not want to give my name").check()
    page.get_by_role("button", name="Continue").click()
    site.check_accessibility()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    site.check_accessibility()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    contact = Contact.objects.get(reference=reference)
    assert contact.anonymous and contact.referral_source == "9"

    # The front door finds it in the queue and identifies the child
    site.sign_in("ifd.fir", PASSWORD)
    site.go("/front-door/")
    expect(page.locator(f'tr[data-reference="{reference}"]')).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name=reference).click()
    site.check_accessibility()
    page.get_by_role("button", name="Claim this contact").click()
    page.get_by_role("link", name="Identify the child").click()
    page.get_by_role("button", name="Search").click()
    site.check_accessibility()
    page.get_by_role("button", name="Choose Mabel Journeychild").click()

    # Partner checks: ask health
    page.get_by_role("link", name="Ask partners what they know").click()
    site.check_accessibility()
    page.get_by_label("Northmoor Community Health").check()
    page.get_by_role("button", name="Send the requests").click()
    expect(
        page.get_by_text("Information requested from Northmoor Community Health")
    ).to_be_visible()
    site.sign_out()

    # The health visitor answers
    site.sign_in("hv.birch", PASSWORD)
    site.go("/information-requests/")
    site.check_accessibility()
    page.get_by_role("link", name=reference).click()
    site.check_accessibility()
    page.get_by_label("Yes").check()
    page.get_by_label("What does your agency know?").fill(
        "Seen at the 2-year review; missed the last two appointments."
    )
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer has been sent")).to_be_visible()
    site.sign_out()

    # The front door decides
    site.sign_in("ifd.fir", PASSWORD)
    site.go(f"/front-door/contacts/{contact.pk}/")
    expect(page.get_by_text("missed the last two appointments")).to_be_visible()
    page.get_by_role("link", name="Decide").click()
    site.check_accessibility()
    page.get_by_label("Level 3: Targeted support (early help)").check()
    page.get_by_label("Early help", exact=True).check()
    page.get_by_label("Why have you made this decision?").fill(
        "Missed health appointments and an unsupervised toddler: early help will work "
        "with the family."
    )
    page.get_by_role("button", name="Record the decision").click()
    site.check_accessibility()

    # The child's chronology shows every step, each naming its agency
    site.go(f"/people/{child.pk}/")
    timeline = page.locator("main")
    expect(timeline).to_contain_text("Contact to the front door")
    expect(timeline).to_contain_text("Partner information requested")
    expect(timeline).to_contain_text("Partner information shared")
    expect(timeline).to_contain_text("Front door decision")
    expect(timeline).to_contain_text("Northmoor Community Health")
    site.check_accessibility()
