"""The access trail of a person: information governance only; viewing it is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.people.selectors import person_get
from sightline.people.services import break_glass_open
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Smith")


def test_information_governance_sees_who_opened_the_record_newest_first(
    signed_in, ig_officer, social_worker, outsider, child
):
    person_get(user=social_worker, person_id=child.pk)
    break_glass_open(actor=outsider, person=child, reason="Checking after an ED attendance.")
    response = signed_in(ig_officer).get(reverse("people:access-trail", args=[child.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Access trail" in html
    assert "Checking after an ED attendance." in html
    outsider_at = html.index("Ho Maple")
    social_worker_at = html.index("Sw Elm")
    assert outsider_at < social_worker_at  # newest first


def test_viewing_the_trail_is_itself_recorded(signed_in, ig_officer, child):
    signed_in(ig_officer).get(reverse("people:access-trail", args=[child.pk]))
    entry = AuditEntry.objects.latest("id")
    assert entry.actor == ig_officer
    assert entry.person_id == child.pk
    assert entry.action == "person.access_trail_viewed"


def test_a_social_worker_may_not_see_the_trail(signed_in, social_worker, child):
    before = AuditEntry.objects.count()
    response = signed_in(social_worker).get(reverse("people:access-trail", args=[child.pk]))
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before


def test_the_trail_is_paginated(signed_in, ig_officer, social_worker, child):
    for _ in range(55):
        person_get(user=social_worker, person_id=child.pk)
    client = signed_in(ig_officer)
    first = client.get(reverse("people:access-trail", args=[child.pk])).content.decode()
    assert "govuk-pagination" in first
    second = client.get(reverse("people:access-trail", args=[child.pk]), {"page": 2})
    assert second.status_code == 200


def test_the_trail_of_nobody_is_not_found(signed_in, ig_officer):
    assert signed_in(ig_officer).get(reverse("people:access-trail", args=[999])).status_code == 404


def test_the_trail_says_what_each_person_did_in_words_not_codes(
    signed_in, ig_officer, social_worker, child
):
    person_get(user=social_worker, person_id=child.pk)
    url = reverse("people:access-trail", args=[child.pk])
    signed_in(ig_officer).get(url)
    html = signed_in(ig_officer).get(url).content.decode()
    assert "person.access_trail_viewed" not in html
    assert "person.viewed" not in html
    assert "Looked at who has seen the record" in html
    assert "Opened the record" in html
