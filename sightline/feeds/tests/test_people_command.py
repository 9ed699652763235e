"""`sightline people --format json` (DESIGN.md section 7)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from sightline.core.models import AuditEntry
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import a_line

pytestmark = pytest.mark.django_db


def people() -> list[dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    call_command("people", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_no_people_is_an_empty_array(agencies):
    assert people() == []


def test_every_person_with_every_source_record_linked_to_them(agencies):
    feed_import([(1, json.dumps(a_line()))])
    health = a_line(source="health", event_id="H-1")
    health["people"] = [{**a_line()["people"][2], "record_id": "HV-9"}]
    feed_import([(1, json.dumps(health))])
    answer = people()
    assert [set(person) for person in answer] == [
        {"id", "name", "date_of_birth", "source_ids"}
    ] * len(answer)
    frankie = next(p for p in answer if p["name"] == "Jordan Testsmith")
    assert frankie["date_of_birth"] == "1998-02-11"
    assert frankie["source_ids"] == ["police:WYP-551"]
    lilys = [p["source_ids"] for p in answer if p["name"] == "Poppy Testsmith"]
    assert sorted(sum(lilys, [])) == ["health:HV-9", "police:WYP-553"]
    assert AuditEntry.objects.filter(action="people.exported", kind="export").count() == 1
