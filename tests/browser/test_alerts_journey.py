"""An alert raised from agencies' events reaches the front door manager's inbox and the
child's page; the manager acknowledges and closes it. Every page passes axe."""

import pytest
from playwright.sync_api import expect

from sightline.testing import chronology as c
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_ifd_manager_works_an_alert_from_inbox_to_closure(site, ifd_manager, agencies):
    lily = f.child(given_name="Poppy", family_name="Smith")
    for day in ("2024-01-10", "2024-03-04", "2024-06-20"):
        c.event(
            lily,
            source=agencies["police"],
            type="contact",
            occurred_at=c.at(day),
            details={"referral_source": "6", "outcome": "nfa"},
        )

    site.sign_in("ifd.hazel", PASSWORD)
    site.go("/alerts/")
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Alerts for you")
    site.check_accessibility()

    site.page.get_by_role("link", name="Repeated contacts without an assessment").click()
    expect(site.page.get_by_role("heading", level=1)).to_have_text(
        "Repeated contacts without an assessment"
    )
    expect(site.page.get_by_text("IFD manager review of the whole history")).to_be_visible()
    site.check_accessibility()

    site.page.get_by_role("link", name="Poppy Smith").first.click()
    expect(site.page.get_by_role("heading", name="Alerts")).to_be_visible()
    site.check_accessibility()
    site.page.get_by_role("link", name="Repeated contacts without an assessment").click()

    site.page.get_by_role("button", name="Acknowledge").click()
    expect(site.page.get_by_text("Alert acknowledged")).to_be_visible()
    site.check_accessibility()

    site.page.get_by_role("button", name="Close the alert").click()
    expect(site.page.get_by_role("alert")).to_contain_text("Select what was done")
    site.check_accessibility()

    site.page.get_by_label("Action taken as asked").check()
    site.page.get_by_label("Note").fill("Reviewed all three contacts; strategy discussion held.")
    site.page.get_by_role("button", name="Close the alert").click()
    expect(site.page.get_by_text("Alert closed")).to_be_visible()
    expect(site.page.get_by_text("Reviewed all three contacts")).to_be_visible()
    site.check_accessibility()
