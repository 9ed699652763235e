"""`sightline load-demo` and `sightline demo --no-serve`."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from sightline.accounts.models import Agency, ApiToken
from sightline.accounts.services import api_token_agency
from sightline.demo.organisations import DEMO_PASSWORD
from sightline.manage import main
from sightline.people.models import Person


def _run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _token(output: str) -> str:
    return next(word for word in output.split() if word.startswith("sl_"))


def test_load_demo_loads_the_small_district_and_prints_the_sign_ins_and_a_token(db):
    output = _run("load_demo", size="small")
    assert Person.objects.filter(kind=Person.Kind.CHILD).count() >= 60
    assert "ifd.practitioner" in output and "Front door manager" in output
    assert f"Password for every demo sign-in: {DEMO_PASSWORD}" in output
    assert "Also loaded: partnership reviews and action plan" in output
    assert api_token_agency(secret=_token(output)) == Agency.objects.get(code="police")


def test_load_demo_refuses_to_load_the_district_twice(db):
    _run("load_demo", size="small")
    people = Person.objects.count()
    output = _run("load_demo", size="small", force=True)
    assert "already loaded" in output
    assert Person.objects.count() == people


def test_load_demo_leaves_a_database_with_other_records_alone_unless_forced(db):
    Agency.objects.create(code="elsewhere", name="Elsewhere Council", kind=Agency.Kind.OTHER)
    assert "not the demo district" in _run("load_demo", size="small")
    assert not Person.objects.exists()
    _run("load_demo", size="small", force=True)
    assert Person.objects.exists()


def test_the_hyphenated_command_name_works(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["sightline", "load-demo", "--size", "small"])
    # A command run from the command line closes the database connections when it ends;
    # the test's own transaction lives on that connection (PostgreSQL), so keep it open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    main()
    assert "ifd.practitioner" in capsys.readouterr().out
    assert Person.objects.exists()


def test_demo_without_serving_loads_an_empty_database_and_prints_the_sign_ins(db):
    output = _run("demo", no_serve=True, size="small")
    assert "Loading the small demo district" in output
    assert "school.dsl" in output and DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/report-a-concern/" in output


def test_demo_started_again_prints_the_sign_ins_and_replaces_the_police_token(db):
    first = _token(_run("demo", no_serve=True, size="small"))
    output = _run("demo", no_serve=True, size="small")
    assert "already loaded" in output and "police.officer" in output
    second = _token(output)
    assert api_token_agency(secret=second) is not None
    assert api_token_agency(secret=first) is None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("typed", "module"),
    [("load-demo", "load_demo"), ("export-cin-census", "export_cin_census")],
)
def test_hyphenated_names_map_to_command_modules(typed, module):
    from sightline.manage import HYPHENATED_COMMANDS

    assert HYPHENATED_COMMANDS[typed] == module


def test_demo_serves_with_debug_off_so_no_visitor_sees_the_debug_page(db, monkeypatch, settings):
    from sightline.demo.management.commands import demo

    settings.DEBUG = True  # as a developer's machine has it
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setattr(demo, "district_loaded", lambda: False)
    monkeypatch.setattr(demo, "database_is_empty", lambda: False)
    served: list[tuple[str, bool]] = []

    def call(name: str, *args: object, **options: object) -> None:
        if name == "runserver":
            served.append((name, settings.DEBUG))

    monkeypatch.setattr(demo, "call_command", call)
    _run("demo")
    assert served == [("runserver", False)]
