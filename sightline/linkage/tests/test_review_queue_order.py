"""The review queue: the matches a decision would change most first (children, then open
cases, then those closest to the link threshold), and the share of new records waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.linkage.models import MatchCandidate
from sightline.linkage.selectors import persons_with_open_cases, review_queue, review_share
from sightline.people.models import SourceRecord
from sightline.people.services import source_record_link
from sightline.testing import factories as f


def _queued(agency, person, candidate, probability, record_id):  # type: ignore[no-untyped-def]
    record = source_record_link(
        actor="feed",
        person=person,
        agency=agency,
        record_id=record_id,
        given_name=person.given_name,
        family_name=person.family_name,
    )
    return MatchCandidate.objects.create(
        record=record,
        person=person,
        candidate=candidate,
        match_probability=probability,
        match_weight=5.0,
    )


def _opened(agency, person, kind=EventType.EPISODE_OPENED, day=dt.date(2026, 1, 5)):  # type: ignore[no-untyped-def]
    event_record(
        type=kind,
        occurred_at=day,
        summary="Episode",
        source=agency,
        participants=[(person, "child")],
        recorded_by_label="test",
    )


@pytest.fixture
def queue_of_four(agencies):  # type: ignore[no-untyped-def]
    police = agencies["police"]
    adult_far = _queued(
        police, f.adult(given_name="Bramble"), f.adult(given_name="Bramle"), 0.81, "P-1"
    )
    adult_near = _queued(
        police, f.adult(given_name="Ash"), f.adult(given_name="Asha"), 0.985, "P-2"
    )
    child_far = _queued(police, f.child(given_name="Ivy"), f.child(given_name="Ivey"), 0.82, "P-3")
    opened = f.adult(given_name="Sage")
    _opened(agencies["csc"], opened)
    adult_open = _queued(police, f.adult(given_name="Sag"), opened, 0.80, "P-4")
    return adult_far, adult_near, child_far, adult_open


def test_children_come_first_then_open_cases_then_closeness_to_the_threshold(
    analyst, queue_of_four
):  # type: ignore[no-untyped-def]
    adult_far, adult_near, child_far, adult_open = queue_of_four
    order = [queued.match for queued in review_queue(user=analyst)]
    assert order == [child_far, adult_open, adult_near, adult_far]


def test_a_closed_episode_is_no_longer_an_open_case(agencies):  # type: ignore[no-untyped-def]
    person = f.child(given_name="Wren")
    _opened(agencies["csc"], person)
    assert persons_with_open_cases([person.pk]) == {person.pk}
    _opened(agencies["csc"], person, EventType.EPISODE_CLOSED, dt.date(2026, 2, 1))
    assert persons_with_open_cases([person.pk]) == set()
    _opened(agencies["csc"], person, EventType.CP_PLAN_STARTED, dt.date(2026, 3, 1))
    assert persons_with_open_cases([person.pk]) == {person.pk}


def test_the_queue_page_lists_in_that_order_and_says_why(client, analyst, queue_of_four):  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    page = client.get(reverse("linkage:review")).content.decode()
    assert page.index("Ivy") < page.index("Sag ") < page.index("Ash ") < page.index("Bramble")
    assert "A child" in page and "An open case" in page


def test_the_share_of_new_records_waiting_is_shown_against_the_target(
    client, analyst, queue_of_four, time_machine
):  # type: ignore[no-untyped-def]
    # four records waiting among the records received in the last 28 days
    received = SourceRecord.objects.filter(created_at__gte=timezone.now() - dt.timedelta(days=28))
    share = review_share(user=analyst)
    assert (share.waiting, share.new_records) == (4, received.count())
    assert not share.within_target
    client.force_login(analyst)
    page = client.get(reverse("linkage:review")).content.decode()
    assert f"4 of the {received.count()} records received in the last 28 days are waiting" in page
    assert "The target is under 2%: not met" in page
    time_machine.move_to(timezone.now() + dt.timedelta(days=40))
    assert review_share(user=analyst).new_records == 0
    client.force_login(analyst)  # signed out meanwhile
    page = client.get(reverse("linkage:review")).content.decode()
    assert "No records were received in the last 28 days" in page


def test_the_share_is_met_when_under_two_in_a_hundred_new_records_wait(analyst, agencies):  # type: ignore[no-untyped-def]
    people = [f.child(given_name=f"Test{n}", known_to_social_care=False) for n in range(3)]
    for n in range(120):
        source_record_link(
            actor="feed",
            person=people[n % 3],
            agency=agencies["school"],
            record_id=f"S-{n}",
            given_name="Test",
            family_name="Testchild",
        )
    _queued(agencies["police"], people[0], people[1], 0.9, "P-9")
    share = review_share(user=analyst)
    assert share.waiting == 1 and share.new_records == 121
    assert share.within_target and share.percent == "0.8%"
