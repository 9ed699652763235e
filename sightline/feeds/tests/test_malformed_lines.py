"""Lines an attacker or a faulty agency system sends: wrong JSON types, lone surrogates, NUL and
other control characters, JSON nested a thousand deep. Each is rejected on its own with its
line number, the field and the reason, and every good line around it is kept, through the
command, the importer and both API endpoints, on SQLite and on PostgreSQL (the NUL character
is the one PostgreSQL itself refuses to store)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sightline.accounts.services import api_token_issue
from sightline.chronology.models import Event
from sightline.feeds.models import ReceivedEvent
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import a_line, changed
from sightline.frontdoor.models import Contact

pytestmark = pytest.mark.django_db

DEEP = 1000


def deep_line(depth: int) -> str:
    """A line whose details hold a list nested `depth` deep (built as text: Python's own
    encoder refuses to write a thousand)."""
    head = json.dumps(a_line(details={}))[: -len("{}}")]
    return head + '{"child_present": true, "notes": ' + "[" * depth + "]" * depth + "}}"


def as_text(line: dict[str, Any]) -> str:
    return json.dumps(line)  # ensure_ascii: a lone surrogate is sent as the escape \ud800


# (what is wrong, the line as sent, the field reported, words in the reason)
MALFORMED: list[tuple[str, str, str, str]] = [
    ("people as a number", as_text(changed(a_line(), "people", 5)), "people", "must be a list"),
    ("people as true", as_text(changed(a_line(), "people", True)), "people", "must be a list"),
    ("people as 5.5", as_text(changed(a_line(), "people", 5.5)), "people", "must be a list"),
    (
        "a lone surrogate in the summary",
        as_text(changed(a_line(), "summary", "a\ud800b")),
        "summary",
        "lone surrogate",
    ),
    (
        "a lone surrogate in a name",
        as_text(changed(a_line(), "people.2.given_name", "Po\udc00ppy")),
        "people[2].given_name",
        "lone surrogate",
    ),
    (
        "a lone surrogate in an event id",
        as_text(changed(a_line(), "event_id", "DA-\ud800")),
        "event_id",
        "lone surrogate",
    ),
    # Too deep to be read at all: the line as a whole is named.
    ("JSON nested 1,000 deep", deep_line(DEEP), "", "nested too deeply"),
    ("JSON nested 100 deep", deep_line(100), "details.notes", "nested too deeply"),
    (
        "a NUL in the summary",
        as_text(changed(a_line(), "summary", "shouting\u0000")),
        "summary",
        "control character",
    ),
    (
        "a NUL in a family name",
        as_text(changed(a_line(), "people.0.family_name", "Test\u0000smith")),
        "people[0].family_name",
        "control character",
    ),
    (
        "a NUL in a postcode",
        as_text(changed(a_line(), "people.0.address.postcode", "BD21\u00004QA")),
        "people[0].address.postcode",
        "control character",
    ),
    (
        "a NUL in a record id",
        as_text(changed(a_line(), "people.1.record_id", "WYP\u0000552")),
        "people[1].record_id",
        "control character",
    ),
    (
        "a NUL in a field the format does not name",
        as_text(changed(a_line(), "details.notes", "\u0000")),
        "details.notes",
        "control character",
    ),
    (
        "a NUL in a key",
        as_text(changed(a_line(), "details.no\u0000tes", "x")),
        "details",
        "control character",
    ),
    (
        "a vertical tab in the summary",
        as_text(changed(a_line(), "summary", "line\u000bbreak")),
        "summary",
        "control character",
    ),
    (
        "details as a list",
        as_text(changed(a_line(), "details", ["child_present"])),
        "details",
        "must be an object",
    ),
]
CASES = pytest.mark.parametrize(
    ("raw", "field", "reason"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED]
)


def problems_of(result: Any) -> list[tuple[str, str]]:
    return [(p.field, p.reason) for p in result.problems]


@CASES
def test_a_malformed_line_is_rejected_alone_and_the_good_lines_are_kept(
    agencies, raw, field, reason
):
    lines = [
        (1, json.dumps(a_line(event_id="GOOD-1"))),
        (2, raw),
        (3, json.dumps(a_line(event_id="GOOD-3"))),
    ]
    summary = feed_import([(number, text.encode()) for number, text in lines])
    assert (summary.accepted, summary.rejected) == (2, 1)
    [result] = summary.results
    assert (result.line, result.status) == (2, "rejected")
    assert any(p.field == field and reason in p.reason for p in result.problems), problems_of(
        result
    )
    assert set(Event.objects.values_list("source_event_id", flat=True)) == {"GOOD-1", "GOOD-3"}


def run_command(path: Path) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_events", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as error:
        code = error.returncode
    return out.getvalue(), err.getvalue(), code


def test_the_command_prints_each_malformed_line_and_keeps_every_good_one(agencies, tmp_path):
    texts = [json.dumps(a_line(event_id="GOOD-0"))]
    for number, (_, raw, _, _) in enumerate(MALFORMED, start=1):
        texts.append(raw)
        texts.append(json.dumps(a_line(event_id=f"GOOD-{number}")))
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")

    out, err, code = run_command(path)

    assert code == 1
    assert Event.objects.count() == len(MALFORMED) + 1
    printed = err.splitlines()
    for number, (_, _, field, reason) in enumerate(MALFORMED, start=1):
        prefix = f"line {2 * number}: {field}: " if field else f"line {2 * number}: "
        assert any(p.startswith(prefix) and reason in p for p in printed), (prefix, printed)
    assert f"Rejected                                  {len(MALFORMED)}" in out


def test_a_nul_on_line_250_of_450_rejects_that_line_only(agencies, tmp_path):
    texts = [json.dumps(a_line(event_id=f"DA-{n}")) for n in range(1, 451)]
    texts[249] = json.dumps(changed(a_line(event_id="DA-250"), "summary", "a\u0000b"))
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")

    out, err, code = run_command(path)

    assert code == 1
    assert err.splitlines() == [
        "line 250: summary: contains a control character (U+0000), which is not allowed"
    ]
    assert Event.objects.count() == 449
    assert ReceivedEvent.objects.count() == 449
    assert not Event.objects.filter(source_event_id="DA-250").exists()
    # Sending the file again changes nothing.
    out, err, code = run_command(path)
    assert "Duplicates (already received)             449" in out
    assert Event.objects.count() == 449


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def police_token(agencies) -> str:  # type: ignore[no-untyped-def]
    return api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")[1]


def post(client, url: str, body: str | bytes, token: str, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return client.post(
        url, data=body, content_type=content_type, headers={"Authorization": f"Bearer {token}"}
    )


@CASES
def test_the_events_api_rejects_a_malformed_event_alone_in_json_lines(
    client, police_token, raw, field, reason
):
    body = "\n".join([json.dumps(a_line(event_id="GOOD-1")), raw]) + "\n"
    response = post(client, "/api/v1/events", body, police_token, "application/x-ndjson")
    assert response.status_code == 207, response.content
    good, bad = response.json()["results"]
    assert good["status"] == "accepted"
    assert (bad["line"], bad["status"]) == (2, "rejected")
    assert any(p["field"] == field and reason in p["reason"] for p in bad["problems"])
    assert list(Event.objects.values_list("source_event_id", flat=True)) == ["GOOD-1"]


@CASES
def test_the_events_api_answers_422_when_every_event_is_malformed(
    client, police_token, raw, field, reason
):
    response = post(client, "/api/v1/events", "[" + raw + "]", police_token)
    if raw.count("[") > DEEP:
        # An array that cannot be read as a whole cannot be split into events.
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["detail"]
    else:
        assert response.status_code == 422, response.content
        [result] = response.json()["results"]
        assert any(p["field"] == field and reason in p["reason"] for p in result["problems"])
    assert not Event.objects.exists()


def a_contact(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "NICHE-2025-0001",
        "concern": "Officers attended a domestic incident; a child was in the home.",
        "child": {"given_name": "Poppy", "family_name": "Fictionsmith"},
        "lawful_basis": "safeguarding",
        "consent": "not_applicable",
        "referrer": {"name": "PC Ash"},
    }
    body.update(overrides)
    return body


# (what is wrong, the body as sent, where the bad field is)
MALFORMED_CONTACTS: list[tuple[str, str, list[str]]] = [
    ("a NUL in the concern", json.dumps(a_contact(concern="a\u0000b")), ["concern"]),
    (
        "a NUL in the child's name",
        json.dumps(a_contact(child={"given_name": "Po\u0000ppy"})),
        ["child", "given_name"],
    ),
    (
        "a NUL in the referrer's name",
        json.dumps(a_contact(referrer={"name": "PC\u0000Ash"})),
        ["referrer", "name"],
    ),
    ("a NUL in the external id", json.dumps(a_contact(external_id="N\u0000")), ["external_id"]),
    ("a lone surrogate", json.dumps(a_contact(concern="a\ud800b")), ["concern"]),
    (
        "a lone surrogate in the postcode",
        json.dumps(a_contact(child={"given_name": "P", "address": {"postcode": "\udfff"}})),
        ["child", "address", "postcode"],
    ),
    ("a vertical tab", json.dumps(a_contact(child_voice="a\u000bb")), ["child_voice"]),
    ("the child as a number", json.dumps(a_contact(child=5)), ["child"]),
    ("the child as true", json.dumps(a_contact(child=True)), ["child"]),
    ("the referrer as 5.5", json.dumps(a_contact(referrer=5.5)), ["referrer"]),
]


@pytest.mark.parametrize(
    ("body", "where"),
    [case[1:] for case in MALFORMED_CONTACTS],
    ids=[case[0] for case in MALFORMED_CONTACTS],
)
def test_the_contacts_api_answers_422_naming_the_field(client, police_token, body, where):
    response = post(client, "/api/v1/contacts", body, police_token)
    assert response.status_code == 422, response.content
    assert ["body", "payload", *where] in [item["loc"] for item in response.json()["detail"]]
    assert not Contact.objects.exists()


def test_the_contacts_api_answers_400_to_json_nested_1000_deep(client, police_token):
    body = json.dumps(a_contact())[:-1] + ', "extra": ' + "[" * DEEP + "]" * DEEP + "}"
    response = post(client, "/api/v1/contacts", body, police_token)
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_text_that_only_looks_like_an_escaped_control_character_is_kept(agencies):
    summary_text = "Typed as \\u0000 and \\b by the officer;\ttab,\r\nnew line, café, ✓"
    line = a_line(summary=summary_text)
    summary = feed_import([(1, json.dumps(line).encode())])
    assert summary.accepted == 1, summary.results
    assert Event.objects.get().summary == summary_text
