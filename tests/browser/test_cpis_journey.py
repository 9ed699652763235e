"""An emergency department clinician checks whether a child is on a child protection plan:
home page, the check (with a mistyped NHS number first), the answer with the responsible
team's contact and the out-of-hours number. The lead social worker then finds the lookup in
their messages and on the child's chronology. Every page passes axe."""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from sightline.sharing.tests import builders as b
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_ed_clinician_sees_that_a_child_is_on_a_plan_and_who_to_call(
    site, unscheduled_care, agencies
):
    child = f.child(given_name="Ava", family_name="Testchild", nhs_number=b.CHILD_NHS)
    start = dt.date.today() - dt.timedelta(days=60)
    b.plan(child, agencies, start=start)

    site.sign_in("ed.oak", PASSWORD)
    site.check_accessibility()
    site.page.get_by_role("link", name="Check if a child is on a child protection plan").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "Check if a child is on a child protection plan"
    )
    site.check_accessibility()

    site.page.get_by_label("Emergency department attendance").check()
    site.page.get_by_label("NHS number").fill("943 476 5918")
    site.page.get_by_role("button", name="Check").click()
    expect(site.page.get_by_role("alert")).to_contain_text("its check digit is wrong")
    site.check_accessibility()

    site.page.get_by_label("NHS number").fill("943 476 5919")
    site.page.get_by_role("button", name="Check").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "This child is on a child protection plan"
    )
    main = site.page.locator("main")
    expect(main).to_contain_text(f"{start.day} {start:%B %Y}")
    expect(main).to_contain_text("Safeguarding Team West")
    expect(main).to_contain_text("01632 960 123")
    expect(main).to_contain_text("safeguarding.west@example.org")
    expect(main).to_contain_text("Northmoor Emergency Duty Team: 01632 960 999")
    expect(main).to_contain_text("Not recorded in Sightline")
    expect(main).not_to_contain_text("Ava")
    site.check_accessibility()

    assert [m.to for m in mail.outbox] == [["sw.willow@example.org"]]

    site.sign_out()
    site.sign_in("sw.willow", PASSWORD)
    site.page.get_by_role("link", name="Your messages").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Your messages")
    main = site.page.locator("main")
    expect(main).to_contain_text("A child on a child protection plan attended unscheduled care")
    expect(main).to_contain_text("Ava Testchild attended")
    site.check_accessibility()

    site.go(f"/people/{child.pk}/")
    expect(site.page.locator("main")).to_contain_text(
        "checked whether the child is on a child protection plan"
    )
    site.check_accessibility()
