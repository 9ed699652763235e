"""The chronology's order: by date, then by the order things were recorded; no invented times."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from sightline.casework.services.protection import at_time, s47_start
from sightline.casework.tests import test_protection_builders as b
from sightline.chronology.models import Event, EventType
from sightline.chronology.selectors import person_timeline
from sightline.core.working_days import LONDON
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Ordered", date_of_birth=dt.date(2019, 1, 4))


def summaries(user, person):  # type: ignore[no-untyped-def]
    return [entry.summary for entry in person_timeline(user=user, person=person)[:]]


def test_date_only_steps_and_a_timed_one_on_one_day_follow_the_order_they_were_recorded(
    social_worker, agencies, child
):
    csc = agencies["csc"]
    c.event(child, source=csc, occurred_at=c.at("2025-06-12", "23:50"), summary="The day before")
    c.event(child, source=csc, occurred_at=dt.date(2025, 6, 13), summary="First, date only")
    c.event(child, source=csc, occurred_at=c.at("2025-06-13", "14:30"), summary="Second, 14:30")
    c.event(child, source=csc, occurred_at=dt.date(2025, 6, 13), summary="Third, date only")
    c.event(child, source=csc, occurred_at=dt.date(2025, 6, 14), summary="The day after")

    entries = person_timeline(user=social_worker, person=child)[:]

    assert [entry.summary for entry in entries] == [  # newest first
        "The day after",
        "Third, date only",
        "Second, 14:30",
        "First, date only",
        "The day before",
    ]
    assert [entry.time for entry in entries] == ["", "", "14:30", "", "23:50"]
    assert [entry.day for entry in entries][1:4] == ["13 Jun 2025"] * 3


def test_a_date_only_step_keeps_its_date_and_is_marked_as_having_no_time(agencies, child):
    event = c.event(child, source=agencies["csc"], occurred_at=dt.date(2025, 3, 30))
    event.refresh_from_db()
    assert event.has_time is False
    assert event.occurred_on == dt.date(2025, 3, 30)  # the day the clocks went forward
    assert event.occurred_at.astimezone(LONDON) == dt.datetime(2025, 3, 30, tzinfo=LONDON)


def test_a_timed_step_keeps_its_time_and_its_uk_date(agencies, child):
    event = c.event(child, source=agencies["csc"], occurred_at=c.at("2025-07-01", "00:30"))
    event.refresh_from_db()
    assert event.has_time is True
    assert event.occurred_on == dt.date(2025, 7, 1)  # 23:30 UTC on 30 June


def test_a_conference_on_the_day_of_the_strategy_discussion_shows_after_it(
    time_machine, social_worker, agencies, child
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    talk = b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 6, 13), 15))
    enquiry = s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 6, 13))
    b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))

    kinds = [
        entry.what
        for entry in person_timeline(user=social_worker, person=child)[:]
        if entry.day == "13 Jun 2025"
    ]

    assert kinds == [
        EventType.CP_PLAN_STARTED.label,
        EventType.ICPC.label,
        EventType.S47_STARTED.label,
        EventType.STRATEGY_DISCUSSION.label,
    ]
    conference = Event.objects.get(type=EventType.ICPC)
    assert conference.has_time is False  # no invented 10:00


def test_the_page_shows_no_time_for_a_date_only_step(signed_in, social_worker, agencies, child):
    c.event(
        child, source=agencies["csc"], type=EventType.CORE_GROUP,
        occurred_at=dt.date(2025, 6, 13), summary="Core group met; the plan is working.",
    )  # fmt: skip
    c.event(
        child, source=agencies["police"], type=EventType.DOMESTIC_ABUSE_INCIDENT,
        occurred_at=c.at("2025-06-10", "23:10"), summary="Neighbour called police.",
    )  # fmt: skip
    for name in ("chronology:person", "chronology:person-print"):
        html = signed_in(social_worker).get(reverse(name, args=[child.pk])).content.decode()
        row = html[html.index("Core group met") - 400 : html.index("Core group met")]
        assert '<time datetime="2025-06-13">13 Jun 2025</time>' in row, name
        assert "00:00" not in html and "12:00" not in html and "11:00" not in html, name
        assert '<time datetime="2025-06-10T23:10:00+01:00">10 Jun 2025<br>23:10</time>' in html


def test_a_long_entry_is_shown_whole_on_screen_and_in_print(signed_in, social_worker, agencies):
    child = f.child(given_name="Ivy", family_name="Longentry")
    text = " ".join(f"Sentence {n} of what the school saw." for n in range(1, 80))
    c.event(child, source=agencies["school"], summary=text)
    for name in ("chronology:person", "chronology:person-print"):
        html = signed_in(social_worker).get(reverse(name, args=[child.pk])).content.decode()
        assert text in html, name


def test_a_feed_event_sent_with_a_date_only_is_a_date_only_step(agencies):
    from sightline.feeds.services import feed_import
    from sightline.feeds.tests.lines import a_line

    lines = [
        a_line(event_id="DA-DATE", occurred_at="2020-03-07", recorded_at=None),
        a_line(event_id="DA-TIME", occurred_at="2020-03-07T23:10:00+00:00"),
    ]
    raw = [json.dumps(line).encode() for line in lines]
    summary = feed_import(list(enumerate(raw, start=1)))
    assert summary.clean, [str(p) for r in summary.results for p in r.problems]
    dated = Event.objects.get(source_event_id="DA-DATE")
    timed = Event.objects.get(source_event_id="DA-TIME")
    assert (dated.has_time, dated.occurred_on) == (False, dt.date(2020, 3, 7))
    assert (timed.has_time, timed.occurred_on) == (True, dt.date(2020, 3, 7))
