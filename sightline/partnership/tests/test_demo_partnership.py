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


def test_every_partnership_page_of_the_demo_year_opens(client, agencies):
    from django.urls import reverse

    from sightline.accounts.models import User
    from sightline.partnership.models import AgencyInformationRequest, PracticeReviewMilestone

    load_partnership_demo(seed=7)
    client.force_login(User.objects.get(username="partnership.officer"))
    urls = [
        reverse(name)
        for name in (
            "partnership:overview",
            "partnership:incidents",
            "partnership:incident-new",
            "partnership:rapid-reviews",
            "partnership:practice-reviews",
            "partnership:practice-review-new",
            "partnership:recommendations",
            "partnership:recommendation-new",
            "partnership:action-plan",
            "partnership:action-plan-print",
            "partnership:assurance",
            "partnership:assurance-new",
            "partnership:subgroups",
            "partnership:subgroup-new",
        )
    ]
    urls += [reverse("partnership:incident", args=[i.pk]) for i in SeriousIncident.objects.all()]
    urls += [
        reverse("partnership:incident-notify", args=[i.pk])
        for i in SeriousIncident.objects.filter(notified_on__isnull=True)
    ]
    for review in RapidReview.objects.all():
        urls += [
            reverse(f"partnership:{name}", args=[review.pk])
            for name in (
                "rapid-review",
                "information-request-new",
                "rapid-review-decision",
                "rapid-review-panel-response",
            )
        ]
    urls += [
        reverse("partnership:information-return", args=[i.pk])
        for i in AgencyInformationRequest.objects.all()[:2]
    ]
    for review in PracticeReview.objects.all():
        urls += [
            reverse(f"partnership:{name}", args=[review.pk])
            for name in ("practice-review", "practice-review-edit", "milestone-new")
        ]
    urls += [
        reverse("partnership:milestone-done", args=[m.pk])
        for m in PracticeReviewMilestone.objects.all()[:1]
    ]
    urls += [
        reverse("partnership:recommendation", args=[r.pk]) for r in Recommendation.objects.all()
    ]
    urls += [reverse("partnership:action-new", args=[Recommendation.objects.first().pk])]
    for action in Action.objects.all():
        urls += [
            reverse(f"partnership:{name}", args=[action.pk])
            for name in ("action", "action-progress", "action-sign-off", "action-escalate")
        ]
    for item in AssuranceRequest.objects.all():
        urls += [
            reverse("partnership:assurance-request", args=[item.pk]),
            reverse("partnership:assurance-judge", args=[item.pk]),
        ]
    failures = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert not failures
    assert len(urls) > 80
