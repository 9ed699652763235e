"""A child on a plan moves house: the lead social worker sees the count in the header, opens
their notifications (the most urgent first), reads the one about the move, and marks it acted
on; the e-mail they were sent names nobody. Every page passes axe."""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from sightline.people.services import address_add
from sightline.sharing.tests import builders as b
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_social_worker_is_told_of_the_move_and_marks_it_acted_on(site, agencies):
    child = f.child(given_name="Ava", family_name="Testchild", nhs_number=b.CHILD_NHS)
    b.plan(child, agencies, start=dt.date.today() - dt.timedelta(days=60))
    address_add(actor="test", person=child, line="4 Mill Lane", postcode="BD22 9XY")

    [email] = [m for m in mail.outbox if m.to == ["sw.willow@example.org"]]
    assert "/notifications/" in email.body and "Ava" not in email.body + email.subject

    site.sign_in("sw.willow", PASSWORD)
    header = site.page.locator("#notifications-unread")
    expect(header).to_have_text("1 unread")
    site.page.get_by_role("link", name="Notifications").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Your notifications")
    main = site.page.locator("main")
    expect(main).to_contain_text("New address for a child on a plan")
    expect(main).to_contain_text("Ava Testchild")
    expect(main).to_contain_text("The lead social worker")
    site.check_accessibility()

    main.get_by_role("link", name="New address for a child on a plan").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "New address for a child on a plan"
    )
    site.check_accessibility()

    site.page.get_by_role("button", name="Mark as acted on").click()
    expect(site.page.get_by_role("alert")).to_contain_text("Marked as acted on")
    expect(site.page.locator("main")).to_contain_text("Acted on")
    expect(header).to_have_text("0 unread")
    site.check_accessibility()
