"""The demo district's DRAMs and MARACs: written from its own domestic abuse incidents, every
case discussed with an action owned by a police officer, referrals heard at a MARAC, the same
meetings each time it is loaded for the same day, and loaded once only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from sightline.accounts.models import Agency
from sightline.core.working_days import LONDON
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.loader import district_load
from sightline.demo.meetings import load_meetings_demo
from sightline.demo.tests.conftest import AS_OF
from sightline.sharing.meetings.models import MeetingAction, MeetingCase, Referral, RiskMeeting
from sightline.sharing.tests import meeting_builders as b

pytestmark = pytest.mark.django_db


def _high_risk_incidents() -> None:
    """The small district has few domestic abuse incidents: add high-risk ones in its year."""
    police = {"police": Agency.objects.filter(kind=Agency.Kind.POLICE).order_by("pk").first()}
    for weeks in (30, 12, 3):
        home = b.Household(f"d{weeks}")
        night = dt.datetime.combine(AS_OF - dt.timedelta(weeks=weeks), dt.time(22), tzinfo=LONDON)
        b.incident(police, home, night, dash=16)


def _summary() -> list[tuple[object, ...]]:
    return [
        (m.kind, m.held_on, m.cases.count(), m.minutes_published_on)
        for m in RiskMeeting.objects.order_by("held_on", "kind")
    ] + [
        (a.what, a.due_on, a.status, a.owner.username)
        for a in MeetingAction.objects.order_by("due_on", "what", "owner__username")
    ]


def _load() -> list[tuple[object, ...]]:
    with transaction.atomic():
        district_load(size="small", as_of=AS_OF, further=False)
        _high_risk_incidents()
        with clock_set(DemoClock(dt.datetime.combine(AS_OF, dt.time(12), tzinfo=LONDON))):
            load_meetings_demo()
            load_meetings_demo()  # a second call writes nothing more
        summary = _summary()
        transaction.set_rollback(True)
    return summary


def test_the_demo_holds_drams_and_a_marac_with_actions_and_referrals():
    with transaction.atomic():
        district_load(size="small", as_of=AS_OF, further=False)
        _high_risk_incidents()
        with clock_set(DemoClock(dt.datetime.combine(AS_OF, dt.time(12), tzinfo=LONDON))):
            load_meetings_demo()
        drams = RiskMeeting.objects.filter(kind="dram")
        assert drams.exists()
        assert all(m.held_on < AS_OF for m in RiskMeeting.objects.all())
        assert not MeetingCase.objects.filter(meeting__kind="dram", discussed_at__isnull=True)
        assert MeetingAction.objects.filter(owner__agency__kind="police").exists()
        if Referral.objects.exists():
            assert RiskMeeting.objects.filter(kind="marac").exists() or all(
                r.referred_at.date() > AS_OF - dt.timedelta(days=40) for r in Referral.objects.all()
            )
        transaction.set_rollback(True)


def test_two_loads_for_the_same_day_give_the_same_meetings():
    first = _load()
    assert first
    assert _load() == first
