"""Hand-written SQL stays where a benchmark asked for it (ADR 015).

`core.rows` is held to the feed path by an import-linter contract (pyproject.toml). Raw cursors
and raw querysets are held here: the modules below may use them, each for the reason given,
and no other module of `sightline/` may. A module that stops needing one comes off the list
(the second test fails until it does), so the list stays the truth.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sightline"
RAW_SQL = re.compile(r"\.cursor\(|\.raw\(|\.extra\(|\bRawSQL\(")

ALLOWED = {
    # The feed path: statements a line repeats, measured by the ingest bench.
    "people/services.py": "a person's current address, read and ended as a feed line moves them",
    "people/households.py": "a person's households on a day, asked by every feed line",
    "linkage/index.py": "the linkage index's bulk catch-up and candidate search",
    # The rule engine's bulk reads (ADR 008).
    "risk/engine.py": "the alerts and events of many people at once",
    "risk/world.py": "the households and neighbours of the people the rules read",
    # Not about personal data: the database itself.
    "core/rows.py": "the plain-row inserts and reads themselves",
    "core/audit.py": "PostgreSQL's advisory lock that orders appends to the audit chain",
    "core/backup.py": "backup and restore, table by table",
    "core/views.py": "the health check's SELECT 1",
    "demo/loader.py": "SQLite's pragmas while loading the demo district",
    "insight/bench.py": "the benchmark's own setup",
    "risk/bench.py": "the benchmark's own setup",
    # Still in plain SQL, to move to the ORM (issue 13): the timeline is not a hot read.
    "chronology/selectors.py": "the person's timeline, paginated",
}


def _modules_with_raw_sql() -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and RAW_SQL.search(path.read_text(encoding="utf-8"))
    }


def test_no_module_outside_the_list_writes_its_own_sql():
    assert _modules_with_raw_sql() - ALLOWED.keys() == set()


def test_every_module_on_the_list_still_needs_to_be_there():
    assert ALLOWED.keys() - _modules_with_raw_sql() == set()


@pytest.mark.parametrize(
    "line",
    [
        "with connection.cursor() as cursor:",
        "Person.objects.raw('SELECT * FROM people_person')",
        "qs.extra(where=['1 = 1'])",
        "annotate(n=RawSQL('SELECT 1', []))",
    ],
)
def test_the_check_recognises_hand_written_sql(line):
    assert RAW_SQL.search(line)
