"""The front door journey in a browser: queue, contact, child, partner check, decision,
manager's authorisation. Every page is checked with axe (no violations)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sightline.testing import factories as f
from sightline.testing import frontdoor as fd
from sightline.testing.browser import add_axe
from sightline.testing.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("SIGHTLINE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "core" / "static" / "axe" / "axe.min.js"


class Journey:
    def __init__(self, base_url: str, page) -> None:  # type: ignore[no-untyped-def]
        self.base_url = base_url
        self.page = page

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.go("/accounts/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def check_accessibility(self) -> None:
        self.page.wait_for_load_state("load")
        add_axe(self.page)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert not violations, f"{self.page.url}:\n{json.dumps(violations, indent=2)}"


def test_a_contact_goes_from_the_queue_to_an_authorised_decision(
    live_server, page, agencies, ifd_practitioner, ifd_manager, health_visitor
):
    journey = Journey(live_server.url, page)
    child = f.child(given_name="Ava", family_name="Testchild", known_to_social_care=False)
    fd.contact(child=child, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    overdue = fd.contact(
        child=None,
        child_details={"given_name": "Ava", "family_name": "Testchild"},
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=7),
        referrer_email="neighbour@example.org",
    )

    journey.sign_in("ifd.fir")
    journey.go("/front-door/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door queue")
    expect(page.locator(f'tr[data-reference="{overdue.reference}"]')).to_contain_text("Overdue")
    journey.check_accessibility()
    page.get_by_label("Only overdue contacts").check()
    page.get_by_role("button", name="Apply filters").click()
    journey.check_accessibility()

    page.get_by_role("link", name=overdue.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contact {overdue.reference}")
    journey.check_accessibility()
    page.get_by_role("button", name="Claim this contact").click()
    expect(page.get_by_text(f"You are now working on contact {overdue.reference}")).to_be_visible()

    page.get_by_role("link", name="Identify the child").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Search").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Choose Ava Testchild").click()
    expect(page.get_by_role("link", name="Ava Testchild")).to_be_visible()
    expect(page.get_by_text("1 earlier contact in the 12 months")).to_be_visible()

    page.get_by_role("link", name="Ask partners what they know").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Send the requests").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one agency to ask")
    journey.check_accessibility()
    page.get_by_label("Northmoor Community Health").check()
    page.get_by_role("button", name="Send the requests").click()
    expect(
        page.get_by_text("Information requested from Northmoor Community Health")
    ).to_be_visible()

    journey.sign_in("hv.birch")
    journey.go("/information-requests/")
    journey.check_accessibility()
    page.get_by_role("link", name=overdue.reference).click()
    journey.check_accessibility()
    page.get_by_role("button", name="Send the answer").click()
    journey.check_accessibility()
    page.get_by_label("Yes").check()
    page.get_by_label("What does your agency know?").fill("Known to the health visitor.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer has been sent")).to_be_visible()

    journey.sign_in("ifd.fir")
    journey.go(f"/front-door/contacts/{overdue.pk}/")
    expect(page.get_by_text("Known to the health visitor.")).to_be_visible()
    page.get_by_role("link", name="Decide").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why you made this decision")
    journey.check_accessibility()
    page.get_by_label("Level 1: Universal").check()
    page.get_by_label("No further action").check()
    page.get_by_label("Why have you made this decision?").fill(
        "Health are involved already and will keep seeing Ava at her reviews."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("a manager must authorise no further action")).to_be_visible()

    journey.sign_in("ifd.hazel")
    journey.go(f"/front-door/contacts/{overdue.pk}/authorise/")
    journey.check_accessibility()
    page.get_by_label("Yes, authorise no further action").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("No further action authorised")).to_be_visible()
    journey.go(f"/front-door/contacts/{overdue.pk}/")
    expect(page.locator("main")).to_contain_text("Decided")
    journey.check_accessibility()
