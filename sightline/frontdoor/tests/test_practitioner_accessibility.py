"""The practitioner concern form passes axe in Debian's Chromium, errors and all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sightline.frontdoor.models import Contact
from sightline.frontdoor.tests.test_public_accessibility import Audit, browser_page, sign_in
from sightline.people.services import source_record_link
from sightline.testing import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser_page"]


def test_the_practitioner_journey_is_accessible(browser_page, live_server, health_visitor):
    ava = f.child(given_name="Ava", family_name="Testchild")
    source_record_link(actor="test", person=ava, agency=health_visitor.agency, record_id="HV-9")
    page = browser_page
    audit = Audit(page)
    sign_in(page, live_server, health_visitor)
    new = live_server.url + reverse("frontdoor:contact-new")

    page.goto(new)
    audit.check("find the child")
    page.get_by_role("button", name="Search").click()
    audit.check("search with nothing entered")
    page.get_by_label("Name").fill("Ava Testchild")
    page.get_by_role("button", name="Search").click()
    audit.check("search results")
    page.get_by_role("link", name="Choose Ava Testchild").click()

    audit.check("concern about a found child")
    page.get_by_role("button", name="Send to the front door").click()
    audit.check("concern with errors")
    page.get_by_label("What are you worried about?").fill("A bruise on her cheek.")
    page.get_by_label("Something needs to happen today").check()
    page.get_by_label("Safeguarding children").check()
    page.get_by_label("The family agreed to this referral").check()
    page.get_by_role("button", name="Send to the front door").click()
    audit.check("contact sent")
    assert Contact.objects.get().child == ava

    page.goto(new + "?new=1")
    audit.check("concern about a new child")
    page.get_by_label("NHS number (if known)").fill("1234567890")
    page.get_by_role("button", name="Send to the front door").click()
    audit.check("new child with errors")
    assert audit.problems == {}
