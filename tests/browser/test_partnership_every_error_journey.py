"""A partnership officer grades a case audit with a question left ungraded, no summary, and
"good" overall beside a question graded inadequate: the error summary names all three at once
(the form's own errors and the service's contradiction, not one after the other), the
contradiction's link leads to the overall grade, and every page passes axe. Corrected, the
grades are saved (issue 14, "errors shown in stages")."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sightline.core.models import Theme
from sightline.partnership.models import CaseAudit
from sightline.partnership.services import audits
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_grading_form_names_every_problem_at_once_then_saves_when_corrected(
    site, partnership_officer, police_officer, social_worker
):
    neglect, _ = Theme.objects.get_or_create(code="neglect", defaults={"name": "Neglect"})
    programme = audits.audit_programme_create(
        actor=partnership_officer,
        title="Neglect case audit, spring",
        kind="case_audit",
        theme=neglect,
        planned_on=dt.date(2025, 5, 14),
        questions=["Was neglect recognised early?", "Did agencies share information?"],
    )
    case = audits.case_audit_add(
        actor=partnership_officer,
        programme=programme,
        case_reference="Case N1",
        auditors=[police_officer, social_worker],
    )
    page = site.page

    site.sign_in("po.larch", PASSWORD)
    site.go(f"/partnership/audits/{programme.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Case N1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case audit: Case N1")
    site.check_accessibility()

    first = page.get_by_role("group", name="1. Was neglect recognised early?")
    first.get_by_label("Inadequate").check()
    # Question 2 left ungraded and no summary (the form's own checks); "good" overall beside
    # an inadequate answer (the service's).
    page.get_by_role("group", name="Overall grade").get_by_label("Good").check()
    page.get_by_role("button", name="Save grades").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)  # every problem, on the first submission
    expect(summary).to_contain_text("Grade question 2")
    expect(summary).to_contain_text("Enter what the audit of this case found")
    contradiction = summary.get_by_role(
        "link", name="The overall grade cannot be good when question 1 is graded inadequate"
    )
    expect(contradiction).to_have_attribute("href", "#id_overall_grade_0")
    assert page.title().startswith("Error: "), page.title()
    site.check_accessibility()
    contradiction.click()
    expect(page.locator("#id_overall_grade_0")).to_be_focused()
    case.refresh_from_db()
    assert not case.overall_grade

    # What was typed is kept; corrected, the grades are saved.
    expect(first.get_by_label("Inadequate")).to_be_checked()
    page.get_by_role("group", name="2. Did agencies share information?").get_by_label(
        "Good"
    ).check()
    page.get_by_role("group", name="Overall grade").get_by_label("Requires improvement").check()
    page.get_by_label("What the audit of this case found").fill(
        "Neglect was recognised late; information was shared well once it was."
    )
    page.get_by_role("button", name="Save grades").click()
    expect(page.get_by_text("Grades saved.")).to_be_visible()
    expect(page.locator("#case-grade")).to_contain_text("Requires improvement")
    site.check_accessibility()
    assert CaseAudit.objects.get(pk=case.pk).overall_grade == "requires_improvement"
