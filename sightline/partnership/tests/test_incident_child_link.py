"""Linking a serious incident to the child's record: only a child the user may see."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.partnership.models import SeriousIncident
from sightline.partnership.services import reviews
from sightline.people.services import break_glass_open
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def baby(agencies):
    return f.child(given_name="Noah", family_name="Testbaby", date_of_birth=dt.date(2025, 1, 2))


def test_a_child_the_officer_cannot_see_is_neither_found_nor_linked(
    client, partnership_officer, baby
):
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:incident-new"), {"name": "Noah Testbaby"})
    assert "No child you can see matches" in page.content.decode()
    with pytest.raises(ValidationError, match="cannot link a child whose record you cannot see"):
        reviews.serious_incident_create(
            actor=partnership_officer,
            summary="Injury.",
            child=baby,
            aware_on=dt.date(2025, 3, 3),
        )


def test_a_visible_child_is_found_linked_and_the_read_is_recorded(
    client, partnership_officer, baby
):
    break_glass_open(
        actor=partnership_officer, person=baby, reason="Case review subgroup: serious incident"
    )
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:incident-new"), {"name": "Noah Testbaby"})
    assert f"?child={baby.pk}" in page.content.decode()
    response = client.post(
        reverse("partnership:incident-new"),
        {
            "child_id": baby.pk,
            "summary": "Fracture found at the hospital.",
            "aware_on_day": "3",
            "aware_on_month": "3",
            "aware_on_year": "2025",
        },
    )
    assert response.status_code == 302
    incident = SeriousIncident.objects.get()
    assert incident.child == baby
    assert incident.notification_due_on == dt.date(2025, 3, 10)
    detail = client.get(reverse("partnership:incident", args=[incident.pk])).content.decode()
    assert "Noah Testbaby" in detail
    assert AuditEntry.objects.filter(
        person_id=baby.pk, kind="read", object_type="partnership.seriousincident"
    ).exists()
