"""A member of the public walks the concern form in Debian's Chromium; axe finds no violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from sightline.frontdoor.models import Contact
from sightline.testing.browser import add_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "core" / "static" / "axe" / "axe.min.js"


@pytest.fixture
def browser_page(page):  # type: ignore[no-untyped-def]
    """Playwright's page in Debian's Chromium (see sightline/testing/browser.py)."""
    cache.clear()  # the rate limit counts reports per client (the live server sees 127.0.0.1)
    return page


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    add_axe(page)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target'][0]) for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


class Audit:
    """Runs axe on every page a journey visits and collects what it finds."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.problems: dict[str, list[str]] = {}

    def check(self, label: str) -> None:
        self.page.wait_for_load_state("load")
        assert self.page.locator("h1").count() == 1, label
        found = axe_violations(self.page)
        if found:
            self.problems[label] = found


def test_the_public_journey_is_accessible_and_sends_a_report(browser_page, live_server, agencies):
    page = browser_page
    audit = Audit(page)
    page.goto(f"{live_server.url}/report-a-concern/")
    assert page.locator(".govuk-exit-this-page a[href='https://www.bbc.co.uk/weather']").count()
    audit.check("start")
    page.get_by_role("button", name="Start now").click()

    audit.check("urgency")
    page.get_by_role("button", name="Continue").click()
    audit.check("urgency with an error")
    page.get_by_label("The child is in immediate danger").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Call 999 now").is_visible()
    audit.check("call 999")
    page.get_by_role("button", name="Carry on with the form").click()

    page.get_by_label("First name").fill("Poppy")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Continue").click()
    assert "must be a real date" in page.locator(".govuk-error-summary").inner_text()
    audit.check("child with an error")
    page.get_by_label("Day").fill("28")
    page.get_by_role("button", name="Continue").click()

    audit.check("address")
    page.get_by_label("Postcode").fill("BD21 4QA")
    page.get_by_role("button", name="Continue").click()

    audit.check("what happened")
    page.get_by_role("button", name="Continue").click()
    audit.check("what happened with an error")
    page.get_by_label("What has happened, or what are you worried about?").fill(
        "A child is left alone in the flat every evening."
    )
    page.get_by_role("button", name="Continue").click()

    audit.check("about you")
    page.get_by_label("No, I will give my details").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()
    audit.check("your details with errors")
    page.get_by_label("Your name").fill("Sam Neighbour")
    page.get_by_label("I know the child or their family").check()
    page.get_by_role("button", name="Continue").click()

    audit.check("check your answers")
    page.get_by_role("button", name="Send report").click()

    audit.check("sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert Contact.objects.get().reference == reference
    assert audit.problems == {}


def test_the_public_form_works_without_javascript(live_server, agencies, browser):
    cache.clear()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/report-a-concern/")
        exit_link = page.get_by_role("button", name="Emergency Exit this page")
        assert exit_link.get_attribute("href") == "https://www.bbc.co.uk/weather"
        page.get_by_role("button", name="Start now").click()
        page.get_by_label("It is not urgent, but someone needs to know").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Continue").click()  # nothing known about the child
        page.get_by_role("button", name="Continue").click()  # nor where they live
        page.get_by_label("What has happened, or what are you worried about?").fill(
            "I am worried about the children next door."
        )
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Yes, I do not want to give my name").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Send report").click()
        assert page.get_by_role("heading", name="Report sent").is_visible()
    finally:
        context.close()
    assert Contact.objects.get().anonymous is True
