"""The child protection pathway through the pages, as the issue describes it: from an open
episode, a social worker records the strategy discussion (social care, police and health;
S47 decided; an agreed action), starts the S47 enquiry, records the initial conference (on a
weekday: a Saturday is refused) that decides a plan, writes the plan's SMART outcomes (an
outcome without a date stops the plan being confirmed, with a message saying what to fix),
records the first core group and a statutory visit (the child seen alone); the team manager
records supervision. After each step the child's chronology shows the new entry and the
team's due list changes. Every page visited, forms with and without errors, passes axe.

Dates are counted back from today in working days, so the journey holds on any day:
the referral 30 working days ago, the strategy discussion 25 (its ICPC due 10 working days
ago: overdue), the conference 11 (its first core group due 1 working day ago: overdue)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from sightline.casework.models import Episode, Plan
from sightline.casework.services.episodes import episode_open
from sightline.casework.services.protection import s47_complete
from sightline.casework.tests import test_protection_builders as b
from sightline.core.working_days import is_working_day
from sightline.testing import factories as f
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "Safeguarding Team North"
ICPC = "Initial child protection conference"

DUE_ROWS = """() => Object.fromEntries([...document.querySelectorAll("main table")].map(table => {
  const kinds = [...table.tBodies[0].rows].map(row => {
    const cell = row.cells[1].cloneNode(true);
    cell.querySelectorAll(".govuk-visually-hidden").forEach(hidden => hidden.remove());
    return cell.textContent.trim();
  });
  return [table.caption.textContent.trim(), kinds];
}))"""


def working_days_back(today: dt.date, count: int) -> dt.date:
    day = today
    while count:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def fill_date(scope: Page | Locator, legend: str, day: dt.date) -> None:
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def row(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


BROKEN_ERROR_LINKS = """() => [...document.querySelectorAll(".govuk-error-summary a")]
  .map(link => link.getAttribute("href"))
  .filter(href => !href.startsWith("#") || !document.getElementById(href.slice(1)))"""


def expect_errors(page: Page, message: str) -> None:
    """The error summary says `message`; each of its links leads to something on the page;
    the page's title starts "Error:" (GOV.UK: the title tells a screen reader first)."""
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    assert page.evaluate(BROKEN_ERROR_LINKS) == [], "error summary links to nothing"
    assert page.title().startswith("Error: "), page.title()


def due_list(site) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The team's due list as {"Overdue": [kinds], "Due this week": [kinds]}, axe-checked."""
    site.go("/casework/team/")
    expect(site.page.get_by_role("heading", name=f"{TEAM}: what is due")).to_be_visible()
    site.check_accessibility()
    tables = site.page.evaluate(DUE_ROWS)
    return {caption: tables.get(caption, []) for caption in ("Overdue", "Due this week")}


def chronology_shows(site, child_pk: int, *entries: str) -> None:  # type: ignore[no-untyped-def]
    site.go(f"/people/{child_pk}/")
    main = site.page.locator("main")
    for entry in entries:
        expect(main).to_contain_text(entry)
    site.check_accessibility()


def test_a_child_goes_from_strategy_discussion_to_plan_core_group_visit_and_supervision(
    site, agencies, social_worker
):
    page = site.page
    today = timezone.localdate()
    referral = working_days_back(today, 30)
    discussed = working_days_back(today, 25)
    conference = working_days_back(today, 11)
    saturday = conference - dt.timedelta(days=(conference.weekday() + 2) % 7)
    team = f.team(agencies["csc"], TEAM)
    social_worker.team = team
    social_worker.save(update_fields=["team"])
    f.user(agencies["csc"], "team_manager", "social_worker", username="tm.yew", team=team)
    child = f.child(
        given_name="Rowan", family_name="Journeychild", date_of_birth=dt.date(2017, 9, 3)
    )
    episode = episode_open(
        actor=social_worker,
        child=child,
        team=team,
        lead_social_worker=social_worker,
        referral_date=referral,
        referral_source="6",
    )

    site.go("/accounts/sign-in/")
    site.check_accessibility()
    site.sign_in("sw.elm", PASSWORD)
    site.check_accessibility()  # the home page
    due = due_list(site)
    assert "Supervision" in due["Overdue"]  # none in the 4 weeks since the referral
    assert ICPC not in due["Overdue"] + due["Due this week"]

    # Strategy discussion: police and social care only at first, so health is asked for
    site.go(f"/casework/episodes/{episode.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Record a strategy discussion").click()
    expect(page.get_by_role("heading", name="Record a strategy discussion")).to_be_visible()
    site.check_accessibility()
    fill_date(page, "Date of the discussion", discussed)
    page.get_by_label("Time", exact=True).fill("10:30")
    page.get_by_label("Information shared").fill(
        "School saw bruising on Rowan's arm; police attended the home twice this month."
    )
    row(page, "Did the discussion decide to start section 47 enquiries?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Why", exact=True).fill("Unexplained bruising and repeated call-outs.")
    page.get_by_label("Safety plan until the conference").fill(
        "Rowan stays with her grandmother; contact with her stepfather is supervised."
    )
    for number, (code, name, role) in enumerate(
        [
            ("csc", "Sam Elm", "Social worker"),
            ("police", "Dee Constable", "Detective constable"),
        ],
        start=1,
    ):
        attendee = row(page, f"Attendee {number}")
        attendee.get_by_label("Agency").select_option(label=agencies[code].name)
        attendee.get_by_label("Name").fill(name)
        attendee.get_by_label("Role").fill(role)
    action = row(page, "Action 1")
    action.get_by_label("What will be done").fill("Check police records for the household")
    action.get_by_label("Who will do it").fill("DC Constable")
    action.get_by_label("Their agency").select_option(label=agencies["police"].name)
    fill_date(action, "By when", discussed + dt.timedelta(days=2))
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect_errors(page, "No one from health took part: say why")
    site.check_accessibility()
    health = row(page, "Attendee 3")
    health.get_by_label("Agency").select_option(label=agencies["health"].name)
    health.get_by_label("Name").fill("Nia Nurse")
    health.get_by_label("Role").fill("Named nurse")
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect(page.get_by_text("Strategy discussion recorded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Check police records for the household")
    site.check_accessibility()
    chronology_shows(site, child.pk, "Strategy discussion: section 47 enquiries to start")
    due = due_list(site)
    assert ICPC not in due["Overdue"] + due["Due this week"]  # not until the S47 starts

    # S47 enquiry: a start before the discussion is refused, then it starts that day
    site.go(f"/casework/episodes/{episode.pk}/protection/")
    site.check_accessibility()
    page.locator("main a[href*='/casework/strategy-discussions/']").click()
    expect(page.get_by_role("heading", name="Strategy discussion,")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Start the S47 enquiry").click()
    site.check_accessibility()
    fill_date(page, "Start date", discussed - dt.timedelta(days=1))
    page.get_by_role("button", name="Start the enquiry").click()
    expect_errors(page, "cannot start before the strategy discussion")
    site.check_accessibility()
    fill_date(page, "Start date", discussed)
    page.get_by_role("button", name="Start the enquiry").click()
    expect(page.get_by_text("S47 enquiry started.")).to_be_visible()
    site.check_accessibility()
    chronology_shows(site, child.pk, "Section 47 enquiry started")
    due = due_list(site)
    assert ICPC in due["Overdue"]  # 15 working days after the discussion, passed

    # Initial conference: a Saturday is refused; on a weekday it decides a plan
    site.go(f"/casework/s47/{episode.s47_enquiries.get().pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Record the initial conference").click()
    site.check_accessibility()
    fill_date(page, "Date of the conference", saturday)
    page.get_by_label("Chair").fill("Pat Chair, independent reviewing officer")
    page.get_by_label("The child's wishes and feelings").fill(
        "Rowan says she likes staying at Nan's and wants her mum to visit."
    )
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Category of abuse").select_option(label="Physical abuse")
    page.get_by_label("Lead social worker").select_option(label="Sw Elm")
    for number, (code, name, role) in enumerate(
        [
            ("csc", "Sam Elm", "Social worker"),
            ("police", "Dee Constable", "Detective constable"),
            ("health", "Nia Nurse", "Named nurse"),
        ],
        start=1,
    ):
        attendee = row(page, f"Agency {number}")
        attendee.get_by_label("Agency").select_option(label=agencies[code].name)
        attendee.get_by_label("Name").fill(name)
        attendee.get_by_label("Role").fill(role)
        attendee.get_by_label("Sent a report").check()
    for number, (name, role, agency) in enumerate(
        [("Sam Elm", "Lead social worker", "csc"), ("Kim Journeychild", "Mother", None)],
        start=1,
    ):
        member = row(page, f"Member {number}")
        member.get_by_label("Name").fill(name)
        member.get_by_label("Role").fill(role)
        if agency:
            member.get_by_label("Agency").select_option(label=agencies[agency].name)
    page.get_by_role("button", name="Record the conference").click()
    expect_errors(page, "is a Saturday")
    site.check_accessibility()
    fill_date(page, "Date of the conference", conference)
    page.get_by_role("button", name="Record the conference").click()
    expect(page.get_by_text("Initial child protection conference recorded.")).to_be_visible()
    site.check_accessibility()
    chronology_shows(
        site,
        child.pk,
        "Initial child protection conference: child protection plan",
        "Child protection plan started: Physical abuse",
    )
    due = due_list(site)
    assert ICPC not in due["Overdue"] + due["Due this week"]  # held
    assert "Core group" in due["Overdue"]  # 10 working days after the conference
    assert "Statutory visit" in due["Overdue"]  # every 10 working days on a CP plan

    # The plan: an outcome without a date cannot be confirmed; with one it can
    plan = Plan.objects.get(episode=episode, kind=Plan.Kind.CP)
    site.go(f"/casework/plans/{plan.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Add an outcome").click()
    site.check_accessibility()
    page.get_by_role("button", name="Save the outcome").click()
    expect_errors(page, "Say what the concern is")
    site.check_accessibility()
    page.get_by_label("The concern").fill("Rowan has unexplained bruises.")
    page.get_by_label("What will be done").fill(
        "Parenting programme for mum and stepfather; weekly home visits."
    )
    page.get_by_label("Who is responsible").fill("Sam Elm")
    page.get_by_label("Their agency").select_option(label=agencies["csc"].name)
    page.get_by_label("How success will be measured").fill(
        "No new injuries; the school reports Rowan settled for 12 weeks."
    )
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_text("Outcome saved.")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("button", name="Confirm the plan").click()
    expect_errors(page, "Outcome 1 has no date: say by when it will be done")
    site.check_accessibility()
    page.get_by_role("link", name="Change outcome 1").click()
    site.check_accessibility()
    fill_date(page, "By when", today + dt.timedelta(weeks=12))
    page.get_by_role("button", name="Save the outcome").click()
    page.get_by_role("button", name="Confirm the plan").click()
    expect(page.get_by_text("Plan confirmed: version 1.")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Version 1").click()
    site.check_accessibility()
    chronology_shows(site, child.pk, "Child protection plan confirmed (version 1)")
    due = due_list(site)
    assert "Core group" in due["Overdue"]  # still to meet

    # The first core group: who came must be said, and progress on each outcome
    site.go(f"/casework/plans/{plan.pk}/")
    page.get_by_role("link", name="Core group and its meetings").click()
    site.check_accessibility()
    page.get_by_role("link", name="Record a core group meeting").click()
    site.check_accessibility()
    fill_date(page, "Date of the meeting", today)
    page.get_by_role("button", name="Record the meeting").click()
    expect_errors(page, "Say who came")
    site.check_accessibility()
    page.get_by_label("Sam Elm (Lead social worker)").check()
    page.get_by_label("Kim Journeychild (Mother)").check()
    page.get_by_label("On track").check()
    page.get_by_label("Outcome 1: progress made").fill(
        "Mum has started the parenting programme; no new injuries seen."
    )
    meeting_action = row(page, "Action 1")
    meeting_action.get_by_label("What will be done").fill("Book the stepfather's first session")
    meeting_action.get_by_label("Who will do it").fill("Sam Elm")
    meeting_action.get_by_label("Their agency").select_option(label=agencies["csc"].name)
    fill_date(meeting_action, "By when", today + dt.timedelta(days=14))
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Core group meeting recorded.")).to_be_visible()
    site.check_accessibility()
    chronology_shows(site, child.pk, "Core group meeting")
    due = due_list(site)
    assert "Core group" not in due["Overdue"] + due["Due this week"]  # next in 6 weeks

    # A statutory visit: "seen alone" needs "seen"
    site.go(f"/casework/episodes/{episode.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Record a statutory visit").click()
    site.check_accessibility()
    fill_date(page, "Date of the visit", today)
    page.get_by_label("The child was seen alone").check()
    page.get_by_role("button", name="Record the visit").click()
    expect_errors(page, "tick 'The child was seen'")
    site.check_accessibility()
    page.get_by_label("The child was seen", exact=True).check()
    page.get_by_label("Notes").fill("Saw Rowan alone in her room; she showed me her drawings.")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    site.check_accessibility()
    chronology_shows(site, child.pk, "Statutory visit: the child was seen alone.")
    due = due_list(site)
    assert "Statutory visit" not in due["Overdue"] + due["Due this week"]
    assert "Supervision" in due["Overdue"]
    site.sign_out()

    # Supervision, by the team manager
    site.sign_in("tm.yew", PASSWORD)
    site.go(f"/casework/episodes/{episode.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Record supervision").click()
    site.check_accessibility()
    fill_date(page, "Date of supervision", today)
    page.get_by_label("What was discussed").fill("The conference's plan and the first core group.")
    page.get_by_label("Decisions").fill(
        "Sam to book the stepfather's sessions this week; review the safety plan in 2 weeks."
    )
    fill_date(page, "Next supervision by", today)
    page.get_by_role("button", name="Record supervision").click()
    expect_errors(page, "The next supervision must be after this one")
    site.check_accessibility()
    fill_date(page, "Next supervision by", today + dt.timedelta(weeks=4))
    page.get_by_role("button", name="Record supervision").click()
    expect(page.get_by_text("Supervision recorded.")).to_be_visible()
    site.check_accessibility()
    chronology_shows(site, child.pk, "Case supervision with Tm Yew")
    due = due_list(site)
    assert due["Overdue"] == []
    expect(page.get_by_text("Nothing is overdue.")).to_be_visible()

    episode = Episode.objects.get(pk=episode.pk)
    assert episode.is_open and episode.lead_social_worker == social_worker


def test_the_other_casework_pages_pass_axe_with_and_without_errors(site, agencies):
    """The pages the journey does not reach: referrals, opening an episode, assessments,
    medicals, the S47 outcome, review conferences, ending a plan, a child in need plan, the
    core group's members, transfer and closure; each form also shown with its errors."""
    page = site.page
    today = timezone.localdate()
    team = f.team(agencies["csc"], TEAM)
    f.team(agencies["csc"], "Family Support West")
    manager = f.user(agencies["csc"], "team_manager", "social_worker", username="tm.yew", team=team)
    child = f.child(given_name="Wren", family_name="Sweepchild")
    newcomer = f.child(given_name="Alder", family_name="Sweepchild")
    episode = episode_open(
        actor=manager,
        child=child,
        team=team,
        lead_social_worker=manager,
        referral_date=working_days_back(today, 20),
        referral_source="6",
    )
    enquiry = b.s47(manager, episode, agencies, working_days_back(today, 15))
    plan = b.cp_plan(b.icpc_with_plan(manager, enquiry, agencies, working_days_back(today, 5)))

    def errors_then(button: str, expected: str) -> None:
        site.check_accessibility()
        page.get_by_role("button", name=button).click()
        expect_errors(page, expected)
        site.check_accessibility()

    site.sign_in("tm.yew", PASSWORD)
    site.check_accessibility()  # the home page
    site.go("/casework/referrals/")
    site.check_accessibility()

    # Opening an episode for a child with none
    site.go(f"/casework/children/{newcomer.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Open an episode").click()
    page.get_by_label("Team").select_option(label=TEAM)
    errors_then("Open the episode", "Enter the date of the referral")
    fill_date(page, "Referral date", today)
    page.get_by_label("Referral source").select_option(index=1)
    page.get_by_role("button", name="Open the episode").click()
    expect(page.get_by_text("Episode opened.")).to_be_visible()
    site.check_accessibility()

    # The child with a plan: casework, episode, protection overview
    site.go(f"/casework/children/{child.pk}/")
    site.check_accessibility()
    site.go(f"/casework/episodes/{episode.pk}/protection/")
    site.check_accessibility()

    # An assessment: start, record (the grouped factors), complete
    site.go(f"/casework/episodes/{episode.pk}/assessments/new/")
    errors_then("Start the assessment", "Enter the date the assessment started")
    fill_date(page, "Start date", today)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Assessment started.")).to_be_visible()
    page.locator("input[name=factors][value='21']").check()
    page.locator("input[name=factors]").first.check()
    errors_then("Save the assessment", "21")
    page.get_by_role("link", name="Complete and authorise the assessment").click()
    errors_then("Complete and authorise", "Enter the outcome of the assessment")

    # A medical: the request, then its outcome
    site.go(f"/casework/episodes/{episode.pk}/medicals/new/")
    errors_then("Send the request", "")
    fill_date(page, "Date requested", working_days_back(today, 1))  # never later than now
    page.get_by_label("Time requested").fill("09:15")
    page.get_by_label("The injury or concern").fill("Bruise on the left forearm, 3cm.")
    page.get_by_label("The history given").fill("Mum says she fell off the trampoline.")
    page.get_by_label("Who has parental responsibility").fill("Mum and dad.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Child protection medical requested.")).to_be_visible()
    errors_then("Record the outcome", "")

    # The S47's outcome, a review conference, ending the plan, its core group's members
    site.go(f"/casework/s47/{enquiry.pk}/complete/")
    errors_then("Record the outcome", "")
    site.go(f"/casework/plans/{plan.pk}/review-conferences/new/")
    errors_then("Record the conference", "")
    site.go(f"/casework/plans/{plan.pk}/end/")  # a CP plan ends only at a review conference
    expect(page.get_by_role("link", name="Record a review conference")).to_be_visible()
    site.check_accessibility()
    site.go(f"/casework/plans/{plan.pk}/core-group/")
    errors_then("Add the member", "")

    # A child in need plan cannot overlap the child protection plan
    site.go(f"/casework/episodes/{episode.pk}/plans/new/")
    fill_date(page, "Start date", today)
    errors_then("Start the plan", "")

    # Transfer and closure
    site.go(f"/casework/episodes/{episode.pk}/transfer/")
    errors_then("Transfer the case", "Choose the team the case is moving to")
    site.go(f"/casework/episodes/{episode.pk}/close/")
    errors_then("Close the episode", "Choose the reason for closure")
    assert Episode.objects.get(pk=episode.pk).is_open


def test_a_review_conference_ends_the_plan_and_a_manager_authorises_closing_the_episode(
    site, agencies, social_worker
):
    """Working Together: only a review conference ends a child protection plan (its date, its
    chair, its decision); closing the episode is a manager's decision, with a summary."""
    page = site.page
    today = timezone.localdate()
    team = f.team(agencies["csc"], TEAM)
    social_worker.team = team
    social_worker.save(update_fields=["team"])
    manager = f.user(agencies["csc"], "team_manager", "social_worker", username="tm.yew", team=team)
    child = f.child(
        given_name="Hazel", family_name="Endingchild", date_of_birth=dt.date(2016, 4, 1)
    )
    episode = episode_open(
        actor=social_worker,
        child=child,
        team=team,
        lead_social_worker=social_worker,
        referral_date=working_days_back(today, 30),
        referral_source="6",
    )
    enquiry = b.s47(social_worker, episode, agencies, working_days_back(today, 25))
    icpc_day = working_days_back(today, 15)
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, icpc_day))
    s47_complete(
        actor=social_worker,
        s47=enquiry,
        completed_date=icpc_day,
        outcome="Significant harm substantiated: the conference decided a plan.",
        icpc_not_required=False,
    )
    review_day = working_days_back(today, 2)

    site.sign_in("sw.elm", PASSWORD)
    site.go(f"/casework/plans/{plan.pk}/")
    site.check_accessibility()
    assert page.get_by_role("link", name="End the plan").count() == 0
    page.get_by_role("link", name="Record a review conference").click()
    site.check_accessibility()
    fill_date(page, "Date of the conference", review_day)
    page.locator("input[name=decision][value=end]").check()
    page.get_by_role("button", name="Record the conference").click()
    expect_errors(page, "Name the chair")
    site.check_accessibility()
    page.get_by_label("Chair", exact=True).fill("Jo Independent")
    page.get_by_role("button", name="Record the conference").click()
    expect(page.get_by_text("Review child protection conference recorded.")).to_be_visible()
    site.check_accessibility()
    site.go(f"/casework/plans/{plan.pk}/")
    expect(page.locator("main")).to_contain_text("review conference chaired by Jo Independent")
    site.check_accessibility()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED and plan.end_date == review_day

    # The social worker asks; the episode stays open until a manager authorises
    site.go(f"/casework/episodes/{episode.pk}/")
    page.get_by_role("link", name="Ask a manager to close the episode").click()
    site.check_accessibility()
    fill_date(page, "Closure date", today)
    page.locator("input[name=reason][value=RC7]").check()
    page.get_by_role("button", name="Ask a manager to close it").click()
    expect_errors(page, "Write the closure summary")
    site.check_accessibility()
    page.get_by_label("Closure summary").fill(
        "The plan's outcomes were met: Hazel is safe at home and attends school every day."
    )
    page.get_by_role("button", name="Ask a manager to close it").click()
    expect(page.get_by_text("Closure asked for: a team manager will decide.")).to_be_visible()
    site.check_accessibility()
    assert Episode.objects.get(pk=episode.pk).is_open
    site.sign_out()

    site.sign_in("tm.yew", PASSWORD)
    site.go(f"/casework/episodes/{episode.pk}/")
    page.get_by_role("link", name="Authorise or return the request to close the episode").click()
    expect(page.locator("main")).to_contain_text("Hazel is safe at home")
    site.check_accessibility()
    page.get_by_role("button", name="Authorise the closure").click()
    expect(page.get_by_text("Closure authorised: the episode is closed.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Authorised by {manager}")
    site.check_accessibility()
    episode.refresh_from_db()
    assert episode.closure_date == today and episode.closure_authorised_by == manager


def test_a_plan_ends_when_the_child_moves_and_only_the_cases_own_manager_closes_the_episode(
    site, agencies, social_worker
):
    """Working Together: a child protection plan ends without a review conference only when
    the child moves to another authority's plan (or turns 18, or dies), with its evidence;
    every error on that form shows at once. Closing the episode is then authorised only by a
    manager of the team holding the case. Every page visited passes axe."""
    page = site.page
    today = timezone.localdate()
    team = f.team(agencies["csc"], TEAM)
    social_worker.team = team
    social_worker.save(update_fields=["team"])
    f.user(agencies["csc"], "team_manager", "social_worker", username="tm.yew", team=team)
    south = f.team(agencies["csc"], "Child Protection Team South")
    f.user(agencies["csc"], "team_manager", "social_worker", username="tm.rowan", team=south)
    child = f.child(
        given_name="Juniper", family_name="Movingchild", date_of_birth=dt.date(2015, 2, 3)
    )
    episode = episode_open(
        actor=social_worker,
        child=child,
        team=team,
        lead_social_worker=social_worker,
        referral_date=working_days_back(today, 30),
        referral_source="6",
    )
    enquiry = b.s47(social_worker, episode, agencies, working_days_back(today, 25))
    icpc_day = working_days_back(today, 15)
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, icpc_day))
    s47_complete(
        actor=social_worker,
        s47=enquiry,
        completed_date=icpc_day,
        outcome="Significant harm substantiated: the conference decided a plan.",
        icpc_not_required=False,
    )
    moved_on = working_days_back(today, 3)

    site.sign_in("sw.elm", PASSWORD)
    site.go(f"/casework/plans/{plan.pk}/end/")
    site.check_accessibility()
    expect(page.get_by_role("link", name="Record a review conference")).to_be_visible()
    # No date (the form's check) and no receiving authority (the service's), at once.
    page.get_by_label("The child moved to another local authority", exact=False).check()
    page.get_by_role("button", name="End the plan").click()
    expect_errors(page, "Enter the date the plan ended")
    expect_errors(page, "Name the local authority the child moved to")
    site.check_accessibility()
    fill_date(page, "Date the plan ended", moved_on)
    page.get_by_label("Local authority the child moved to (for a move)").fill(
        "Northshire County Council"
    )
    page.get_by_role("button", name="End the plan").click()
    expect(page.get_by_text("Plan ended.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("moved to Northshire County Council")
    site.check_accessibility()
    plan.refresh_from_db()
    assert (plan.status, plan.end_date, plan.ended_because) == (
        Plan.Status.ENDED,
        moved_on,
        "moved_authority",
    )

    site.go(f"/casework/episodes/{episode.pk}/")
    page.get_by_role("link", name="Ask a manager to close the episode").click()
    fill_date(page, "Closure date", today)
    page.locator("input[name=reason][value=RC5]").check()
    page.get_by_label("Closure summary").fill(
        "Juniper moved to Northshire, whose transfer-in conference took over her plan."
    )
    page.get_by_role("button", name="Ask a manager to close it").click()
    expect(page.get_by_text("Closure asked for: a team manager will decide.")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # A manager of another team sees the request waiting for the case's own team.
    site.sign_in("tm.rowan", PASSWORD)
    site.go(f"/casework/episodes/{episode.pk}/")
    page.get_by_role("link", name=f"Closure asked for: waiting for a manager of {TEAM}").click()
    expect(page.locator("main")).to_contain_text(f"waiting for a manager of {TEAM}")
    assert page.get_by_role("button", name="Authorise the closure").count() == 0
    site.check_accessibility()
    site.sign_out()

    site.sign_in("tm.yew", PASSWORD)
    site.go(f"/casework/episodes/{episode.pk}/close/")
    page.get_by_role("button", name="Authorise the closure").click()
    expect(page.get_by_text("Closure authorised: the episode is closed.")).to_be_visible()
    site.check_accessibility()
    episode.refresh_from_db()
    assert episode.closure_reason == "RC5" and not episode.is_open
