"""POST /api/v1/events: a batch from an agency's system, with that agency's token."""

from __future__ import annotations

import json

import pytest

from sightline.accounts.services import api_token_issue, api_token_revoke
from sightline.chronology.models import Event
from sightline.feeds.tests.lines import a_line, changed, jsonl

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"


@pytest.fixture
def police_token(agencies) -> str:  # type: ignore[no-untyped-def]
    return api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")[1]


def post(client, body: str, token: str | None, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, data=body, content_type=content_type, headers=headers)


def test_a_batch_of_good_events_is_answered_200_with_a_result_per_event(client, police_token):
    body = json.dumps([a_line(), a_line(event_id="DA-2")])
    response = post(client, body, police_token)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["rejected"], answer["persons_created"]) == (2, 0, 3)
    assert answer["persons_linked"] == 3
    assert [(r["line"], r["event_id"], r["status"]) for r in answer["results"]] == [
        (1, "DA-2020-004411", "accepted"),
        (2, "DA-2", "accepted"),
    ]
    assert Event.objects.filter(source__code="police").count() == 2


def test_a_batch_may_be_sent_as_json_lines(client, police_token):
    body = jsonl(a_line(), a_line(event_id="DA-2"))
    response = post(client, body, police_token, content_type="application/x-ndjson")
    assert response.status_code == 200
    assert response.json()["accepted"] == 2


def test_a_batch_with_a_bad_event_is_answered_207_naming_the_event_field_and_reason(
    client, police_token
):
    bad = changed(a_line(event_id="DA-BAD"), "people.2.date_of_birth", "2019-02-30")
    response = post(client, json.dumps([a_line(), bad]), police_token)
    assert response.status_code == 207
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (1, 1)
    result = answer["results"][1]
    assert (result["line"], result["event_id"], result["status"]) == (2, "DA-BAD", "rejected")
    assert result["problems"] == [
        {
            "field": "people[2].date_of_birth",
            "reason": "'2019-02-30' is not a real date (use YYYY-MM-DD)",
        }
    ]


def test_a_resend_is_a_duplicate_and_a_changed_resend_a_conflict(client, police_token):
    post(client, json.dumps([a_line()]), police_token)
    again = post(client, json.dumps([a_line()]), police_token)
    assert again.status_code == 200
    assert again.json()["results"][0]["status"] == "duplicate"
    conflict = post(client, json.dumps([changed(a_line(), "summary", "Different")]), police_token)
    assert conflict.status_code == 207
    result = conflict.json()["results"][0]
    assert result["status"] == "conflict"
    assert "differs from the event already received on" in result["problems"][0]["reason"]


def test_an_agency_cannot_send_events_as_another_agency(client, police_token):
    as_health = changed(a_line(event_id="H-1"), "source", "health")
    response = post(client, json.dumps([as_health, a_line()]), police_token)
    assert response.status_code == 207
    first, second = response.json()["results"]
    assert first["status"] == "rejected"
    assert first["problems"][0]["field"] == "source"
    assert "may only send its own events" in first["problems"][0]["reason"]
    assert second["status"] == "accepted"
    assert not Event.objects.filter(source__code="health").exists()


@pytest.mark.parametrize("token", [None, "sl_nothing_real"], ids=["no token", "unknown token"])
def test_without_a_known_token_nothing_is_imported(client, agencies, token):
    response = post(client, json.dumps([a_line()]), token)
    assert response.status_code == 401
    assert not Event.objects.exists()


def test_a_revoked_token_is_refused(client, police_token):
    api_token_revoke(actor="test", prefix=police_token.split("_")[1])
    assert post(client, json.dumps([a_line()]), police_token).status_code == 401


@pytest.mark.parametrize(
    "body", ["", '[{"feed": "1",', "   "], ids=["empty", "broken array", "blank"]
)
def test_a_body_that_is_not_json_at_all_is_answered_400(client, police_token, body):
    response = post(client, body, police_token)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_batch_that_is_too_large_is_answered_413(client, police_token, settings):
    from sightline.feeds import api

    lines = [a_line(event_id=f"DA-{n}") for n in range(api.MAX_EVENTS + 1)]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    assert post(client, json.dumps(lines), police_token).status_code == 413
    assert not Event.objects.exists()


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/events"]["post"]
    assert "application/x-ndjson" in operation["requestBody"]["content"]
    assert set(operation["responses"]) >= {"200", "207", "400", "401"}


def test_a_body_over_the_upload_limit_is_answered_413(client, police_token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, json.dumps([a_line(), a_line(event_id="DA-2")]), police_token)
    assert response.status_code == 413
    assert not Event.objects.exists()


def test_the_request_body_schema_is_generated_from_the_feed_line_model(client):
    from sightline.feeds.format import FeedLine, feed_line_json_schema

    document = client.get("/api/v1/openapi.json").json()
    content = document["paths"]["/api/v1/events"]["post"]["requestBody"]["content"]
    reference = {"$ref": "#/components/schemas/FeedLine"}
    assert content["application/x-ndjson"]["schema"] == reference
    assert content["application/json"]["schema"] == {"type": "array", "items": reference}
    schemas = document["components"]["schemas"]
    generated = feed_line_json_schema()
    assert FeedLine.__name__ == "FeedLine"
    for name, schema in generated.items():
        assert schemas[name] == schema, name
    assert "people" in schemas["DomesticAbuseIncidentLine"]["properties"]
    assert schemas["DomesticAbuseIncidentLine"]["properties"]["details"] == {
        "$ref": "#/components/schemas/DomesticAbuseIncidentDetails"
    }


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x"])
def test_a_body_not_sent_as_json_or_json_lines_is_answered_415(client, police_token, content_type):
    response = post(client, json.dumps([a_line()]), police_token, content_type=content_type)
    assert response.status_code == 415
    assert not Event.objects.exists()


def test_a_batch_in_which_every_event_is_rejected_is_answered_422(client, police_token):
    bad = changed(a_line(), "details", ["child_present"])
    response = post(client, json.dumps([bad]), police_token)
    assert response.status_code == 422
    assert response.json()["results"][0]["problems"][0]["field"] == "details"
    assert "422" in client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]["responses"]
