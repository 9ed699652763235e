"""The demo's Operation Encompass year: calendars for every school, an elective home education
officer, and each police incident of the last year told (and delivered) at the time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.services import event_record
from sightline.demo.encompass import EHE_OFFICER, load_encompass_demo, school_year_terms
from sightline.sharing.encompass.alerts import delivered_at
from sightline.sharing.encompass.models import EncompassNotice, SchoolCalendar
from sightline.sharing.encompass.services import pupil_roll_record
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def test_the_terms_follow_the_english_school_year():
    terms = {name: (first, last) for name, first, last in school_year_terms(2025)}
    assert terms["Autumn first half"] == (dt.date(2025, 9, 3), dt.date(2025, 10, 24))
    assert terms["Autumn second half"][0] == dt.date(2025, 11, 3)
    assert terms["Spring second half"] == (dt.date(2026, 2, 23), dt.date(2026, 4, 2))
    assert terms["Summer first half"] == (dt.date(2026, 4, 20), dt.date(2026, 5, 22))
    assert terms["Summer second half"] == (dt.date(2026, 6, 1), dt.date(2026, 7, 17))


def test_the_demo_loads_calendars_and_tells_each_incident_at_the_time(agencies, school_dsl):
    child = f.child(given_name="Lily", family_name="Testpupil", date_of_birth=dt.date(2016, 1, 4))
    pupil_roll_record(actor="test", person=child, school=agencies["school"])
    event_record(
        type="domestic_abuse_incident",
        occurred_at=timezone.now() - dt.timedelta(days=30),
        summary="Police attended a domestic incident at the family home.",
        source=agencies["police"],
        participants=[(child, "child")],
        source_event_id="DA-DEMO-1",
    )
    load_encompass_demo()
    calendar = SchoolCalendar.objects.get(school=agencies["school"])
    assert calendar.periods.filter(kind="term").count() == 12  # this school year and the last
    assert calendar.periods.filter(kind="inset").count() == 6
    assert User.objects.get(username=EHE_OFFICER).profession == "education_services"
    [notice] = EncompassNotice.objects.all()
    delivered = delivered_at(notice)
    assert delivered is not None and delivered > notice.event.occurred_at
    load_encompass_demo()  # once only
    assert EncompassNotice.objects.count() == 1
