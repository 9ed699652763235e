"""`sightline import-events FILE`: the summary, the reasons for rejected lines, the exit code,
and no half-imported event when something fails part way through a line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sightline.chronology.models import Event
from sightline.core.models import AuditEntry
from sightline.feeds import services
from sightline.feeds.models import ReceivedEvent
from sightline.feeds.tests.lines import DATA, a_line, changed, jsonl
from sightline.people.models import HouseholdMember, Person, SourceRecord

pytestmark = pytest.mark.django_db


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_events", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_with_a_summary(agencies):
    out, err = run(DATA / "valid_events.jsonl")
    assert err == ""
    assert "Accepted                                  22" in out
    assert "Rejected                                  0" in out
    assert "Persons created" in out and "Persons linked" in out and "Alerts raised" in out
    assert Event.objects.count() == 22
    assert AuditEntry.objects.filter(action="feed.imported").count() == 1


def test_a_file_with_bad_lines_keeps_the_good_ones_reports_the_bad_and_exits_1(agencies):
    path = DATA / "mixed_events.jsonl"
    with pytest.raises(CommandError) as raised:
        run(path)
    assert raised.value.returncode == 1
    assert "2 lines not imported" in str(raised.value)
    assert set(Event.objects.values_list("source_event_id", flat=True)) == {
        "MIX-1",
        "MIX-3",
        "MIX-6",
    }


def test_the_reasons_name_the_line_and_the_field(agencies, capsys):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_events", str(DATA / "mixed_events.jsonl"), stdout=io.StringIO(), stderr=err
        )
    lines = err.getvalue().splitlines()
    assert "line 2: people[0].date_of_birth: '2019-02-30' is not a real date (use YYYY-MM-DD)" in (
        lines
    )
    assert any(line.startswith("line 5: is not valid JSON") for line in lines)
    assert not any(line.startswith("line 4") for line in lines)  # a blank line is skipped


def test_a_resent_file_exits_0_with_every_line_a_duplicate(agencies):
    run(DATA / "valid_events.jsonl")
    out, _ = run(DATA / "valid_events.jsonl")
    assert "Duplicates (already received)             22" in out


def test_a_changed_resend_is_reported_as_a_conflict_and_exits_1(agencies, tmp_path):
    first = tmp_path / "first.jsonl"
    first.write_text(jsonl(a_line()))
    run(first)
    second = tmp_path / "second.jsonl"
    second.write_text(jsonl(changed(a_line(), "summary", "Something else")))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_events", str(second), stdout=io.StringIO(), stderr=err)
    assert "line 1: DA-2020-004411 differs from the event already received on" in err.getvalue()


def test_a_missing_file_is_an_error(agencies):
    with pytest.raises(CommandError, match="There is no file"):
        run(Path("/nonexistent/feed.jsonl"))


def test_a_failure_half_way_through_a_line_leaves_none_of_that_line(
    agencies, tmp_path, monkeypatch
):
    """The household is updated after the people, the event and its receipt are written:
    failing there must undo all of them, and keep the lines imported before."""

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "household_member_join", broken)
    path = tmp_path / "feed.jsonl"
    joined = {
        "feed": "1",
        "source": "housing",
        "event_id": "HJ-1",
        "type": "household_member_joined",
        "occurred_at": "2024-06-15T10:00:00+00:00",
        "people": [
            {
                "role": "child",
                "record_id": "T-31",
                "given_name": "Poppy",
                "family_name": "Testsmith",
                "date_of_birth": "2019-01-04",
            },
            {
                "role": "member",
                "record_id": "T-32",
                "given_name": "Jordan",
                "family_name": "Testlodger",
                "date_of_birth": "1990-10-10",
            },
        ],
    }
    path.write_text(jsonl(a_line(), joined))
    with pytest.raises(RuntimeError):
        run(path)
    assert list(Event.objects.values_list("source_event_id", flat=True)) == ["DA-2020-004411"]
    assert list(ReceivedEvent.objects.values_list("source_event_id", flat=True)) == [
        "DA-2020-004411"
    ]
    assert not SourceRecord.objects.filter(agency__code="housing").exists()
    assert not Person.objects.filter(family_name="Testlodger").exists()
    assert not HouseholdMember.objects.exists()
    # Once the fault is gone, the same file imports the rest.
    monkeypatch.undo()
    out, _ = run(path)
    assert "Accepted                                  1" in out
    assert "Duplicates (already received)             1" in out


def test_the_mixed_example_file_is_as_the_tests_expect():
    raw = (DATA / "mixed_events.jsonl").read_text().splitlines()
    assert raw[3] == ""
    assert json.loads(raw[0])["event_id"] == "MIX-1"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(agencies, capsys):
    call_command("import_events", str(DATA / "valid_events.jsonl"), stdout=_Terminal())
    assert "22/22" in capsys.readouterr().err
    call_command("import_events", str(DATA / "valid_events.jsonl"), stdout=io.StringIO())
    assert "22/22" not in capsys.readouterr().err
