"""One way to do each thing: calendar arithmetic and the signed-in request are written once.

`add_months` and `age_on` live in `sightline/core/dates.py`, `SignedInRequest` in
`sightline/core/requests.py`. Copies drifted apart before (a 29 February birthday, the end of a
month), so a second definition anywhere in `sightline/` fails here. A model or a rule may keep
a method of the same name for its own objects (`Person.age_on`, which knows a person may have
no date of birth), as long as it hands the arithmetic to `core.dates` and does none itself.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from sightline.core.dates import DATE_ONLY_TIME, add_months, age_on, date_only_moment
from sightline.core.working_days import LONDON

PACKAGE = Path(__file__).resolve().parent.parent / "sightline"
HOMES = {
    "add_months": PACKAGE / "core" / "dates.py",
    "age_on": PACKAGE / "core" / "dates.py",
    "SignedInRequest": PACKAGE / "core" / "requests.py",
}
# Reading a date's parts is arithmetic the one function does; a delegating method does none.
DATE_PARTS = {"year", "month", "day"}
ARITHMETIC = {"monthrange", "relativedelta", "timedelta"}


def _modules() -> list[tuple[Path, str]]:
    return [
        (path, path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts
    ]


def _definitions(tree: ast.Module) -> list[tuple[ast.AST, bool]]:
    """Every function and class definition with whether it sits directly in a class."""
    found: list[tuple[ast.AST, bool]] = []

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append((child, in_class))
            visit(child, isinstance(child, ast.ClassDef))

    visit(tree, False)
    return found


def _second_definitions(modules: list[tuple[Path, str]]) -> list[str]:
    problems = []
    for path, source in modules:
        tree = ast.parse(source)
        for node, in_class in _definitions(tree):
            name = getattr(node, "name", "")
            if name not in HOMES or path == HOMES[name]:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ClassDef) or not in_class:
                problems.append(f"{where} defines {name} again: import it from core")
                continue
            parts = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            calls = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | parts
            if parts & DATE_PARTS or calls & ARITHMETIC:
                problems.append(f"{where}: the method {name} does date arithmetic of its own")
    return problems


def test_add_months_age_on_and_the_signed_in_request_are_defined_only_in_core():
    assert _second_definitions(_modules()) == []


@pytest.mark.parametrize(
    "source",
    [
        "def add_months(day, months):\n    return day\n",
        "from django.http import HttpRequest\nclass SignedInRequest(HttpRequest):\n    user: int\n",
        "class Child:\n    def age_on(self, day):\n        return day.year - self.born.year\n",
    ],
)
def test_the_guard_names_a_module_that_writes_one_of_them_again(source):
    copy = PACKAGE / "people" / "copy.py"
    assert _second_definitions([(copy, source)]) != []


def test_a_method_that_hands_the_arithmetic_to_core_is_allowed():
    method = "class Child:\n    def age_on(self, day):\n        return age_on(self.born, day)\n"
    assert _second_definitions([(PACKAGE / "people" / "copy.py", method)]) == []


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),  # a shorter month ends early
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # a leap year's February
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),  # 29 February a year on
        (dt.date(2028, 2, 29), -12, dt.date(2027, 2, 28)),  # and a year back
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),  # across a new year
        (dt.date(2025, 5, 15), 0, dt.date(2025, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_keeps_a_moments_wall_clock_time_across_a_clock_change():
    winter = dt.datetime(2025, 1, 31, 23, 10, tzinfo=LONDON)
    summer = add_months(winter, 6)
    assert summer == dt.datetime(2025, 7, 31, 23, 10, tzinfo=LONDON)
    assert summer.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("born", "day", "expected"),
    [
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # no 29 February this year
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (dt.date(2008, 2, 29), dt.date(2028, 2, 29), 20),
        (dt.date(2008, 2, 29), dt.date(2028, 2, 28), 19),
        (dt.date(2007, 5, 31), dt.date(2025, 5, 30), 17),  # the day before an 18th birthday
        (dt.date(2007, 5, 31), dt.date(2025, 5, 31), 18),  # the birthday itself
        (dt.date(2007, 12, 31), dt.date(2008, 1, 1), 0),
        (dt.date(2025, 6, 1), dt.date(2025, 5, 31), -1),  # the day before birth
    ],
)
def test_age_on_counts_whole_years_from_the_birthday(born, day, expected):
    assert age_on(born, day) == expected


def test_a_date_only_step_is_stored_at_the_start_of_its_day_uk_time():
    moment = date_only_moment(dt.date(2025, 7, 1))
    assert dt.time(0, 0) == DATE_ONLY_TIME
    assert moment == dt.datetime(2025, 7, 1, 0, 0, tzinfo=LONDON)
    assert moment.utcoffset() == dt.timedelta(hours=1)  # British Summer Time
