"""A social worker records a strategy discussion with a missing answer and a date before the
referral: the error summary names both at once (the form's own error and the service's
contradiction, not one after the other), each link leads to its field, and the page passes
axe (issue 14, "errors shown in stages")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.casework.models import StrategyDiscussion
from sightline.casework.tests import test_protection_builders as b
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD
from tests.browser.test_casework_journey import fill_date, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_strategy_discussion_form_shows_the_missing_answer_and_the_early_date_together(
    site, agencies, social_worker
):
    page = site.page
    referral = timezone.localdate() - dt.timedelta(days=10)
    child = f.child(given_name="Wren", family_name="Stagedchild", date_of_birth=dt.date(2018, 4, 9))
    episode = b.episode(child, agencies, referral)

    site.sign_in("sw.elm", PASSWORD)
    site.go(f"/casework/episodes/{episode.pk}/strategy-discussions/new/")
    fill_date(page, "Date of the discussion", referral - dt.timedelta(days=3))
    page.get_by_label("Time", exact=True).fill("10:30")
    page.get_by_label("Information shared").fill("School saw bruising on Wren's arm.")
    # No answer to whether section 47 enquiries start (the form's own check).
    for number, (code, name, role) in enumerate(
        [
            ("csc", "Sam Elm", "Social worker"),
            ("police", "Dee Constable", "Detective constable"),
            ("health", "Nia Nurse", "Named nurse"),
        ],
        start=1,
    ):
        attendee = row(page, f"Attendee {number}")
        attendee.get_by_label("Agency").select_option(label=agencies[code].name)
        attendee.get_by_label("Name").fill(name)
        attendee.get_by_label("Role").fill(role)
    page.get_by_role("button", name="Record the strategy discussion").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    early = summary.get_by_role(
        "link", name=f"The strategy discussion cannot be before the referral on {referral.day}"
    )
    expect(early).to_have_attribute("href", "#id_held_on_day")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)  # both problems, on the first submission
    unanswered = links.filter(has_not_text="cannot be before the referral")
    expect(unanswered).to_have_attribute("href", "#id_s47_decided_0")
    assert page.title().startswith("Error: "), page.title()
    site.check_accessibility()

    # Each link reaches its field.
    early.click()
    expect(page.locator("#id_held_on_day")).to_be_focused()
    unanswered.click()
    expect(page.locator("#id_s47_decided_0")).to_be_focused()
    assert not StrategyDiscussion.objects.filter(episode=episode).exists()
    site.check_accessibility()
