"""POST /api/v1/contacts keeps the contract its OpenAPI document states: every answer it gives
is documented, what the schema allows is what the service accepts, and only JSON is read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sightline.accounts.services import api_token_issue
from sightline.frontdoor.models import Contact

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts"


@pytest.fixture
def police_token(agencies) -> str:  # type: ignore[no-untyped-def]
    return api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")[1]


def a_contact(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "NICHE-2025-0001",
        "concern": "Officers attended a domestic incident; a child was in the home.",
        "child": {"given_name": "Poppy", "family_name": "Fictionsmith"},
        "lawful_basis": "safeguarding",
        "consent": "not_applicable",
    }
    body.update(overrides)
    return body


def post(client, body: str, token: str, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return client.post(
        URL, data=body, content_type=content_type, headers={"Authorization": f"Bearer {token}"}
    )


def operation(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]


def test_a_body_over_256_kb_is_answered_413(client, police_token):
    body = json.dumps(a_contact(concern="x" * 300_000))
    response = post(client, body, police_token)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_a_body_that_is_not_json_is_answered_400_as_documented(client, police_token):
    response = post(client, '{"external_id": ', police_token)
    assert response.status_code == 400
    assert response.json()["detail"]
    responses = operation(client)["responses"]
    assert {"400", "413", "415"} <= set(responses)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_sent_as_json_is_answered_415(client, police_token, content_type):
    response = post(client, json.dumps(a_contact()), police_token, content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_json_with_a_charset_is_read(client, police_token):
    response = post(
        client, json.dumps(a_contact()), police_token, "application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_the_schema_says_a_child_needs_a_name_or_nhs_number(client):
    document = client.get("/api/v1/openapi.json").json()
    child = document["components"]["schemas"]["ChildIn"]
    required = [set(option["required"]) for option in child["anyOf"]]
    assert required == [{"given_name"}, {"family_name"}, {"nhs_number"}]


@pytest.mark.parametrize(
    "child",
    [{}, {"given_name": "  ", "family_name": ""}, {"nhs_number": " - "}, {"sex": "U"}],
    ids=["nothing", "blank names", "a blank NHS number", "only a sex"],
)
def test_a_child_with_neither_name_nor_nhs_number_is_refused_as_the_schema_says(
    client, police_token, child
):
    response = post(client, json.dumps(a_contact(child=child)), police_token)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "payload", "child", "given_name"]
    assert "name or NHS number" in problem["msg"]
