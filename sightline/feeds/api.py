"""POST /api/v1/events: an agency's system sends a batch of feed events (format version 1).

Authenticate with the agency's token (`Authorization: Bearer <token>`). The body is a JSON
array of events, or JSON Lines (one event per line). Each event is checked and imported on
its own, exactly as `sightline import-events` does, and the answer reports every event:
`accepted`, `duplicate` (already received: nothing changed), `conflict` (the same event_id
with different content: not applied) or `rejected` (with the field and reason). An agency
may only send its own events: `source` must be the token's agency code.

Each event is checked against the feed line schema (`FeedLine` in the OpenAPI document,
generated from the model in `sightline.feeds.format`, ADR 009).

The answer is 200 when every event was accepted or a duplicate, 207 (Multi-Status) when any
was rejected or in conflict, 422 (with the same report) when every event was rejected, 400
when the body is not a JSON array or JSON Lines at all, 413 when it is too large and 415 when
it is sent as anything but `application/json` or `application/x-ndjson`.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from sightline.accounts.models import Agency
from sightline.feeds.format import MAX_DEPTH, REF_TEMPLATE, feed_line_json_schema
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
    alerts_raised: int | None = Field(
        description=(
            "Alerts the batch raised; null when the rules run in the worker after the batch "
            "commits (GET the alerts later) or the rule catalogue is not installed"
        )
    )
    results: list[EventResult]


FEED_LINE = {"$ref": REF_TEMPLATE.format(model="FeedLine")}
# What a body may be sent as: a JSON array of events, or JSON Lines.
MEDIA_TYPES = ("application/json", "application/x-ndjson")


def openapi_schemas() -> dict[str, dict[str, Any]]:
    """The schemas the request body refers to, for the OpenAPI document's components."""
    return feed_line_json_schema()


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
        except RecursionError:
            return (
                f"The body is JSON nested too deeply to read (an event may nest at most "
                f"{MAX_DEPTH} levels)."
            )
        except ValueError as error:
            return f"The body is not JSON this system can read: {error}."
        return list(enumerate(events, start=1))
    lines = body.splitlines()
    return [(number, raw) for number, raw in enumerate(lines, start=1) if raw.strip()]


@router.post(
    "",
    response={
        200: BatchResult,
        207: BatchResult,
        400: Problem,
        401: Problem,
        413: Problem,
        415: Problem,
        422: BatchResult,
    },
    summary="Send a batch of feed events",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": FEED_LINE}},
                "application/x-ndjson": {"schema": FEED_LINE},
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
    if body.strip() and request.content_type not in MEDIA_TYPES:
        return Status(
            415,
            {
                "detail": "Send the batch as application/json (a JSON array of events) or "
                "application/x-ndjson (JSON Lines)."
            },
        )
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
    if summary.clean:
        return Status(200, payload)
    refused = summary.rejected == len(numbered)
    return Status(422 if refused else 207, payload)
