"""The partnership's loop in the browser: a serious incident is notified, its rapid review
leads to a recommendation and a themed action, the police answer an assurance request and
record their evidence, and the scrutineer signs off the impact. Every page passes axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.models import Theme
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


def test_from_serious_incident_to_signed_off_impact(site, partnership_officer, police_officer):
    Theme.objects.get_or_create(
        code="information-sharing", defaults={"name": "Information sharing"}
    )
    Theme.objects.get_or_create(code="think-family", defaults={"name": "Think Family"})
    f.user(None, "scrutineer", "other", username="is.willow")
    police_officer.is_agency_lead = True  # the police's named lead answers for the police
    police_officer.save(update_fields=["is_agency_lead"])
    today = timezone.localdate()
    page = site.page

    # The partnership officer records the incident and its notification.
    site.sign_in("po.larch", PASSWORD)
    site.go("/partnership/")
    expect(_h1(site)).to_have_text("Partnership assurance")
    site.check_accessibility()
    page.get_by_role("link", name="Serious incidents").click()
    expect(_h1(site)).to_have_text("Serious incidents")
    site.check_accessibility()
    page.get_by_role("link", name="Record a serious incident").click()
    site.check_accessibility()
    page.get_by_label("What happened").fill("A baby of nine weeks was admitted with a fracture.")
    page.get_by_label("The child, if not linked to a record").fill("Boy, 9 weeks")
    _fill_date(page, "Date the local authority became aware", today - dt.timedelta(days=3))
    _fill_date(page, "Date the national panel was notified", today - dt.timedelta(days=1))
    page.get_by_role("button", name="Record incident").click()
    expect(page.get_by_text("Serious incident recorded.")).to_be_visible()
    expect(page.get_by_text("On time")).to_be_visible()
    site.check_accessibility()

    # The rapid review: an agency is asked for its information, then the decision.
    page.get_by_role("button", name="Start the rapid review").click()
    expect(page.get_by_text("Rapid review started.")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Ask an agency for its information").click()
    page.get_by_label("Agency").select_option(label="Northmoor Police")
    _fill_date(page, "Return due by", today + dt.timedelta(days=2))
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#information-requests")).to_contain_text("Northmoor Police")
    page.get_by_role("link", name="Record the decision").click()
    _fill_date(page, "Date of the rapid review meeting", today)
    page.get_by_label("No local practice review").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the partnership reached")
    site.check_accessibility()
    page.get_by_label("Why the partnership reached this decision").fill(
        "The learning repeats a recent review; it goes into the thematic plan."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Rapid review decision recorded.")).to_be_visible()

    # A recommendation with two themes, addressed to the police.
    page.get_by_role("link", name="Add a recommendation").click()
    site.check_accessibility()
    page.get_by_label("Recommendation", exact=True).fill(
        "Police tell every professional on the child's team when a family moves."
    )
    page.get_by_label("Information sharing").check()
    page.get_by_label("Think Family").check()
    page.get_by_label("Northmoor Police").check()
    page.get_by_role("button", name="Add recommendation").click()
    expect(page.get_by_text("Recommendation added.")).to_be_visible()
    site.check_accessibility()

    # An action: refused without an owner or a date, then added.
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Audit address-change sharing in 30 cases.")
    page.get_by_role("button", name="Add action").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose the agency or subgroup that owns the action")
    expect(summary).to_contain_text("Enter the date the action is due")
    site.check_accessibility()
    page.get_by_label("Owner: agency").select_option(label="Northmoor Police")
    page.get_by_label("Lead person").fill("Detective Inspector, Safeguarding Hub")
    _fill_date(page, "Due date", today + dt.timedelta(days=60))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added to the plan.")).to_be_visible()

    # The thematic plan shows it under both themes; then assurance is asked of the police.
    site.go("/partnership/action-plan/")
    expect(page.get_by_role("heading", name="Information sharing")).to_be_visible()
    expect(page.get_by_role("heading", name="Think Family")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Audit address-change sharing in 30 cases.").first.click()
    expect(_h1(site)).to_have_text("Action")
    site.check_accessibility()
    page.get_by_role("link", name="Ask Northmoor Police for assurance").click()
    page.get_by_label("What is asked").fill("Show the audit and what changed after it.")
    _fill_date(page, "Answer due by", today + dt.timedelta(days=21))
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Assurance requested.")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # The police answer and record completion and impact.
    site.sign_in("pc.ash", PASSWORD)
    site.go("/partnership/")
    site.check_accessibility()
    page.get_by_role("link", name="Show the audit and what changed after it.").first.click()
    page.get_by_role("link", name="Answer this request").click()
    site.check_accessibility()
    page.get_by_label("Your agency's answer").fill("Audit done: 28 of 30 moves shared in a day.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#assurance-status")).to_have_text("Answered, awaiting judgement")
    site.check_accessibility()
    page.get_by_role("link", name="Audit address-change sharing in 30 cases.").click()
    page.get_by_role("link", name="Record progress").click()
    site.check_accessibility()
    page.get_by_label("Completed").check()
    page.get_by_label("Evidence of completion").fill("Audit of 30 cases completed in March.")
    page.get_by_label("Evidence of impact").fill("Re-audit: 28 of 30 moves shared within a day.")
    page.get_by_label("Impact shown").check()
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("#action-status")).to_have_text("Completed")
    expect(page.get_by_role("link", name="Sign off impact")).to_have_count(0)
    site.sign_out()

    # The scrutineer signs off the impact: the action is achieved.
    site.sign_in("is.willow", PASSWORD)
    site.go("/partnership/action-plan/")
    page.get_by_role("link", name="Audit address-change sharing in 30 cases.").first.click()
    page.get_by_role("link", name="Sign off impact").click()
    site.check_accessibility()
    page.get_by_label("Comment").fill("The re-audit shows the change has held.")
    page.get_by_role("button", name="Sign off impact").click()
    expect(page.locator("#action-status")).to_have_text("Achieved (impact signed off)")
    expect(page.locator("#sign-off")).to_contain_text("Independent scrutineer")
    expect(page.locator("#history")).to_contain_text("Impact signed off")
    site.check_accessibility()
    site.go("/partnership/action-plan/print/")
    expect(_h1(site)).to_have_text("Thematic action plan")
    site.check_accessibility()


DEMO_THEMES = [
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


def test_the_demo_partnership_year_has_every_state_and_every_page_passes_axe(
    site, agencies, police_officer
):
    """Kept here, outside the `sightline` package, because the partnership app may not import
    the demo (the layers contract)."""
    from sightline.demo.partnership import load_partnership_demo
    from sightline.partnership.models import (
        Action,
        ActionStatus,
        AssuranceRequest,
        Escalation,
        PracticeReview,
        RapidReview,
        Recommendation,
        SeriousIncident,
    )

    for code, name in DEMO_THEMES:  # a transactional test may run after a flush
        Theme.objects.get_or_create(code=code, defaults={"name": name})
    load_partnership_demo(seed=7)
    load_partnership_demo(seed=7)  # a second call changes nothing
    assert SeriousIncident.objects.count() == 6
    assert SeriousIncident.objects.filter(notified_on__isnull=True).count() == 2
    assert RapidReview.objects.filter(decided_on__isnull=True).count() == 1
    assert PracticeReview.objects.filter(published_on__isnull=False).count() == 1
    assert set(Action.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert Escalation.objects.count() == 1
    assert AssuranceRequest.objects.filter(judgement="assured").count() == 1
    # After "not assured": one escalated, one asked again.
    assert AssuranceRequest.objects.filter(escalated_at__isnull=False).count() == 1
    assert AssuranceRequest.objects.filter(follow_up_of__isnull=False).count() == 1
    from sightline.partnership.models import AgencyInformationRequest

    in_progress = RapidReview.objects.get(decided_on__isnull=True)
    assert AgencyInformationRequest.objects.filter(
        rapid_review=in_progress, returned_by__is_agency_lead=True
    ).exists()

    from sightline.demo.organisations import DEMO_PASSWORD

    site.sign_in("partnership.officer", DEMO_PASSWORD)
    paths = [
        "/partnership/",
        "/partnership/incidents/",
        "/partnership/rapid-reviews/",
        "/partnership/practice-reviews/",
        "/partnership/recommendations/",
        "/partnership/action-plan/",
        "/partnership/action-plan/?overdue=on",
        "/partnership/assurance/",
        "/partnership/subgroups/",
        "/partnership/practice-reviews/new/",
        "/partnership/assurance/new/",
        *(f"/partnership/incidents/{i.pk}/" for i in SeriousIncident.objects.all()[:2]),
        *(f"/partnership/rapid-reviews/{r.pk}/" for r in RapidReview.objects.all()),
        *(f"/partnership/practice-reviews/{r.pk}/" for r in PracticeReview.objects.all()),
        *(f"/partnership/recommendations/{r.pk}/" for r in Recommendation.objects.all()[:2]),
        *(f"/partnership/actions/{a.pk}/" for a in Action.objects.all()[:4]),
        *(f"/partnership/assurance/{a.pk}/" for a in AssuranceRequest.objects.all()[:3]),
        *(
            f"/partnership/assurance/{a.pk}/"
            for a in AssuranceRequest.objects.filter(judgement="not_assured")
        ),
        "/partnership/rapid-reviews/requests/",
    ]
    for path in paths:
        response = site.page.goto(site.base_url + path)
        assert response is not None and response.status == 200, path
        site.check_accessibility()


def test_the_agency_lead_answers_a_rapid_review_request_and_the_decision_warns_of_others_awaited(
    site, partnership_officer, police_officer, agencies
):
    from sightline.partnership.services import reviews

    police_officer.is_agency_lead = True
    police_officer.save(update_fields=["is_agency_lead"])
    today = timezone.localdate()
    incident = reviews.serious_incident_create(
        actor=partnership_officer,
        summary="A baby of nine weeks was admitted with a fracture.",
        child_description="Boy, 9 weeks",
        aware_on=today - dt.timedelta(days=3),
        notified_on=today - dt.timedelta(days=1),
    )
    review = reviews.rapid_review_start(actor=partnership_officer, incident=incident)
    for code in ("police", "health"):
        reviews.rapid_review_request_information(
            actor=partnership_officer,
            rapid_review=review,
            agency=agencies[code],
            due_on=review.due_on,
            question="Your agency's contact with the family in the last year.",
        )
    page = site.page

    # The police's named lead finds the request on the partnership page and answers it.
    site.sign_in("pc.ash", PASSWORD)
    site.go("/partnership/")
    waiting = page.get_by_role("table", name="Information asked of your agency, not yet returned")
    expect(waiting).to_contain_text(incident.reference)
    site.check_accessibility()
    waiting.get_by_role("link", name=incident.reference).click()
    expect(_h1(site)).to_have_text("Information asked of Northmoor Police")
    expect(page.get_by_text("Your agency's contact with the family")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Give your agency's information").click()
    page.get_by_role("button", name="Send information").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your agency's information")
    site.check_accessibility()
    page.get_by_label("Your agency's information for the review").fill(
        "Two call-outs to the home in March; no arrests; a referral to the front door."
    )
    page.get_by_role("button", name="Send information").click()
    expect(page.get_by_text("Your agency's information has been sent")).to_be_visible()
    expect(page.locator("#information-return")).to_contain_text("Two call-outs to the home")
    site.check_accessibility()
    site.sign_out()

    # The partnership officer sees the return; health's is still awaited, and the decision
    # page says so, by name.
    site.sign_in("po.larch", PASSWORD)
    site.go(f"/partnership/rapid-reviews/{review.pk}/")
    expect(page.locator("#returns-awaited")).to_contain_text("Northmoor Community Health")
    expect(page.locator("#information-requests")).to_contain_text(today.strftime("%-d %B %Y"))
    site.check_accessibility()
    page.get_by_role("link", name="Record the decision").click()
    expect(page.locator("#form-warning")).to_contain_text(
        "Northmoor Community Health has not returned its information yet"
    )
    site.check_accessibility()
    _fill_date(page, "Date of the rapid review meeting", today)
    page.get_by_label("No local practice review").check()
    page.get_by_label("Why the partnership reached this decision").fill(
        "Health's chronology was read at the meeting; the learning goes into the plan."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(
        page.get_by_text("Returns still awaited from Northmoor Community Health")
    ).to_be_visible()
    site.check_accessibility()
