"""The demo partnership year loads through the services, with actions in every state."""

import pytest

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

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_every_state_of_the_loop(agencies, police_officer):
    load_partnership_demo(seed=7)
    assert SeriousIncident.objects.count() == 6
    assert SeriousIncident.objects.filter(notified_on__isnull=True).count() == 2
    assert RapidReview.objects.count() == 4
    assert RapidReview.objects.filter(decided_on__isnull=True).count() == 1
    assert PracticeReview.objects.count() == 2
    assert PracticeReview.objects.filter(published_on__isnull=False).count() == 1
    assert Recommendation.objects.filter(practice_review__isnull=False).count() == 5
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    assert Escalation.objects.count() == 1
    requests = AssuranceRequest.objects.all()
    assert requests.count() == 5
    assert requests.filter(responded_at__isnull=False).count() >= 1
    assert requests.filter(judgement="assured").count() == 1


def test_loading_twice_changes_nothing(agencies):
    load_partnership_demo(seed=7)
    load_partnership_demo(seed=7)
    assert SeriousIncident.objects.count() == 6
