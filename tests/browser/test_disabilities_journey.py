"""A social worker records a child's disabilities (a contradiction refused first), and the
analyst checks what the census return leaves out. Every page passes axe."""

import pytest
from playwright.sync_api import expect

from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_social_worker_records_disabilities_and_the_census_check_names_what_is_missing(
    site, social_worker, analyst
):
    child = f.child(given_name="Ava", family_name="Testchild")

    site.sign_in(social_worker.username, PASSWORD)
    site.go(f"/people/{child.pk}/")
    main = site.page.locator("main")
    expect(main).to_contain_text("Not recorded")
    site.page.get_by_role("link", name="Record disabilities").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Record disabilities")
    site.check_accessibility()

    site.page.get_by_label("No", exact=True).check()
    site.page.get_by_label("Hearing").check()
    site.page.get_by_role("button", name="Save disabilities").click()
    expect(site.page.get_by_role("alert")).to_contain_text("You said the child has no disability")
    site.check_accessibility()

    site.page.get_by_label("Yes", exact=True).check()
    site.page.get_by_label("Diagnosed with autism or Asperger syndrome").check()
    site.page.get_by_role("button", name="Save disabilities").click()
    expect(site.page.locator("main")).to_contain_text(
        "Hearing, Diagnosed with autism or Asperger syndrome"
    )
    expect(site.page.locator("main")).not_to_contain_text("AUT")
    site.check_accessibility()

    site.sign_out()
    site.sign_in(analyst.username, PASSWORD)
    site.go("/insight/cin-census/")
    expect(site.page.locator("main")).not_to_contain_text("docs/")
    site.check_accessibility()
    site.page.get_by_role("button", name="Check what it leaves out").click()
    expect(site.page.locator("main")).to_contain_text(
        "The pre-proceedings and family group decision-making module was not sent"
    )
    site.check_accessibility()
