"""`sightline user add USERNAME --role ROLE --agency CODE`: administrators add staff, and name
an agency's leads with `sightline user lead USERNAME [--remove]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sightline.accounts.models import User
from sightline.core.models import AuditEntry

GOOD_PASSWORD = "tawny owl over the viaduct"


def user_add(*args: str) -> str:
    out = StringIO()
    call_command("user", "add", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def new_password(monkeypatch):
    monkeypatch.setenv("SIGHTLINE_NEW_PASSWORD", GOOD_PASSWORD)


def test_it_adds_a_practitioner_to_an_agency(agencies, new_password):
    output = user_add(
        "pc.rowan", "--role", "practitioner", "--agency", "police",
        "--email", "pc.rowan@example.org", "--profession", "police_officer",
    )  # fmt: skip
    assert "Added pc.rowan (Agency practitioner at Northmoor Police)" in output
    user = User.objects.get(username="pc.rowan")
    assert user.agency == agencies["police"]
    assert user.profession == "police_officer"
    assert user.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.actor_label == "command line"
    assert GOOD_PASSWORD not in entry.canonical()


def test_without_the_variable_it_asks_for_the_password_twice(agencies, monkeypatch):
    monkeypatch.delenv("SIGHTLINE_NEW_PASSWORD", raising=False)
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    user_add("sw.willow", "--role", "social_worker", "--agency", "csc")
    assert User.objects.get(username="sw.willow").check_password(GOOD_PASSWORD)


def test_passwords_that_do_not_match_change_nothing(agencies, monkeypatch):
    monkeypatch.delenv("SIGHTLINE_NEW_PASSWORD", raising=False)
    answers = iter([GOOD_PASSWORD, "something else entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="did not match"):
        user_add("sw.willow", "--role", "social_worker", "--agency", "csc")
    assert not User.objects.filter(username="sw.willow").exists()


def test_a_weak_password_is_refused(agencies, monkeypatch):
    monkeypatch.setenv("SIGHTLINE_NEW_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        user_add("sw.willow", "--role", "social_worker", "--agency", "csc")
    assert not User.objects.filter(username="sw.willow").exists()


def test_an_unknown_role_is_refused_with_the_list_of_roles(agencies, new_password):
    with pytest.raises(CommandError, match="Unknown role 'wizard'.*ifd_manager"):
        user_add("sw.willow", "--role", "wizard", "--agency", "csc")


def test_an_unknown_agency_is_refused(db, new_password):
    with pytest.raises(CommandError, match="no agency with the code 'nowhere'"):
        user_add("sw.willow", "--role", "social_worker", "--agency", "nowhere")


def test_a_username_already_taken_is_refused(police_officer, new_password):
    with pytest.raises(CommandError, match="already a user called 'PC.ASH'"):
        user_add("PC.ASH", "--role", "practitioner", "--agency", "police")


def test_the_new_user_can_sign_in(client, agencies, new_password):
    user_add("hv.alder", "--role", "practitioner", "--agency", "health")
    response = client.post(
        "/accounts/sign-in/", {"username": "hv.alder", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302


def user_lead(*args: str) -> str:
    out = StringIO()
    call_command("user", "lead", *args, stdout=out)
    return out.getvalue()


def test_it_adds_an_agency_lead(agencies, new_password):
    output = user_add("dsl.hazel", "--role", "practitioner", "--agency", "school", "--agency-lead")
    assert "an agency lead" in output
    assert User.objects.get(username="dsl.hazel").is_agency_lead


def test_it_names_and_removes_a_lead_and_records_both(agencies, new_password):
    user_add("pc.ash", "--role", "practitioner", "--agency", "police")
    assert "is now one of Northmoor Police's leads" in user_lead("PC.Ash")
    assert User.objects.get(username="pc.ash").is_agency_lead
    assert "no longer a lead" in user_lead("pc.ash", "--remove")
    assert not User.objects.get(username="pc.ash").is_agency_lead
    actions = list(
        AuditEntry.objects.filter(action__startswith="user.agency_lead").values_list(
            "action", flat=True
        )
    )
    assert actions == ["user.agency_lead_named", "user.agency_lead_removed"]


def test_someone_without_an_agency_cannot_be_a_lead(agencies, new_password):
    user_add("analyst.birch", "--role", "analyst")
    with pytest.raises(CommandError, match="belongs to no agency"):
        user_lead("analyst.birch")
    with pytest.raises(CommandError, match="no user called"):
        user_lead("nobody.here")


def test_adding_without_a_role_says_so(agencies, new_password):
    with pytest.raises(CommandError, match="--role"):
        user_add("pc.elm", "--agency", "police")
