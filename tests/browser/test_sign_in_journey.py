"""A practitioner signs in, sees their home page and signs out; every page passes axe."""

import pytest
from playwright.sync_api import expect

from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_signs_in_and_out(site, health_visitor):
    site.go("/")
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Sign in to Sightline")
    site.check_accessibility()

    site.page.get_by_label("Username").fill("hv.birch")
    site.page.get_by_label("Password").fill("wrong password")
    site.page.get_by_role("button", name="Sign in").click()
    expect(site.page.get_by_role("alert")).to_contain_text("Enter a correct username and password")
    site.check_accessibility()

    site.sign_in("hv.birch", PASSWORD)
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Sightline")
    expect(site.page.get_by_text("Welcome, Hv Birch")).to_be_visible()
    site.check_accessibility()

    site.sign_out()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Sign in to Sightline")
