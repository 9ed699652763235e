"""contacts-without-assessment and family-concerns-dismissed."""

from __future__ import annotations

from sightline.risk.tests.conftest import alerts, evidence


def contact(arrive, child, day, *, outcome="nfa", source="5A", reference=""):  # type: ignore[no-untyped-def]
    details = {"referral_source": source, "outcome": outcome}
    if reference:
        details["contact_reference"] = reference
    return arrive("contact", day, (child, "child"), **details)


def test_three_contacts_in_a_year_without_an_assessment_raise_at_the_third(arrive, lily):
    first = contact(arrive, lily, "2023-01-10")
    second = contact(arrive, lily, "2023-05-02")
    assert alerts("contacts-without-assessment") == []
    third = contact(arrive, lily, "2024-01-10")
    [alert] = alerts("contacts-without-assessment", lily)
    assert alert.raised_by == third
    assert alert.raised_at == third.occurred_at
    assert evidence(alert) == [first.pk, second.pk, third.pk]
    assert alert.asks_for == "IFD manager review of the whole history"
    assert ",role:ifd_manager," in alert.audience


def test_two_contacts_are_one_short_of_the_count(arrive, lily):
    contact(arrive, lily, "2023-01-10")
    contact(arrive, lily, "2023-05-02")
    assert alerts("contacts-without-assessment") == []


def test_a_window_of_exactly_twelve_months_is_inclusive(arrive, lily):
    contact(arrive, lily, "2023-01-10")
    contact(arrive, lily, "2023-06-02")
    contact(arrive, lily, "2024-01-10")
    assert len(alerts("contacts-without-assessment")) == 1


def test_a_window_one_minute_longer_than_twelve_months_does_not_raise(arrive, lily):
    contact(arrive, lily, "2023-01-10")
    contact(arrive, lily, "2023-06-02")
    arrive(
        "contact", "2024-01-10", (lily, "child"), time="12:01", outcome="nfa", referral_source="5A"
    )
    assert alerts("contacts-without-assessment") == []


def test_a_fourth_contact_extends_the_alert_rather_than_adding_one(arrive, lily):
    events = [contact(arrive, lily, day) for day in ("2023-01-10", "2023-02-10", "2023-03-10")]
    fourth = contact(arrive, lily, "2023-09-01")
    [alert] = alerts("contacts-without-assessment", lily)
    assert alert.raised_by == events[2]
    assert evidence(alert) == [e.pk for e in events] + [fourth.pk]


def test_a_contact_that_became_a_referral_does_not_count(arrive, lily):
    contact(arrive, lily, "2023-01-10")
    contact(arrive, lily, "2023-02-10", outcome="referral")
    contact(arrive, lily, "2023-03-10")
    assert alerts("contacts-without-assessment") == []


def test_an_assessment_within_45_working_days_of_a_contact_means_it_led_to_one(arrive, lily):
    contact(arrive, lily, "2023-01-10")
    contact(arrive, lily, "2023-02-10")
    arrive("assessment_started", "2023-03-01", (lily, "child"), source="csc")
    contact(arrive, lily, "2023-03-10")
    assert alerts("contacts-without-assessment") == []


def test_an_assessment_after_45_working_days_does_not_count(arrive, lily):
    first = contact(arrive, lily, "2023-01-10")
    arrive("assessment_started", "2023-04-20", (lily, "child"), source="csc")  # > 45 WD later
    contact(arrive, lily, "2023-06-10")
    third = contact(arrive, lily, "2023-07-10")
    [alert] = alerts("contacts-without-assessment", lily)
    assert alert.raised_by == third and first.pk in evidence(alert)


def test_the_front_door_decision_event_gives_the_outcome(arrive, lily):
    contact(arrive, lily, "2023-01-10", outcome="pending", reference="C-1")
    contact(arrive, lily, "2023-02-10", outcome="pending", reference="C-2")
    contact(arrive, lily, "2023-03-10", outcome="pending", reference="C-3")
    assert len(alerts("contacts-without-assessment", lily)) == 1
    # The third contact's decision is a referral: the pattern no longer holds.
    arrive(
        "contact_decided",
        "2023-03-11",
        (lily, "child"),
        source="csc",
        outcome="referral",
        contact_reference="C-3",
    )
    assert alerts("contacts-without-assessment", lily) == []


def test_an_adult_is_not_the_subject_of_the_rule(arrive, frankie):
    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        contact(arrive, frankie, day)
    assert alerts("contacts-without-assessment") == []


# family-concerns-dismissed -------------------------------------------------------------------


def test_two_family_contacts_ended_with_nfa_raise_at_the_second_decision(arrive, lily):
    first = contact(arrive, lily, "2024-01-05", outcome="pending", source="1A", reference="F-1")
    decided_first = arrive(
        "contact_decided",
        "2024-01-06",
        (lily, "child"),
        source="csc",
        outcome="nfa",
        contact_reference="F-1",
    )
    second = contact(arrive, lily, "2024-05-01", outcome="pending", source="9", reference="F-2")
    assert alerts("family-concerns-dismissed") == []
    decided_second = arrive(
        "contact_decided",
        "2024-05-02",
        (lily, "child"),
        source="csc",
        outcome="nfa",
        contact_reference="F-2",
    )
    [alert] = alerts("family-concerns-dismissed", lily)
    assert alert.raised_by == decided_second
    assert evidence(alert) == [first.pk, decided_first.pk, second.pk, decided_second.pk]


def test_feed_contacts_from_the_public_with_nfa_raise(arrive, lily):
    contact(arrive, lily, "2024-01-05", source="1B")
    second = contact(arrive, lily, "2024-07-05", source="1D")  # exactly 6 months
    [alert] = alerts("family-concerns-dismissed", lily)
    assert alert.raised_by == second


def test_family_contacts_more_than_six_months_apart_do_not_raise(arrive, lily):
    contact(arrive, lily, "2024-01-05", source="1A")
    contact(arrive, lily, "2024-07-06", source="1A")
    assert alerts("family-concerns-dismissed") == []


def test_professional_contacts_are_not_family_concerns(arrive, lily):
    contact(arrive, lily, "2024-01-05", source="2A")
    contact(arrive, lily, "2024-02-05", source="1A")
    assert alerts("family-concerns-dismissed") == []


def test_a_family_contact_given_early_help_was_not_dismissed(arrive, lily):
    contact(arrive, lily, "2024-01-05", source="1A")
    contact(arrive, lily, "2024-02-05", source="1A", outcome="early_help")
    assert alerts("family-concerns-dismissed") == []
