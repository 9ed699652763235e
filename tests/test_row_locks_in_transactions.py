"""Every row lock is taken inside a transaction.

`select_for_update()` outside a transaction is refused by Django on PostgreSQL and silently
ignored on SQLite, so a service that lost its `@transaction.atomic` (as two did, when a
`*_problems` function was written between the decorator and the service) passes every
SQLite test and fails in production. This reads the code: a function that locks rows is
atomic itself, or every function that calls it is."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "sightline"


def _atomic(node: ast.FunctionDef, source: str) -> bool:
    decorators = [ast.get_source_segment(source, d) or "" for d in node.decorator_list]
    body = ast.get_source_segment(source, node) or ""
    return any("atomic" in d for d in decorators) or "atomic(" in body


def _returns_a_lock(node: ast.FunctionDef, source: str) -> bool:
    """It hands back a queryset that locks when evaluated: by then its own transaction (if it
    has one) has ended, so the caller must be in one."""
    return any(
        isinstance(part, ast.Return)
        and "select_for_update" in (ast.get_source_segment(source, part) or "")
        for part in ast.walk(node)
    )


def _called(node: ast.FunctionDef) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def functions() -> list[tuple[Path, ast.FunctionDef, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                found.append((path, node, source))
    return found


def unguarded_locks() -> list[str]:
    every = functions()
    lockers = {
        node.name
        for _, node, source in every
        if "select_for_update" in (ast.get_source_segment(source, node) or "")
        and (not _atomic(node, source) or _returns_a_lock(node, source))
    }
    problems = []
    for name in sorted(lockers):
        callers = [
            (path, node, source)
            for path, node, source in every
            if name in _called(node) and node.name != name
        ]
        if not callers:
            problems.append(f"{name} locks rows outside a transaction and nothing calls it")
        for path, node, source in callers:
            if not _atomic(node, source) and (
                node.name not in lockers or _returns_a_lock(node, source)
            ):
                problems.append(
                    f"{path.relative_to(ROOT.parent)}: {node.name} calls {name}, which locks "
                    "rows, outside a transaction"
                )
    return problems


def test_every_row_lock_is_taken_inside_a_transaction():
    assert unguarded_locks() == []


def test_the_check_finds_a_service_that_lost_its_transaction(tmp_path, monkeypatch):
    module = tmp_path / "sightline" / "app" / "services.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from django.db import transaction\n\n"
        "@transaction.atomic\n"
        "def thing_problems(*, thing):\n"
        "    return None\n\n\n"
        "def thing_close(*, thing):\n"
        "    thing = Thing.objects.select_for_update().get(pk=thing.pk)\n\n\n"
        "def view(request):\n"
        "    thing_close(thing=None)\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", module.parent.parent)
    assert unguarded_locks() == [
        "sightline/app/services.py: view calls thing_close, which locks rows, outside a transaction"
    ]
