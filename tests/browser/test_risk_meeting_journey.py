"""The morning after a high-risk domestic abuse incident: the DRAM and MARAC coordinator finds it
on the DRAM agenda, holds the DRAM, records who attended (each accepting the confidentiality
statement), what the police shared, the risk, the safety plan and the decision to refer to
MARAC, and an action for a named police officer (the form shows every error at once first);
the MARAC referral follows with its safe contact details; the officer finds the action in their
notifications. Every page passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.working_days import LONDON, is_working_day, next_working_day
from sightline.sharing.tests import meeting_builders as b
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, prefix: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"#id_{prefix}_day", str(day.day))
    page.fill(f"#id_{prefix}_month", str(day.month))
    page.fill(f"#id_{prefix}_year", str(day.year))


def test_a_high_risk_incident_goes_from_the_dram_agenda_to_actions_and_a_marac_referral(
    site, agencies, police_officer
):
    page = site.page
    today = timezone.localdate()
    day = today if is_working_day(today) else next_working_day(today)
    home = b.Household()
    last_night = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(22, 40), tzinfo=LONDON)
    b.incident(agencies, home, last_night)
    b.coordinator(agencies)

    site.sign_in("dc.holly", PASSWORD)
    page.get_by_role("link", name="Risk meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk meetings")
    site.check_accessibility()

    site.go(f"/meetings/dram-agenda/?date={day.isoformat()}")
    main = page.locator("main")
    expect(main).to_contain_text("Dana Ormerodtest")
    expect(main).to_contain_text("A police domestic abuse incident assessed high risk")
    site.check_accessibility()

    page.get_by_role("link", name="Hold this DRAM").click()
    site.check_accessibility()
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{day.day} {day:%b} {day.year}")
    expect(main).to_contain_text("Lily Ormerodtest (child)")
    site.check_accessibility()

    page.get_by_role("link", name="Record an attendee or apologies").click()
    page.get_by_label("Agency").select_option(label="Northmoor Police")
    page.get_by_label("Name", exact=True).fill("DS Fern Test")
    page.get_by_label("Attending", exact=True).check()
    page.get_by_label("They accept the confidentiality statement").check()
    site.check_accessibility()
    page.get_by_role("button", name="Record").click()
    expect(main).to_contain_text("DS Fern Test, Northmoor Police: attended")

    page.get_by_role("link", name="Record the discussion").click()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Safety plan").fill("Refuge space offered; police marker on the address.")
    page.get_by_label("What Northmoor Police shared").fill("Third call-out this year.")
    page.get_by_label("Refer to MARAC", exact=True).check()
    page.get_by_label("Why").fill("DASH 15: visible high risk.")
    site.check_accessibility()
    page.get_by_role("button", name="Save what the meeting agreed").click()
    expect(page.get_by_role("alert")).to_contain_text("What the meeting agreed is recorded")

    page.get_by_role("link", name="Add an action").click()
    page.get_by_role("button", name="Add the action").click()  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the agency")
    expect(summary).to_contain_text("Enter the due date")
    site.check_accessibility()
    page.get_by_label("Agency").select_option(label="Northmoor Police")
    page.get_by_label("Named owner").select_option(label="Pc Ash, Northmoor Police")
    page.get_by_label("What is to be done").fill("Tell the school's DSL and agree a safe adult.")
    page.get_by_label("The child or children").check()
    _fill_date(page, "due_on", day + dt.timedelta(days=2))
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("alert")).to_contain_text("Its owner is told")
    expect(main).to_contain_text("Tell the school's DSL and agree a safe adult.")

    page.get_by_role("link", name="Make the MARAC referral for Dana Ormerodtest").click()
    expect(main).to_contain_text("Lily Ormerodtest")
    page.get_by_label("Visible high risk: a DASH score of 14 or more").check()
    page.get_by_label("DASH score (the number of yes answers)").fill("15")
    page.get_by_label("Consent given").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Safe contact details").fill("Mobile 07700 900555, weekdays after 6pm")
    site.check_accessibility()
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral of Dana Ormerodtest")
    expect(page.locator("#safe-contact")).to_contain_text("07700 900555")
    site.check_accessibility()
    site.sign_out()

    site.sign_in("pc.ash", PASSWORD)
    expect(page.locator("#notifications-unread")).to_have_text("1 unread")
    page.get_by_role("link", name="Notifications").click()
    expect(main).to_contain_text("An action for you from the DRAM")
    expect(main).to_contain_text("Tell the school's DSL and agree a safe adult.")
    site.check_accessibility()
