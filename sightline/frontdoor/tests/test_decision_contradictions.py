"""Decisions that contradict themselves are refused, with a message that says what to change.

The service holds the rules (so the API and every other caller are held too); the decide page
shows them together with the form's own errors, all at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sightline.core.models import AuditEntry
from sightline.frontdoor.models import Decision, NeedLevel, Outcome
from sightline.frontdoor.services.decisions import (
    MIN_RATIONALE,
    contact_decide,
    decision_return,
)
from sightline.frontdoor.services.requests import (
    information_request_answer,
    information_request_create,
)
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

pytestmark = pytest.mark.django_db

REASON = "Partners confirm the family is known to universal services and the concern is addressed."


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child()


def refusal(actor, contact, *, level, outcome, rationale=REASON) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        contact_decide(
            actor=actor, contact=contact, level=level, outcome=outcome, rationale=rationale
        )
    assert not Decision.objects.filter(contact=contact).exists()
    return caught.value.message_dict


def test_it_refuses_level_4_with_no_further_action(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner, fd.contact(child=child), level=NeedLevel.L4, outcome=Outcome.NFA
    )
    assert "Level 4 means the child needs a statutory response" in errors["outcome"][0]


@pytest.mark.parametrize("outcome", [Outcome.ADVICE, Outcome.EARLY_HELP])
def test_it_refuses_level_4_with_a_response_that_is_not_statutory(ifd_practitioner, child, outcome):
    errors = refusal(ifd_practitioner, fd.contact(child=child), level=NeedLevel.L4, outcome=outcome)
    assert "Level 4 means the child needs a statutory response" in errors["outcome"][0]


@pytest.mark.parametrize("level", [NeedLevel.L1, NeedLevel.L2, NeedLevel.L3])
@pytest.mark.parametrize("outcome", [Outcome.REFERRAL, Outcome.STRATEGY])
def test_it_refuses_a_statutory_response_below_level_4(ifd_practitioner, child, level, outcome):
    errors = refusal(ifd_practitioner, fd.contact(child=child), level=level, outcome=outcome)
    assert "is a statutory response, which is level 4" in errors["outcome"][0]


def test_it_refuses_early_help_at_level_1(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner, fd.contact(child=child), level=NeedLevel.L1, outcome=Outcome.EARLY_HELP
    )
    assert "Early help is targeted support" in errors["outcome"][0]


def test_it_refuses_no_further_action_at_level_3(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner, fd.contact(child=child), level=NeedLevel.L3, outcome=Outcome.NFA
    )
    assert "Level 3 means the child needs targeted support" in errors["outcome"][0]


@pytest.mark.parametrize(
    ("level", "outcome"),
    [
        (NeedLevel.L1, Outcome.NFA),
        (NeedLevel.L1, Outcome.ADVICE),
        (NeedLevel.L2, Outcome.EARLY_HELP),
        (NeedLevel.L3, Outcome.EARLY_HELP),
        (NeedLevel.L3, Outcome.ADVICE),
        (NeedLevel.L4, Outcome.REFERRAL),
        (NeedLevel.L4, Outcome.STRATEGY),
    ],
)
def test_it_accepts_a_level_and_a_response_that_agree(ifd_practitioner, child, level, outcome):
    contact = fd.contact(child=child)
    decision = contact_decide(
        actor=ifd_practitioner, contact=contact, level=level, outcome=outcome, rationale=REASON
    )
    assert decision.level == level and decision.outcome == outcome


def test_it_refuses_a_rationale_of_a_few_characters(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner,
        fd.contact(child=child),
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale="NFA.",
    )
    assert errors["rationale"] == [
        f"Say more about why you made this decision: write at least {MIN_RATIONALE} "
        "characters (you wrote 4)"
    ]


def test_it_counts_a_rationale_without_its_padding(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner,
        fd.contact(child=child),
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale="No    concerns." + " " * 60,
    )
    assert "you wrote 12" in errors["rationale"][0]


def test_it_refuses_a_rationale_that_repeats_the_concern(ifd_practitioner, child):
    concern = "Child arrived at school hungry with a bruise on the cheek, and said dad hit him."
    contact = fd.contact(child=child, concern=concern)
    errors = refusal(
        ifd_practitioner,
        contact,
        level=NeedLevel.L4,
        outcome=Outcome.REFERRAL,
        rationale="child arrived at school hungry with a bruise on the cheek, and said dad hit him",
    )
    assert errors["rationale"] == [
        "Say why you made this decision in your own words: the reasons repeat the concern"
    ]


def test_it_refuses_the_concern_pasted_with_a_few_words_added(ifd_practitioner, child):
    concern = "Child arrived at school hungry with a bruise on the cheek, and said dad hit him."
    contact = fd.contact(child=child, concern=concern)
    errors = refusal(
        ifd_practitioner,
        contact,
        level=NeedLevel.L4,
        outcome=Outcome.REFERRAL,
        rationale=f"{concern} Refer for assessment.",
    )
    assert "the reasons repeat the concern" in errors["rationale"][0]


def test_it_accepts_reasons_that_quote_the_concern_and_say_more(ifd_practitioner, child):
    concern = "Child arrived at school hungry with a bruise on the cheek."
    contact = fd.contact(child=child, concern=concern)
    decision = contact_decide(
        actor=ifd_practitioner,
        contact=contact,
        level=NeedLevel.L4,
        outcome=Outcome.REFERRAL,
        rationale=f"{concern} Police say dad has a domestic abuse history and the child told "
        "his teacher he is scared to go home: he may be a child in need.",
    )
    assert decision.outcome == Outcome.REFERRAL


def test_it_names_every_problem_at_once(ifd_practitioner, child):
    errors = refusal(
        ifd_practitioner,
        fd.contact(child=child),
        level=NeedLevel.L4,
        outcome=Outcome.NFA,
        rationale="Fine.",
    )
    assert set(errors) == {"outcome", "rationale"}


# The page ---------------------------------------------------------------------------------


def test_the_decide_page_shows_the_field_errors_and_the_contradictions_together(
    ifd_practitioner, child
):
    """A missing level and a short rationale (the form's) beside a contradiction (the
    service's): all three at once, not one round of errors after another."""
    contact = fd.contact(child=child)
    client = Client()
    client.force_login(ifd_practitioner)
    url = reverse("frontdoor:contact-decide", args=[contact.pk])

    html = client.post(url, {"outcome": "nfa", "rationale": "Fine."}).content.decode()
    assert "Select the level of need" in html
    assert "Say more about why you made this decision" in html

    response = client.post(url, {"level": "L4", "outcome": "nfa", "rationale": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why you made this decision" in html
    assert "Level 4 means the child needs a statutory response" in html
    assert html.count('class="govuk-error-summary"') == 1
    assert 'href="#id_outcome_0"' in html
    assert not Decision.objects.exists()


# Deciding while partners have not answered ------------------------------------------------


def test_the_decide_page_names_the_agencies_still_awaited_and_shows_every_answer(
    agencies, ifd_practitioner, health_visitor, child
):
    contact = fd.contact(child=child)
    asked = information_request_create(
        actor=ifd_practitioner,
        contact=contact,
        agencies=[agencies["health"], agencies["police"], agencies["school"]],
        question="What do you know about this child?",
    )
    health = next(item for item in asked if item.agency == agencies["health"])
    information_request_answer(
        actor=health_visitor,
        information_request=health,
        known_to_agency=True,
        answer="Seen at the 2-year review; missed the last two appointments.",
    )
    client = Client()
    client.force_login(ifd_practitioner)
    html = client.get(reverse("frontdoor:contact-decide", args=[contact.pk])).content.decode()

    assert "govuk-warning-text" in html
    assert "Still waiting for Millbrook Primary School and Northmoor Police" in html
    assert "missed the last two appointments" in html

    # The decision is allowed, and the trail says what was still awaited when it was taken.
    decision = contact_decide(
        actor=ifd_practitioner,
        contact=contact,
        level=NeedLevel.L3,
        outcome=Outcome.EARLY_HELP,
        rationale=REASON,
    )
    entry = AuditEntry.objects.get(action="contact.decided")
    assert entry.detail["awaited"] == ["Millbrook Primary School", "Northmoor Police"]
    assert decision.outcome == Outcome.EARLY_HELP


def test_the_decide_page_shows_why_a_manager_sent_the_decision_back(
    agencies, ifd_practitioner, ifd_manager, child
):
    fd.contact(child=child, received_at=timezone.now() - dt.timedelta(days=30))
    contact = fd.contact(child=child)
    decision = contact_decide(
        actor=ifd_practitioner,
        contact=contact,
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale=REASON,
    )
    decision_return(
        actor=ifd_manager, decision=decision, reason="Ask school about attendance first."
    )
    client = Client()
    client.force_login(ifd_practitioner)
    html = client.get(reverse("frontdoor:contact-decide", args=[contact.pk])).content.decode()
    assert "sent the decision back" in html
    assert "Ask school about attendance first." in html
