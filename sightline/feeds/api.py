"""POST /api/v1/events: an agency's system sends a batch of feed events (format version 1).

Authenticate with the agency's token (`Authorization: Bearer <token>`). The body is a JSON
array of events, or JSON Lines (one event per line). Each event is checked and imported on
its own, exactly as `sightline import-events` does, and the answer reports every event:
`accepted`, `duplicate` (already received: nothing changed), `conflict` (the same event_id
with different content: not applied) or `rejected` (with the field and reason). An agency
may only send its own events: `source` must be the token's agency code.

The answer is 200 when every event was accepted or a duplicate, 207 (Multi-Status) when any
was rejected or in conflict, 400 when the body is not a JSON array or JSON Lines at all.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from sightline.accounts.models import Agency
from sightline.feeds.format import FEED_TYPES
from sightline.feeds.services import feed_import
from sightline.frontdoor.api import AgencyToken, Problem

MAX_EVENTS = 1000

router = Router(tags=["events"], auth=AgencyToken())


class EventProblem(Schema):
    field: str = Field(description="Where in the event, like people[2].date_of_birth")
    reason: str


class EventResult(Schema):
    line: int = Field(description="The event's position in the batch (or line), from 1")
    event_id: str
    status: Literal["accepted", "duplicate", "conflict", "rejected"]
    problems: list[EventProblem]


class BatchResult(Schema):
    accepted: int
    duplicates: int
    conflicts: int
    rejected: int
    persons_created: int
    persons_linked: int
    alerts_raised: int | None = Field(description="Null when the rule catalogue is not installed")
    results: list[EventResult]


_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["feed", "source", "event_id", "type", "occurred_at", "people"],
    "properties": {
        "feed": {"type": "string", "enum": ["1"]},
        "source": {"type": "string", "description": "your agency's code"},
        "event_id": {"type": "string", "maxLength": 100},
        "type": {"type": "string", "enum": [str(t) for t in FEED_TYPES]},
        "occurred_at": {"type": "string", "format": "date-time"},
        "recorded_at": {"type": "string", "format": "date-time"},
        "summary": {"type": "string"},
        "people": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["role", "record_id"],
                "properties": {
                    "role": {
                        "type": "string",
                        "enum": [
                            "child",
                            "victim",
                            "perpetrator",
                            "mother",
                            "father",
                            "carer",
                            "member",
                            "subject",
                            "referrer",
                        ],
                    },
                    "record_id": {"type": "string"},
                    "given_name": {"type": "string"},
                    "family_name": {"type": "string"},
                    "date_of_birth": {"type": ["string", "null"], "format": "date"},
                    "sex": {"type": "string"},
                    "nhs_number": {"type": ["string", "null"]},
                    "upn": {"type": ["string", "null"]},
                    "address": {
                        "type": ["object", "null"],
                        "properties": {"line": {"type": "string"}, "postcode": {"type": "string"}},
                    },
                },
            },
        },
        "details": {"type": "object", "description": "by type: DESIGN.md section 5"},
    },
}


def _events_from(body: bytes) -> list[tuple[int, Any]] | str:
    """The numbered events of the body, or why it could not be read at all."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return "The body is empty: send a JSON array of events, or JSON Lines."
    if text.startswith("["):
        try:
            events = json.loads(text)
        except json.JSONDecodeError as error:
            return f"The body is not a valid JSON array: {error.msg} at line {error.lineno}."
        return list(enumerate(events, start=1))
    lines = body.splitlines()
    return [(number, raw) for number, raw in enumerate(lines, start=1) if raw.strip()]


@router.post(
    "",
    response={200: BatchResult, 207: BatchResult, 400: Problem, 401: Problem, 413: Problem},
    summary="Send a batch of feed events",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": _EVENT_SCHEMA}},
                "application/x-ndjson": {"schema": _EVENT_SCHEMA},
            },
        }
    },
)
def events_send(request: HttpRequest) -> Status:
    """Import each event of the batch in turn; the answer reports each one."""
    agency: Agency = request.auth  # type: ignore[attr-defined]
    try:
        body = request.body
    except RequestDataTooBig:
        return Status(413, {"detail": "The batch is too large: send fewer events at a time."})
    numbered = _events_from(body)
    if isinstance(numbered, str):
        return Status(400, {"detail": numbered})
    if len(numbered) > MAX_EVENTS:
        return Status(413, {"detail": f"Send at most {MAX_EVENTS} events in one batch."})
    decoded = bool(numbered) and not isinstance(numbered[0][1], bytes)
    summary = feed_import(numbered, decoded=decoded, sender=agency, keep_results=True)
    payload = {
        **summary.counts(),
        "results": [result.as_dict() for result in summary.results],
    }
    return Status(200 if summary.clean else 207, payload)
