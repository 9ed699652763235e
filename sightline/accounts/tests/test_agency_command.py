"""`sightline agency add CODE --name NAME --kind KIND`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from sightline.accounts.models import Agency
from sightline.core.models import AuditEntry


def agency_add(*args: str) -> str:
    out = StringIO()
    call_command("agency", "add", *args, stdout=out)
    return out.getvalue()


def test_it_registers_an_agency(db):
    output = agency_add("westmoor-police", "--name", "Westmoor Police", "--kind", "police")
    assert output.strip() == "Registered westmoor-police: Westmoor Police (Police)."
    agency = Agency.objects.get(code="westmoor-police")
    assert (agency.name, agency.kind, agency.active) == ("Westmoor Police", "police", True)


def test_running_it_again_updates_the_agency_instead_of_adding_another(db):
    agency_add("westmoor-police", "--name", "Westmoor Police", "--kind", "police")
    output = agency_add("westmoor-police", "--name", "Westmoor Constabulary", "--kind", "police")
    assert output.startswith("Updated westmoor-police")
    assert Agency.objects.filter(code="westmoor-police").count() == 1
    assert Agency.objects.get(code="westmoor-police").name == "Westmoor Constabulary"


def test_the_command_line_is_named_as_the_actor_in_the_audit_trail(db):
    agency_add("millbrook-gp", "--name", "Millbrook Surgery", "--kind", "gp")
    agency_add("millbrook-gp", "--name", "Millbrook Medical Centre", "--kind", "gp")
    entries = AuditEntry.objects.filter(object_type="accounts.agency").order_by("id")
    assert [(e.actor_label, e.action) for e in entries] == [
        ("command line", "agency.registered"),
        ("command line", "agency.updated"),
    ]


def test_an_unknown_kind_is_refused_with_the_list_of_kinds(db):
    with pytest.raises(CommandError) as refused:
        agency_add("moon-base", "--name", "Moon Base", "--kind", "spaceship")
    message = str(refused.value)
    assert "Unknown agency kind 'spaceship'" in message
    for kind in Agency.Kind.values:
        assert kind in message
    assert not Agency.objects.filter(code="moon-base").exists()


def test_an_unknown_kind_exits_non_zero_from_the_shell(db, capsys):
    utility = ManagementUtility(
        ["sightline", "agency", "add", "moon-base", "--name", "Moon Base", "--kind", "spaceship"]
    )
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code != 0
    assert "use one of police, hospital" in capsys.readouterr().err


def test_a_code_with_spaces_is_refused(db):
    with pytest.raises(CommandError, match="letters, numbers, hyphens"):
        agency_add("west moor", "--name", "Westmoor", "--kind", "police")


def test_the_name_and_kind_are_required(db):
    with pytest.raises(CommandError, match="--name"):
        call_command("agency", "add", "westmoor-police", "--kind", "police")
