"""A social worker reads a child's chronology, on screen and in print. On one day a strategy
discussion (held at 15:00, with its time) decided an S47 enquiry, and the initial conference met
the same day and started a plan (steps recorded with a date only): they read in the order they
happened, the date-only steps with no invented time. A school's long entry is shown whole.
Every page visited passes axe.

The day is counted back from today in working days, so the journey holds on any day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.casework.services.protection import at_time, s47_start
from sightline.casework.tests import test_protection_builders as b
from sightline.core.templatetags.govuk_dates import day_month_year_of
from sightline.core.working_days import is_working_day
from sightline.testing import chronology as c
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = """() => [...document.querySelectorAll("#chronology tbody tr")].map(row => [
  row.cells[0].innerText.trim(), row.cells[1].querySelector("strong").innerText.trim()
])"""

LONG = " ".join(f"Sentence {n} of what the school saw and did about it." for n in range(1, 30))


def working_days_back(today: dt.date, count: int) -> dt.date:
    day = today
    while count:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def test_a_childs_chronology_reads_in_the_order_things_happened_with_no_invented_times(
    site, agencies, social_worker
):
    day = working_days_back(timezone.localdate(), 3)
    child = f.child(
        given_name="Wren", family_name="Timelinechild", date_of_birth=dt.date(2018, 2, 3)
    )
    episode = b.episode(child, agencies, working_days_back(day, 10))
    talk = b.discussion(social_worker, episode, agencies, at_time(day, 15))
    enquiry = s47_start(actor=social_worker, discussion=talk, start_date=day)
    b.icpc_with_plan(social_worker, enquiry, agencies, day)
    c.event(
        child, source=agencies["school"], occurred_at=working_days_back(day, 2), summary=LONG,
        recorded_by_label="School safeguarding lead",
    )  # fmt: skip
    on_the_day = day_month_year_of(day)

    site.sign_in("sw.elm", PASSWORD)
    site.go(f"/people/{child.pk}/")
    page = site.page
    expect(page.locator("#chronology")).to_be_visible()
    rows = [row for row in page.evaluate(ROWS) if row[0].startswith(on_the_day)]
    assert rows == [  # newest first
        [on_the_day, "Child protection plan started"],
        [on_the_day, "Initial child protection conference"],
        [on_the_day, "Section 47 enquiry started"],
        [f"{on_the_day}\n15:00", "Strategy discussion"],
    ]
    expect(page.locator("#chronology")).to_contain_text(LONG)  # whole, not cut off
    site.check_accessibility()

    site.go(f"/people/{child.pk}/print/")
    rows = [row for row in page.evaluate(ROWS) if row[0].startswith(on_the_day)]
    assert [row[0] for row in rows] == [on_the_day] * 3 + [f"{on_the_day}\n15:00"]
    expect(page.locator("#chronology")).to_contain_text(LONG)
    site.check_accessibility()
