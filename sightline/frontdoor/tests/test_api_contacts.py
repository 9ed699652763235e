"""POST /api/v1/contacts: agency systems send contacts with their own token."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from sightline.accounts.services import api_token_issue
from sightline.core.models import AuditEntry
from sightline.frontdoor.models import Channel, Contact, ReferralSource
from sightline.people.identifiers import nhs_number_with_check_digit
from sightline.people.models import Person
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts"
VALID_NHS = nhs_number_with_check_digit("943476591")  # 9434765919


@pytest.fixture
def police_token(agencies) -> str:  # type: ignore[no-untyped-def]
    _, secret = api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")
    return secret


def a_contact(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "NICHE-2025-0001",
        "concern": "Officers attended a domestic incident; a child was in the home.",
        "urgency": "today",
        "child": {
            "given_name": "Poppy",
            "family_name": "Fictionsmith",
            "date_of_birth": "2019-01-04",
            "nhs_number": "",
            "upn": "",
            "sex": "F",
            "address": {"line": "4 Invented Lane", "postcode": "bd21 4qa"},
        },
        "child_voice": "Poppy said she hid under the bed.",
        "actions_taken": "DASH completed; victim referred to IDVA.",
        "lawful_basis": "safeguarding",
        "consent": "not_sought",
        "consent_detail": "Sharing without consent: risk of further harm.",
        "referrer": {"name": "PC Ash", "email": "pc.ash@example.org", "phone": "01632 960 111"},
    }
    body.update(overrides)
    return body


def post(client, body: dict[str, Any], token: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_contact_is_created_and_answered_with_its_reference(client, police_token, agencies):
    response = post(client, a_contact(), police_token)

    assert response.status_code == 201
    body = response.json()
    contact = Contact.objects.get()
    assert body["reference"] == contact.reference
    assert body["status"] == "awaiting"
    assert dt.datetime.fromisoformat(body["decision_due_at"]) == contact.decision_due_at
    assert contact.channel == Channel.API
    assert contact.referrer_agency == agencies["police"]
    assert contact.external_id == "NICHE-2025-0001"
    assert contact.referral_source == ReferralSource.POLICE
    assert contact.referrer_name == "PC Ash"
    assert contact.child is None
    assert contact.child_details["family_name"] == "Fictionsmith"
    assert contact.child_details["date_of_birth"] == "2019-01-04"
    assert contact.child_details["address"] == {"line": "4 Invented Lane", "postcode": "BD21 4QA"}
    assert Person.objects.count() == 0  # no person is created from an agency's message
    assert AuditEntry.objects.filter(
        action="contact.received", actor_label="Northmoor Police system"
    ).exists()


def test_the_decision_is_due_one_working_day_after_receipt(client, police_token, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 2, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    body = post(client, a_contact(), police_token).json()
    due = timezone.localtime(dt.datetime.fromisoformat(body["decision_due_at"]))
    assert due.date() == dt.date(2025, 5, 6)  # Monday 5 May is a bank holiday


def test_a_contact_is_linked_to_the_one_child_with_that_nhs_number(client, police_token):
    lily = f.child(given_name="Poppy", family_name="Fictionsmith", nhs_number=VALID_NHS)
    body = a_contact()
    body["child"]["nhs_number"] = "943 476 5919"

    assert post(client, body, police_token).status_code == 201

    assert Contact.objects.get().child == lily


def test_a_contact_is_not_linked_when_two_people_share_the_nhs_number(client, police_token):
    f.child(given_name="Poppy", nhs_number=VALID_NHS)
    f.child(given_name="Popy", nhs_number=VALID_NHS)
    body = a_contact()
    body["child"]["nhs_number"] = VALID_NHS
    post(client, body, police_token)
    contact = Contact.objects.get()
    assert contact.child is None
    assert contact.child_details["nhs_number"] == VALID_NHS


def test_the_agency_may_give_its_own_referral_source(client, agencies):
    _, secret = api_token_issue(actor="test", agency=agencies["hospital"], name="ED system")
    post(client, a_contact(referral_source="3E"), secret)
    assert Contact.objects.get().referral_source == ReferralSource.A_AND_E


def test_resending_the_same_contact_returns_it_and_changes_nothing(client, police_token):
    first = post(client, a_contact(), police_token)
    entries = AuditEntry.objects.count()

    again = post(client, a_contact(), police_token)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert Contact.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_the_same_external_id_with_different_content_is_a_conflict(client, police_token):
    first = post(client, a_contact(), police_token).json()

    response = post(client, a_contact(concern="Something else entirely."), police_token)

    assert response.status_code == 409
    assert "already sent a different contact" in response.json()["detail"]
    assert response.json()["reference"] == first["reference"]
    contact = Contact.objects.get()
    assert contact.concern.startswith("Officers attended")


def test_another_agency_may_use_the_same_external_id(client, police_token, agencies):
    _, school_token = api_token_issue(actor="test", agency=agencies["school"], name="MIS")
    assert post(client, a_contact(), police_token).status_code == 201
    assert post(client, a_contact(), school_token).status_code == 201
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("header", [None, "Bearer sl_unknown_token", "Basic dXNlcjpwYXNz"])
def test_a_missing_or_unknown_token_is_refused(client, agencies, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(
        URL, data=json.dumps(a_contact()), content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert "API token" in response.json()["detail"]
    assert Contact.objects.count() == 0


def test_a_revoked_token_is_refused(client, agencies):
    token, secret = api_token_issue(actor="test", agency=agencies["police"], name="old")
    token.revoked_at = timezone.now()
    token.save()
    assert post(client, a_contact(), secret).status_code == 401


def bad_fields(response) -> dict[tuple[str, ...], str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][2:]): item["msg"] for item in response.json()["detail"]}


def test_schema_errors_name_each_bad_field(client, police_token):
    body = a_contact(urgency="whenever", lawful_basis="because")
    del body["concern"]
    body["child"]["date_of_birth"] = "2019-02-30"
    body["child"]["sex"] = "X"

    fields = bad_fields(post(client, body, police_token))

    assert set(fields) >= {
        ("concern",),
        ("urgency",),
        ("lawful_basis",),
        ("child", "date_of_birth"),
        ("child", "sex"),
    }
    assert Contact.objects.count() == 0


def test_service_errors_come_back_the_same_way_naming_each_field(client, police_token):
    body = a_contact(referral_source="ZZ", consent="refused", consent_detail="")
    body["child"]["nhs_number"] = "9434765918"  # wrong check digit
    body["child"]["date_of_birth"] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    body["child"]["address"]["postcode"] = "NOWHERE"
    body["referrer"]["email"] = "not-an-email"

    fields = bad_fields(post(client, body, police_token))

    assert "check digit is wrong" in fields[("child", "nhs_number")]
    assert "today or in the past" in fields[("child", "date_of_birth")]
    assert "real postcode" in fields[("child", "address", "postcode")]
    assert "not a DfE referral source code" in fields[("referral_source",)]
    assert Contact.objects.count() == 0
    # The service checks consent and the referrer once the child's details are right.
    body = a_contact(consent="refused", consent_detail="")
    body["referrer"]["email"] = "not-an-email"
    fields = bad_fields(post(client, body, police_token))
    assert "without the family's consent" in fields[("consent_detail",)]
    assert "email address" in fields[("referrer", "email")]


def test_a_blank_concern_is_refused(client, police_token):
    fields = bad_fields(post(client, a_contact(concern="   "), police_token))
    assert fields[("concern",)] == "Tell us what happened or what you are worried about"


def test_an_oversize_concern_is_refused(client, police_token):
    fields = bad_fields(post(client, a_contact(concern="x" * 20_001), police_token))
    assert ("concern",) in fields


def test_a_child_with_neither_name_nor_nhs_number_is_refused(client, police_token):
    fields = bad_fields(post(client, a_contact(child={"sex": "U"}), police_token))
    assert "name or NHS number" in fields[("child", "given_name")]


def test_the_openapi_document_describes_the_contacts_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operation = document["paths"]["/api/v1/contacts"]["post"]
    assert {"201", "200", "409", "422"} <= set(operation["responses"])
    assert operation["security"]
    schemas = document["components"]["schemas"]
    assert {"external_id", "concern", "child", "lawful_basis", "consent"} <= set(
        schemas["ContactIn"]["properties"]
    )


def test_the_interactive_docs_are_served_to_signed_in_staff(client, police_officer):
    assert client.get("/api/v1/docs").status_code == 302  # sign in first
    client.force_login(police_officer)
    assert client.get("/api/v1/docs").status_code == 200


def test_the_referrer_and_optional_answers_may_be_left_out(client, police_token):
    body = {
        "external_id": "NICHE-2025-0002",
        "concern": "Child found alone at a bus station late at night.",
        "child": {"given_name": "Rowan"},
        "lawful_basis": "safeguarding",
        "consent": "not_applicable",
    }
    assert post(client, body, police_token).status_code == 201
    contact = Contact.objects.get()
    assert contact.referrer_name == "" and contact.urgency == "not_urgent"
