"""Deciding with a partner check still unanswered, after a manager sent the decision back.

The decide page names the agency still awaited, shows every partner's answer and the manager's
note, refuses a contradiction with every error at once, and records the decision. A date's
error links to its day input. Every page visited passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from sightline.frontdoor.models import Decision, NeedLevel, Outcome
from sightline.frontdoor.services.decisions import contact_decide, decision_return
from sightline.frontdoor.services.requests import (
    information_request_answer,
    information_request_create,
)
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_decide_page_warns_of_an_unanswered_check_and_shows_answers_and_the_send_back(
    site, agencies, ifd_practitioner, ifd_manager, health_visitor
):
    page = site.page
    child = f.child(given_name="Nora", family_name="Decidechild")
    fd.contact(child=child, received_at=timezone.now() - dt.timedelta(days=30))
    contact = fd.contact(child=child)
    asked = information_request_create(
        actor=ifd_practitioner,
        contact=contact,
        agencies=[agencies["health"], agencies["police"]],
        question="What do you know about Nora and her household?",
    )
    information_request_answer(
        actor=health_visitor,
        information_request=next(item for item in asked if item.agency == agencies["health"]),
        known_to_agency=True,
        answer="Seen at the 2-year review; missed the last two appointments.",
    )
    decision = contact_decide(
        actor=ifd_practitioner,
        contact=contact,
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale="Health know the family and the concern was a one-off; universal services.",
    )
    decision_return(
        actor=ifd_manager,
        decision=decision,
        reason="Two missed health appointments: consider early help before closing.",
    )

    site.sign_in("ifd.fir", PASSWORD)
    site.go(f"/front-door/contacts/{contact.pk}/decide/")
    main = page.locator("main")
    expect(page.locator(".govuk-warning-text", has_text="Still waiting for")).to_contain_text(
        "Still waiting for Northmoor Police to answer"
    )
    expect(main).to_contain_text("missed the last two appointments")
    expect(main).to_contain_text("Known to Northmoor Community Health")
    expect(main).to_contain_text("Awaiting an answer")
    expect(page.locator("#returned")).to_contain_text(
        "Two missed health appointments: consider early help before closing."
    )
    site.check_accessibility()

    # A contradiction and a rationale of a few words: every error at once.
    page.get_by_label("Level 4: Statutory or specialist").check()
    page.get_by_label("No further action").check()
    page.get_by_label("Why have you made this decision?").fill("Fine.")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Level 4 means the child needs a statutory response")
    expect(summary).to_contain_text("Say more about why you made this decision")
    site.check_accessibility()
    summary.get_by_role("link", name="Level 4 means").click()
    expect(page.locator("#id_outcome_0")).to_be_focused()

    page.get_by_label("Level 3: Targeted support (early help)").check()
    page.get_by_label("Early help", exact=True).check()
    page.get_by_label("Why have you made this decision?").fill(
        "Missed health appointments and a concern about supervision: early help now; the "
        "police check can follow, as nothing in it would change the response."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: Early help.")).to_be_visible()
    site.check_accessibility()
    assert Decision.objects.get(contact=contact).outcome == Outcome.EARLY_HELP


def test_a_date_error_in_the_summary_links_to_the_day_of_the_date(site, agencies, ifd_practitioner):
    page = site.page
    contact = fd.contact(child=None)
    site.sign_in("ifd.fir", PASSWORD)
    site.go(f"/front-door/contacts/{contact.pk}/child/")
    form = page.locator("form", has=page.get_by_role("button", name="Record this child"))
    group = form.get_by_role("group", name="Date of birth", exact=True)
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    group.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Record this child").click()
    link = page.get_by_role("alert").get_by_role("link", name="Date of birth must be a real date")
    target = link.get_attribute("href")
    assert target == "#id_new-date_of_birth_day"
    expect(page.locator(target)).to_have_count(1)
    link.click()
    expect(page.locator(target)).to_be_focused()
    site.check_accessibility()


def test_the_public_forms_date_error_links_to_a_day_input_that_exists(site, agencies):
    """The public form's own error summary links to `#id_date_of_birth_day`: the shared date
    widget now gives its inputs those ids (they were `_0`, `_1`, `_2`)."""
    cache.clear()  # the public form's rate limit counts reports per client
    page = site.page
    site.go("/report-a-concern/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("It is not urgent, but someone needs to know").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Mabel")
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    group.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Continue").click()
    link = page.get_by_role("alert").get_by_role("link", name="real date")
    target = link.get_attribute("href")
    assert target == "#id_date_of_birth_day"
    expect(page.locator(target)).to_have_count(1)
    link.click()
    expect(page.locator(target)).to_be_focused()
    site.check_accessibility()


def test_the_partner_check_form_puts_involved_agencies_first_and_filters_the_rest(
    site, agencies, ifd_practitioner, health_visitor
):
    from sightline.accounts.models import Agency
    from sightline.people.models import Involvement

    for number in range(1, 31):
        Agency.objects.create(
            code=f"school-{number}", name=f"Testfield School {number:02d}", kind="school"
        )
    page = site.page
    child = f.child(given_name="Nora", family_name="Checkchild", known_to_social_care=False)
    Involvement.objects.create(
        person=child,
        user=health_visitor,
        agency=agencies["health"],
        role="Health visitor",
        started=dt.date(2024, 1, 5),
    )
    contact = fd.contact(child=child)
    site.sign_in("ifd.fir", PASSWORD)
    site.go(f"/front-door/contacts/{contact.pk}/information-requests/new/")
    expect(page.get_by_role("heading", name="Already involved with Nora")).to_be_visible()
    expect(page.get_by_text("Health visitor: Hv Birch")).to_be_visible()
    site.check_accessibility()

    page.get_by_label("Northmoor Police").check()
    page.get_by_label("Filter the other agencies").fill("testfield 07")
    expect(page.get_by_label("Testfield School 07")).to_be_visible()
    expect(page.get_by_label("Testfield School 08")).to_be_hidden()
    expect(page.get_by_label("Northmoor Police")).to_be_visible()  # chosen: never hidden
    expect(page.get_by_label("Northmoor Community Health")).to_be_visible()  # involved
    expect(page.get_by_text("2 of")).to_be_visible()
    site.check_accessibility()
    page.get_by_label("Filter the other agencies").press("Enter")  # does not send the form
    page.get_by_label("Testfield School 07").check()
    page.get_by_label("Northmoor Community Health").check()
    page.get_by_role("button", name="Send the requests").click()
    expect(page.get_by_text("Information requested from")).to_contain_text("Testfield School 07")
    assert set(contact.information_requests.values_list("agency__name", flat=True)) == {
        "Northmoor Police",
        "Northmoor Community Health",
        "Testfield School 07",
    }
