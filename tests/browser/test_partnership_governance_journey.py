"""The partnership's governance in the browser: a subgroup chair logs a challenge against the
police, the police respond; an audit's finding becomes an action in the thematic plan; the
police complete their Section 11 return and the summary across agencies shows it. Every page
passes axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.models import Theme
from sightline.partnership.services import plan, self_assessment
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


def test_challenge_audit_finding_and_section_11_return(
    site, agencies, partnership_officer, police_officer, social_worker
):
    Theme.objects.get_or_create(code="neglect", defaults={"name": "Neglect"})
    police_officer.is_agency_lead = True  # answers for the police
    police_officer.save(update_fields=["is_agency_lead"])
    chair = f.user(None, "subgroup_chair", "other", username="sc.rowan")
    subgroup = plan.subgroup_create(actor=partnership_officer, name="Quality Assurance Subgroup")
    subgroup.chair = chair
    subgroup.save(update_fields=["chair"])
    for number, title in enumerate(["Leadership and accountability", "Safer recruitment"], 1):
        self_assessment.standard_create(
            actor=partnership_officer, framework="s11", number=number, title=title
        )
    today = timezone.localdate()
    self_assessment.self_assessment_request(
        actor=partnership_officer,
        framework="s11",
        year=today.year,
        agencies=[agencies["police"], agencies["health"]],
        due_on=today + dt.timedelta(days=30),
    )
    page = site.page

    # The subgroup chair logs a challenge to the police; a missing due date is refused.
    site.sign_in("sc.rowan", PASSWORD)
    site.go("/partnership/")
    site.check_accessibility()
    page.get_by_role("link", name="Challenge and risk log").click()
    expect(_h1(site)).to_have_text("Challenge and risk log")
    site.check_accessibility()
    page.get_by_role("link", name="Log a challenge or risk").click()
    site.check_accessibility()
    expect(page.get_by_label("Raised by")).to_have_value(str(subgroup.pk))
    page.get_by_label("Challenge to: agency").select_option(label="Northmoor Police")
    page.get_by_label("The risk or concern").fill(
        "Health is missing from a third of strategy discussions."
    )
    page.get_by_label("The assurance report requested").fill(
        "An audit of 20 strategy discussions showing who took part."
    )
    page.get_by_role("button", name="Log challenge").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date the assurance report is due")
    site.check_accessibility()
    _fill_date(page, "Assurance report due by", today + dt.timedelta(days=28))
    page.get_by_role("button", name="Log challenge").click()
    expect(page.get_by_text("Challenge logged.")).to_be_visible()
    expect(page.locator("#risk-status")).to_have_text("Awaiting assurance report")
    site.check_accessibility()

    # An audit round on neglect: a case with police and social care auditors, then a finding
    # that becomes an action in the thematic plan.
    site.go("/partnership/")
    page.get_by_role("link", name="Audits and challenge panels").click()
    site.check_accessibility()
    page.get_by_role("link", name="Plan an audit or challenge panel").click()
    site.check_accessibility()
    page.get_by_label("Title").fill("Neglect case audit")
    page.get_by_label("Multi-agency case audit").check()
    page.get_by_label("Theme").select_option(label="Neglect")
    page.get_by_label("Subgroup responsible").select_option(label="Quality Assurance Subgroup")
    _fill_date(page, "Audit date", today)
    page.get_by_label("Audit questions").fill(
        "Was neglect recognised early?\nDid agencies share what they knew?"
    )
    page.get_by_role("button", name="Add audit").click()
    expect(page.get_by_text("Audit added to the programme.")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Add a case and its auditors").click()
    site.check_accessibility()
    page.get_by_label("Case reference").fill("Case N1")
    page.get_by_label("Pc Ash, Northmoor Police").check()
    page.get_by_label("Sw Elm, Northmoor Children's Social Care").check()
    page.get_by_role("button", name="Add case").click()
    expect(page.locator("#cases")).to_contain_text("Case N1")
    page.get_by_role("link", name="Case N1").click()
    site.check_accessibility()
    page.get_by_role("group", name="1. Was neglect recognised early?").get_by_label(
        "Requires improvement"
    ).check()
    page.get_by_role("group", name="2. Did agencies share what they knew?").get_by_label(
        "Good"
    ).check()
    page.get_by_role("group", name="Overall grade").get_by_label("Requires improvement").check()
    page.get_by_label("What the audit of this case found").fill(
        "Neglect was seen late after the family moved; sharing was good once it was seen."
    )
    page.get_by_role("button", name="Save grades").click()
    expect(page.locator("#case-grade")).to_contain_text("Requires improvement")
    site.check_accessibility()
    page.get_by_role("link", name="Neglect case audit").last.click()
    page.get_by_role("link", name="Record a finding").click()
    page.get_by_label("Finding").fill("Neglect is seen late when families move between areas.")
    page.get_by_role("button", name="Record finding").click()
    expect(page.locator("#findings")).to_contain_text("Neglect is seen late")
    site.check_accessibility()
    page.get_by_role("link", name="Turn into an action").click()
    site.check_accessibility()
    page.get_by_label("Action", exact=True).fill(
        "Check for neglect at every police attendance after a family moves."
    )
    page.get_by_label("Owner: agency").select_option(label="Northmoor Police")
    _fill_date(page, "Due date", today + dt.timedelta(days=90))
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_text("The finding is now an action in the thematic plan.")).to_be_visible()
    expect(page.get_by_text("Audit: Neglect case audit F1")).to_be_visible()
    site.check_accessibility()
    site.go("/partnership/action-plan/")
    expect(page.get_by_role("heading", name="Neglect")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # The police respond to the challenge and complete their Section 11 return.
    site.sign_in("pc.ash", PASSWORD)
    site.go("/partnership/")
    site.check_accessibility()
    page.get_by_role("link", name="Challenges to your agency").click()
    expect(page.locator("#risk-log")).to_contain_text("Health is missing")
    site.check_accessibility()
    page.get_by_role("link", name="CR-").click()
    page.get_by_role("link", name="Respond to this challenge").click()
    site.check_accessibility()
    page.get_by_label("Response to the challenge").fill(
        "Audit of 20 discussions: health took part in 17; the other 3 were out of hours."
    )
    page.get_by_role("button", name="Send response").click()
    expect(page.locator("#risk-status")).to_have_text("Responded, awaiting outcome")
    site.check_accessibility()

    site.go("/partnership/")
    page.get_by_role("link", name="Your agency's self-assessment returns").click()
    expect(page.locator("#returns")).not_to_contain_text("Northmoor Community Health")
    site.check_accessibility()
    page.get_by_role("link", name="Section 11").click()
    site.check_accessibility()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#refusal")).to_contain_text("not yet rated 1, 2")
    site.check_accessibility()
    page.get_by_role("link", name="Back to the return").click()
    for title, rag in (("Leadership and accountability", "Green"), ("Safer recruitment", "Amber")):
        page.get_by_role("link", name=title).click()
        site.check_accessibility()
        page.get_by_label(rag).check()
        page.get_by_label("Evidence").fill(f"{title}: policy reviewed this year; audit attached.")
        page.get_by_role("button", name="Save rating").click()
        expect(page.locator("#standards")).to_contain_text(rag)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#return-status")).to_have_text("Submitted")
    site.check_accessibility()
    site.sign_out()

    # The summary across agencies shows the police return.
    site.sign_in("sc.rowan", PASSWORD)
    site.go("/partnership/self-assessment/")
    site.check_accessibility()
    page.get_by_role("link", name="Summary across agencies").click()
    row = page.locator("#summary tr", has_text="Northmoor Police")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Green")
    expect(row).to_contain_text("Amber")
    expect(page.locator("#summary tr", has_text="Northmoor Community Health")).to_contain_text(
        "Not rated"
    )
    site.check_accessibility()


DEMO_THEMES = [  # a transactional test may run after a flush has removed the seeded themes
    ("information-sharing", "Information sharing"),
    ("domestic-abuse", "Domestic abuse"),
    ("neglect", "Neglect"),
    ("supervision", "Supervision and management oversight"),
    ("cultural-competency", "Cultural competency"),
    ("injuries-in-babies", "Injuries in non-mobile babies"),
    ("think-family", "Think Family and household changes"),
    ("was-not-brought", "Was not brought"),
    ("exploitation", "Child exploitation"),
]


def test_the_demo_governance_year_is_written_once_and_every_page_passes_axe(
    site, agencies, police_officer, health_visitor, school_dsl, social_worker
):
    """Kept beside the journey, outside the `sightline` package: the partnership app may not
    import the demo (the layers contract)."""
    from sightline.demo.organisations import DEMO_PASSWORD
    from sightline.demo.partnership import load_partnership_demo
    from sightline.partnership.models import (
        AuditFinding,
        AuditProgramme,
        CaseAudit,
        FinancialYear,
        MeetingAction,
        OutcomeProgress,
        PlanOutcome,
        RiskLogEntry,
        SelfAssessmentReturn,
        Subgroup,
        SubgroupMeeting,
    )

    for code, name in DEMO_THEMES:
        Theme.objects.get_or_create(code=code, defaults={"name": name})
    load_partnership_demo(seed=7)
    counts = [
        model.objects.count()
        for model in (RiskLogEntry, SubgroupMeeting, PlanOutcome, CaseAudit, SelfAssessmentReturn)
    ]
    load_partnership_demo(seed=7)  # a second call changes nothing
    assert counts == [
        model.objects.count()
        for model in (RiskLogEntry, SubgroupMeeting, PlanOutcome, CaseAudit, SelfAssessmentReturn)
    ]
    assert set(RiskLogEntry.objects.values_list("status", flat=True)) == {
        "open",
        "responded",
        "closed",
    }
    assert OutcomeProgress.objects.exists() and MeetingAction.objects.exists()
    assert CaseAudit.objects.exclude(overall_grade="").count() >= 2
    assert AuditFinding.objects.filter(action__isnull=False).count() == 2
    assert SelfAssessmentReturn.objects.filter(framework="s11", status="submitted").exists()
    assert SelfAssessmentReturn.objects.filter(framework="s175").exists()
    assert FinancialYear.objects.count() == 2

    site.sign_in("partnership.officer", DEMO_PASSWORD)
    year = FinancialYear.objects.first()
    paths = [
        "/partnership/",
        "/partnership/risks/",
        "/partnership/risks/?overdue=on",
        "/partnership/risks/new/",
        "/partnership/risks/quarterly/",
        "/partnership/business-plan/",
        "/partnership/audits/",
        "/partnership/audits/new/",
        "/partnership/self-assessment/",
        "/partnership/self-assessment/summary/",
        "/partnership/self-assessment/summary/?framework=s175",
        "/partnership/self-assessment/standards/",
        "/partnership/finances/",
        f"/partnership/finances/{year.start_year}/",
        *(f"/partnership/risks/{e.pk}/" for e in RiskLogEntry.objects.all()[:3]),
        *(f"/partnership/business-plan/outcomes/{o.pk}/" for o in PlanOutcome.objects.all()[:2]),
        *(f"/partnership/subgroups/{s.pk}/" for s in Subgroup.objects.all()[:2]),
        *(f"/partnership/subgroups/{s.pk}/summary/" for s in Subgroup.objects.all()[:2]),
        *(f"/partnership/subgroups/{s.pk}/meetings/new/" for s in Subgroup.objects.all()[:1]),
        *(f"/partnership/meetings/{m.pk}/" for m in SubgroupMeeting.objects.all()[:1]),
        *(f"/partnership/audits/{p.pk}/" for p in AuditProgramme.objects.all()),
        *(f"/partnership/audits/cases/{c.pk}/" for c in CaseAudit.objects.all()[:1]),
        *(f"/partnership/self-assessment/{r.pk}/" for r in SelfAssessmentReturn.objects.all()[:2]),
    ]
    for path in paths:
        response = site.page.goto(site.base_url + path)
        assert response is not None and response.status == 200, path
        site.check_accessibility()
