"""Feed lines for tests: synthetic people only."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def example_lines(name: str = "valid_events.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def a_line(**overrides: Any) -> dict[str, Any]:
    """A valid police domestic abuse incident (DESIGN.md section 5's example, renamed)."""
    line: dict[str, Any] = {
        "feed": "1",
        "source": "police",
        "event_id": "DA-2020-004411",
        "type": "domestic_abuse_incident",
        "occurred_at": "2020-03-07T23:10:00+00:00",
        "recorded_at": "2020-03-08T02:00:00+00:00",
        "summary": "Neighbour called police; shouting, mother injured. Child in the home.",
        "people": [
            {
                "role": "victim",
                "record_id": "WYP-551",
                "given_name": "Jordan",
                "family_name": "Testsmith",
                "date_of_birth": "1998-02-11",
                "sex": "F",
                "address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"},
            },
            {
                "role": "perpetrator",
                "record_id": "WYP-552",
                "given_name": "Sam",
                "family_name": "Testbrookes",
                "date_of_birth": "1996-07-30",
            },
            {
                "role": "child",
                "record_id": "WYP-553",
                "given_name": "Poppy",
                "family_name": "Testsmith",
                "date_of_birth": "2019-01-04",
                "nhs_number": None,
                "upn": None,
                "address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"},
            },
        ],
        "details": {"child_present": True, "dash_yes_count": 9, "risk_level": "standard"},
    }
    line.update(copy.deepcopy(overrides))
    return line


def changed(line: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the line with the value at a dotted path (`people.2.date_of_birth`) replaced;
    the value DELETE removes the key."""
    line = copy.deepcopy(line)
    *parents, last = path.split(".")
    target: Any = line
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key: Any = int(last) if isinstance(target, list) else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value
    return line


DELETE = object()


def jsonl(*lines: dict[str, Any] | str) -> str:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
