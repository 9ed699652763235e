"""Recording a child's disabilities in DfE's codes: the service's rules and the page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sightline.core.models import AuditEntry
from sightline.people.disabilities import person_disabilities_record
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child()


def test_a_social_worker_records_a_childs_disabilities_with_an_audit_entry(child, social_worker):
    person_disabilities_record(
        actor=social_worker, person=child, has_disability="yes", codes=["VIS", "MOB"]
    )

    child.refresh_from_db()
    assert child.disabilities == ["MOB", "VIS"]  # DfE's order
    assert child.disabilities_recorded_at is not None
    assert child.disabilities_in_words == ["Mobility: getting about", "Vision"]
    entry = AuditEntry.objects.get(action="person.disabilities_recorded")
    assert entry.actor == social_worker
    assert entry.detail == {"before": [], "after": ["MOB", "VIS"]}


def test_no_disability_is_recorded_as_none(child, social_worker):
    person_disabilities_record(actor=social_worker, person=child, has_disability="no", codes=[])

    child.refresh_from_db()
    assert child.disabilities == ["NONE"]
    assert child.disabilities_in_words == ["No disability"]


def test_it_refuses_no_disability_with_disabilities_selected(child, social_worker):
    with pytest.raises(ValidationError, match="You said the child has no disability"):
        person_disabilities_record(
            actor=social_worker, person=child, has_disability="no", codes=["HEAR"]
        )


def test_it_refuses_a_yes_without_a_disability_and_a_code_not_in_dfes_list(child, social_worker):
    with pytest.raises(ValidationError, match="Select each of the child's disabilities"):
        person_disabilities_record(
            actor=social_worker, person=child, has_disability="yes", codes=[]
        )
    with pytest.raises(ValidationError, match="Select disabilities from the list"):
        person_disabilities_record(
            actor=social_worker, person=child, has_disability="yes", codes=["XYZ"]
        )


def test_it_refuses_a_practitioner_outside_social_care(child, health_visitor):
    with pytest.raises(PermissionDenied):
        person_disabilities_record(
            actor=health_visitor, person=child, has_disability="no", codes=[]
        )


def test_the_page_shows_every_error_at_once_and_then_records(client, child, social_worker):
    client.force_login(social_worker)
    url = f"/people/{child.pk}/disabilities/"

    page = client.post(url, {}).content.decode()
    assert "There is a problem" in page
    assert "Select whether the child has a disability" in page

    page = client.post(url, {"has_disability": "no", "disabilities": ["HEAR"]}).content.decode()
    assert "You said the child has no disability" in page

    response = client.post(url, {"has_disability": "yes", "disabilities": ["HEAR", "BEH"]})
    assert response.status_code == 302
    person_page = client.get(response["Location"]).content.decode()
    assert "Hearing, Behaviour" in person_page
    assert "HEAR" not in person_page


def test_the_childs_page_says_when_no_disability_is_recorded_and_links_to_the_form(
    client, child, social_worker
):
    client.force_login(social_worker)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Not recorded" in page
    assert f"/people/{child.pk}/disabilities/" in page


def test_the_page_is_refused_to_a_partner(client, child, health_visitor):
    client.force_login(health_visitor)
    assert client.get(f"/people/{child.pk}/disabilities/").status_code == 403
