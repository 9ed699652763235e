"""Bad values in every field of a good event or contact, sent to both API endpoints: each is
answered without a server error, on SQLite and PostgreSQL alike. First a fixed matrix (every
field with every bad value the probing used), then a short, seeded fuzz of random JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sightline.accounts.services import api_token_issue
from sightline.feeds.tests.lines import a_line, changed

pytestmark = pytest.mark.django_db

TRICKY_TEXT = ["a\ud800b", "\udfff", "\x00", "nul\x00", "\x0b", "\x1f", "\x85", "", " ", "9" * 200]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(TRICKY_TEXT),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5) | st.sampled_from(TRICKY_TEXT), inner, max_size=3)
    ),
    max_leaves=6,
)
EVENT_FIELDS = [
    "feed",
    "source",
    "event_id",
    "type",
    "occurred_at",
    "recorded_at",
    "summary",
    "people",
    "people.0",
    "people.0.role",
    "people.0.record_id",
    "people.0.given_name",
    "people.0.date_of_birth",
    "people.0.sex",
    "people.0.nhs_number",
    "people.0.address",
    "people.0.address.postcode",
    "details",
    "details.dash_yes_count",
    "details.child_present",
    "details.anything",
]
CONTACT_FIELDS = [
    "external_id",
    "concern",
    "urgency",
    "child",
    "child.given_name",
    "child.date_of_birth",
    "child.nhs_number",
    "child.sex",
    "child.address",
    "child.address.postcode",
    "lawful_basis",
    "consent",
    "consent_detail",
    "referrer",
    "referrer.email",
    "referral_source",
    "anything",
]
FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


NESTED: Any = []
for _ in range(40):
    NESTED = [NESTED]
BAD_VALUES: list[Any] = [
    5,
    True,
    5.5,
    -1,
    10**30,
    float("inf"),
    None,
    [],
    {},
    ["x"],
    {"x": 1},
    NESTED,
    "a\ud800b",
    "\x00",
    "x\x00y",
    "\x0b",
    "\x85",
    "",
    " ",
    "x" * 300,
    "2020-02-30",
]


@pytest.fixture
def police_token(agencies) -> str:  # type: ignore[no-untyped-def]
    return api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")[1]


def a_contact() -> dict[str, Any]:
    return {
        "external_id": "NICHE-1",
        "concern": "Officers attended a domestic incident; a child was in the home.",
        "child": {"given_name": "Poppy", "address": {"line": "4 Invented Lane"}},
        "lawful_basis": "safeguarding",
        "consent": "not_applicable",
        "referrer": {"name": "PC Ash"},
    }


def post(client, url: str, body: Any, token: str):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@FUZZ
@given(field=st.sampled_from(EVENT_FIELDS), value=JSON_VALUES)
def test_no_value_in_any_field_of_an_event_is_a_server_error(client, police_token, field, value):
    response = post(client, "/api/v1/events", [changed(a_line(), field, value)], police_token)
    assert response.status_code in (200, 207, 422), response.content


@FUZZ
@given(field=st.sampled_from(CONTACT_FIELDS), value=JSON_VALUES)
def test_no_value_in_any_field_of_a_contact_is_a_server_error(client, police_token, field, value):
    response = post(client, "/api/v1/contacts", changed(a_contact(), field, value), police_token)
    assert response.status_code in (200, 201, 409, 422), response.content


def test_every_bad_value_in_every_field_of_an_event_is_answered_without_a_server_error(
    client, police_token
):
    statuses = []
    for field in EVENT_FIELDS:
        batch = [
            changed(a_line(event_id=f"{field}-{n}"), field, value)
            for n, value in enumerate(BAD_VALUES)
        ]
        response = post(client, "/api/v1/events", batch, police_token)
        assert response.status_code in (200, 207, 422), (field, response.content)
        statuses += [result["status"] for result in response.json()["results"]]
    assert len(statuses) == len(EVENT_FIELDS) * len(BAD_VALUES)


def test_every_bad_value_in_every_field_of_a_contact_is_answered_without_a_server_error(
    client, police_token
):
    for field in CONTACT_FIELDS:
        for value in BAD_VALUES:
            body = changed(a_contact(), field, value)
            response = post(client, "/api/v1/contacts", body, police_token)
            assert response.status_code in (200, 201, 409, 422), (field, value, response.content)
