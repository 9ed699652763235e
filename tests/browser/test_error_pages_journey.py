"""A user who meets a missing page, a page their role cannot open or a failure sees a GOV.UK
error page that says what to do next and links home; each passes axe."""

import pytest
from playwright.sync_api import expect

from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_meets_a_missing_page_and_a_forbidden_page(site, health_visitor):
    site.sign_in("hv.birch", PASSWORD)

    response = site.page.goto(site.base_url + "/no-such-page/")
    assert response.status == 404
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(site.page.get_by_role("navigation", name="Menu")).to_be_visible()
    site.check_accessibility()

    response = site.page.goto(site.base_url + "/front-door/")
    assert response.status == 403
    expect(site.page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    site.check_accessibility()
    site.page.get_by_role("link", name="Go to your Sightline home page").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Sightline")


def test_a_visitor_meets_a_missing_page(site, db):
    response = site.page.goto(site.base_url + "/no-such-page/")
    assert response.status == 404
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    site.check_accessibility()


def test_a_failure_shows_the_service_problem_page(site, settings, health_visitor):
    settings.ROOT_URLCONF = "tests.browser.error_urls"
    site.sign_in("hv.birch", PASSWORD)
    response = site.page.goto(site.base_url + "/test-only/fails/")
    assert response.status == 500
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "Sorry, there is a problem with the service"
    )
    expect(site.page.get_by_text("Traceback")).to_have_count(0)
    site.check_accessibility()
