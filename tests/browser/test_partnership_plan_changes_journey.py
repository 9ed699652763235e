"""Changing the thematic plan in the browser: the partnership officer moves an action's due
date (its history shows from and to), withdraws it with a reason (it stays, marked withdrawn,
and leaves the counts), and re-opens a completed action before changing it; a police
practitioner may only view the police's action, which the police's named lead updates. Every
page passes axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.models import Theme
from sightline.partnership.models import ActionStatus
from sightline.partnership.services import plan
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _h1(site):
    return site.page.get_by_role("heading", level=1)


def test_edit_withdraw_and_reopen_actions_and_only_the_lead_updates(
    site, agencies, partnership_officer, police_officer
):
    theme, _ = Theme.objects.get_or_create(
        code="information-sharing", defaults={"name": "Information sharing"}
    )
    lead = f.user(agencies["police"], "practitioner", "police_officer", username="di.hawthorn")
    lead.is_agency_lead = True
    lead.job_title = "Detective Inspector, safeguarding"
    lead.save(update_fields=["is_agency_lead", "job_title"])
    today = timezone.localdate()
    recommendation = plan.recommendation_create(
        actor=partnership_officer,
        source="local_review",
        source_reference="Child T practice review",
        number="2",
        text="Police tell every professional on the child's team when a family moves.",
        themes=[theme],
        agencies=[agencies["police"]],
    )
    audit_action = plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Audit address-change sharing in 30 cases.",
        owner_agency=agencies["police"],
        lead_person="Detective Inspector, Safeguarding Hub",
        due_on=today + dt.timedelta(days=30),
    )
    briefing = plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Brief every response shift on sharing moves.",
        owner_agency=agencies["police"],
        due_on=today + dt.timedelta(days=60),
    )
    plan.action_progress_record(
        actor=partnership_officer,
        action=briefing,
        status=ActionStatus.COMPLETED,
        completion_evidence="Briefing given to four of five shifts.",
    )
    page = site.page

    # The partnership officer moves the audit's due date, saying why.
    site.sign_in("po.larch", PASSWORD)
    site.go(f"/partnership/actions/{audit_action.pk}/")
    expect(_h1(site)).to_have_text("Action")
    site.check_accessibility()
    page.get_by_role("link", name="Change the action").click()
    expect(_h1(site)).to_have_text("Change the action")
    expect(page.get_by_label("Action", exact=True)).to_have_value(
        "Audit address-change sharing in 30 cases."
    )
    site.check_accessibility()
    new_due = today + dt.timedelta(days=90)
    _fill_date(page, "Due date", new_due)
    page.get_by_label("Why it is changing").fill("The audit tool arrives next quarter.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Action changed.")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text(f"Due on: {today + dt.timedelta(days=30):%-d %B %Y}")
    expect(history).to_contain_text(f"{new_due:%-d %B %Y}")
    expect(history).to_contain_text("The audit tool arrives next quarter.")
    site.check_accessibility()

    # Then withdraws it: a reason is required; it stays, marked withdrawn, and is not counted.
    page.get_by_role("link", name="Withdraw the action").click()
    site.check_accessibility()
    page.get_by_role("button", name="Withdraw action").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why it is withdrawn")
    site.check_accessibility()
    page.get_by_label("Why it is withdrawn").fill(
        "Superseded by the regional information-sharing audit."
    )
    page.get_by_role("button", name="Withdraw action").click()
    expect(page.get_by_text("Action withdrawn.")).to_be_visible()
    expect(page.locator("#action-status")).to_have_text("Withdrawn")
    expect(page.locator("#withdrawn")).to_contain_text("Superseded by the regional")
    expect(page.get_by_role("link", name="Record progress")).to_have_count(0)
    expect(page.get_by_role("link", name="Change the action")).to_have_count(0)
    site.check_accessibility()
    site.go("/partnership/action-plan/")
    expect(page.locator("#plan-summary")).to_contain_text("1 action; completed: 1")
    expect(page.locator("#plan-summary")).to_contain_text("1 withdrawn, not counted")
    site.check_accessibility()

    # The completed briefing is not edited silently: it is re-opened first, with a reason.
    site.go(f"/partnership/actions/{briefing.pk}/")
    expect(page.locator("#locked")).to_contain_text("re-open it first")
    expect(page.get_by_role("link", name="Change the action")).to_have_count(0)
    site.check_accessibility()
    page.get_by_role("link", name="Re-open the action").click()
    site.check_accessibility()
    page.get_by_label("Why it is re-opened").fill("One shift has not been briefed yet.")
    page.get_by_role("button", name="Re-open action").click()
    expect(page.locator("#action-status")).to_have_text("On track")
    expect(page.locator("#history")).to_contain_text("One shift has not been briefed yet.")
    expect(page.get_by_role("link", name="Change the action")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # A police practitioner sees the action but is told who records progress.
    site.sign_in("pc.ash", PASSWORD)
    site.go(f"/partnership/actions/{briefing.pk}/")
    expect(page.locator("#lead-only")).to_contain_text(
        "Only Northmoor Police's named agency lead records progress on this action: "
        "Di Hawthorn (Detective Inspector, safeguarding)"
    )
    expect(page.get_by_role("link", name="Record progress")).to_have_count(0)
    site.check_accessibility()
    site.sign_out()

    # The police's named lead records the progress.
    site.sign_in("di.hawthorn", PASSWORD)
    site.go(f"/partnership/actions/{briefing.pk}/")
    page.get_by_role("link", name="Record progress").click()
    site.check_accessibility()
    page.get_by_label("Completed").check()
    page.get_by_label("Evidence of completion").fill("All five shifts briefed by the end of May.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("#action-status")).to_have_text("Completed")
    expect(page.locator("#history")).to_contain_text("Di Hawthorn, Northmoor Police")
    site.check_accessibility()
