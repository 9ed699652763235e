"""The agency API holds to its OpenAPI document under fuzzing (schemathesis, every check).

Every operation of `/api/v1/openapi.json` is sent inputs generated from the document, valid
and invalid, with an agency's token; each answer must be no server error, documented (status,
content type, headers, body schema), and must accept what the schema allows and refuse what it
does not. The run is seeded and bounded so it fits CI on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.config import SchemathesisConfig

from sightline.accounts.services import api_token_issue
from sightline.testing import factories as f

# A request the document allows may still be refused, with 422 naming the field, by a rule
# JSON Schema cannot state: a check digit (NHS number, UPN), a date of birth in the future, a
# detail that one answer requires of another (consent refused needs its reason), or the rules
# across a feed line's fields (ADR 009). 422 is therefore an expected answer to valid data.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"],
            }
        },
        # The coverage phase makes every boundary case of a schema: for the feed line's
        # fourteen event types that is minutes, so the events endpoint is fuzzed (and the
        # feed's own tests walk its boundaries: feeds/tests/test_api_events.py).
        "operations": [
            {"include-path": "/api/v1/events", "phases": {"coverage": {"enabled": False}}}
        ],
    }
)


@schemathesis.serializer("application/x-ndjson")
def _json_lines(context, value):  # type: ignore[no-untyped-def]
    """One feed line: the events endpoint's other body (a JSON array is its first)."""
    return json.dumps(value).encode() + b"\n"


# Django's own handler, in this process and this test's transaction (as the test client is).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture
def police_token(db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    agencies = f.standard_agencies()
    # Requests run inside the test's transaction: keep Django from closing the connection at
    # their start and end, as its test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@seed(20261207)
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_its_document_says(case, police_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {police_token}"})
