"""Signing in and out: lockout, no user enumeration, safe redirects, and the audit trail."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, identify_hasher
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import sightline.settings as project_settings
from sightline.accounts.models import User
from sightline.accounts.services import WRONG_MESSAGE, account_unlock, locked_message
from sightline.core.models import AuditEntry
from sightline.testing.factories import PASSWORD

SIGN_IN = "/accounts/sign-in/"


def sign_in(client, username: str, password: str, address: str = "127.0.0.1", **extra: str):
    return client.post(
        SIGN_IN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def page_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def sign_in_actions(user: User | None = None) -> list[str]:
    entries = AuditEntry.objects.filter(kind=AuditEntry.Kind.SIGN_IN)
    if user is not None:
        entries = entries.filter(actor=user)
    return list(entries.order_by("id").values_list("action", flat=True))


@pytest.fixture
def max_failures(settings) -> int:
    settings.SIGN_IN_MAX_FAILURES = 3
    settings.SIGN_IN_LOCKOUT_MINUTES = 15
    return 3


def test_passwords_are_hashed_with_argon2(settings, agencies):
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create_user(username="new.starter", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_a_practitioner_signs_in_and_lands_on_the_home_page(client, police_officer):
    response = sign_in(client, "pc.ash", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(police_officer.pk)


def test_the_username_is_not_case_sensitive(client, police_officer):
    assert sign_in(client, "  PC.Ash ", PASSWORD).status_code == 302


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(client, police_officer):
    unknown = sign_in(client, "nobody.here", PASSWORD)
    wrong = sign_in(client, "pc.ash", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert page_errors(unknown) == page_errors(wrong) == WRONG_MESSAGE
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_gets_the_same_message_as_a_wrong_password(client, police_officer):
    User.objects.filter(pk=police_officer.pk).update(is_active=False)
    assert page_errors(sign_in(client, "pc.ash", PASSWORD)) == WRONG_MESSAGE


def test_a_client_is_refused_for_a_username_after_too_many_failures(
    client, police_officer, max_failures
):
    for _ in range(max_failures - 1):
        assert page_errors(sign_in(client, "pc.ash", "guess")) == WRONG_MESSAGE
    assert page_errors(sign_in(client, "pc.ash", "guess")) == locked_message()
    assert "Wait 15 minutes and try again" in locked_message()
    # Even the right password, from this client, until the lock runs out.
    assert page_errors(sign_in(client, "pc.ash", PASSWORD)) == locked_message()
    assert "_auth_user_id" not in client.session


def test_a_script_failing_from_one_client_does_not_lock_the_user_out_elsewhere(
    client, police_officer, max_failures
):
    for _ in range(max_failures + 2):
        sign_in(client, "pc.ash", "guess", address="203.0.113.9")
    police_officer.refresh_from_db()
    assert police_officer.locked_until is None
    assert sign_in(client, "pc.ash", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_client_failing_for_many_usernames_is_refused_for_every_username(
    client, police_officer, settings, max_failures
):
    settings.SIGN_IN_CLIENT_MAX_FAILURES = 4
    for name in ("a.one", "b.two", "c.three", "d.four"):
        sign_in(client, name, "guess", address="203.0.113.9")
    refused = sign_in(client, "pc.ash", PASSWORD, address="203.0.113.9")
    assert page_errors(refused) == locked_message()
    assert sign_in(client, "pc.ash", PASSWORD, address="198.51.100.7").status_code == 302


def test_failures_from_many_clients_lock_the_account_itself(
    client, police_officer, settings, max_failures
):
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 4
    for n in range(4):
        sign_in(client, "pc.ash", "guess", address=f"203.0.113.{n + 1}")
    police_officer.refresh_from_db()
    assert police_officer.locked_until is not None
    refused = sign_in(client, "pc.ash", PASSWORD, address="198.51.100.7")
    assert page_errors(refused) == locked_message()


@pytest.mark.parametrize("lock", ["from this client", "from many clients"])
def test_known_and_unknown_usernames_get_the_same_answers_when_locked(
    client, police_officer, settings, max_failures, lock
):
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 3

    def attempts(username: str) -> list[str]:
        answers = []
        for n in range(max_failures + 1):
            address = "203.0.113.1" if lock == "from this client" else f"203.0.113.{n + 1}"
            answers.append(page_errors(sign_in(client, username, "guess", address=address)))
        return answers

    assert attempts("pc.ash") == attempts("no.such.person")
    assert attempts("pc.ash")[-1] == locked_message()


class CountingHasher(MD5PasswordHasher):
    """Counts the password hashes computed, to show every path costs the same work."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).computed += 1
        return super().encode(password, salt)


@pytest.mark.parametrize(
    "username, password, state",
    [
        ("pc.ash", PASSWORD, "open"),
        ("pc.ash", "guess", "open"),
        ("no.such.person", "guess", "open"),
        ("pc.ash", PASSWORD, "locked"),
        ("pc.ash", "guess", "locked"),
        ("no.such.person", "guess", "locked"),
        ("pc.ash", "guess", "client refused"),
        ("no.such.person", "guess", "client refused"),
    ],
)
def test_every_attempt_costs_one_password_hash_so_timing_tells_nothing(
    client, police_officer, settings, max_failures, username, password, state
):
    settings.PASSWORD_HASHERS = ["sightline.accounts.tests.test_sign_in.CountingHasher"]
    police_officer.set_password(PASSWORD)
    police_officer.save()
    if state == "locked":
        for _ in range(max_failures):
            sign_in(client, username, "guess")
    if state == "client refused":
        settings.SIGN_IN_CLIENT_MAX_FAILURES = 2
        sign_in(client, "x.one", "guess")
        sign_in(client, "x.two", "guess")
    CountingHasher.computed = 0
    sign_in(client, username, password)
    assert CountingHasher.computed == 1


def test_a_locked_out_user_unlocks_their_account_with_their_second_factor(
    client, police_officer, max_failures, time_machine
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    device = TOTPDevice.objects.create(user=police_officer, name="app", confirmed=True)
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    response = sign_in(client, "pc.ash", PASSWORD, next="/people/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:unlock"))
    assert "_auth_user_id" not in client.session  # not signed in until the code is given
    page = client.get(response["Location"])
    assert "Unlock your account" in page.content.decode()
    wrong = client.post(reverse("accounts:unlock"), {"token": "000000", "next": "/people/"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 1, tzinfo=dt.UTC), tick=False)
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    right = client.post(reverse("accounts:unlock"), {"token": f"{token:06d}", "next": "/people/"})
    assert right.status_code == 302 and right["Location"] == "/people/"
    assert client.session["_auth_user_id"] == str(police_officer.pk)
    assert AuditEntry.objects.filter(action="account.unlocked", actor=police_officer).exists()
    client.logout()
    assert page_errors(sign_in(client, "pc.ash", "guess")) == WRONG_MESSAGE  # counts start again


def test_a_locked_out_user_without_a_second_factor_is_refused_with_the_right_password(
    client, police_officer, max_failures
):
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    assert page_errors(sign_in(client, "pc.ash", PASSWORD)) == locked_message()


def test_the_unlock_page_without_a_recent_right_password_goes_back_to_sign_in(client, db):
    response = client.get(reverse("accounts:unlock"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:sign-in")


def test_the_lock_runs_out_after_the_lockout_time(
    client, police_officer, max_failures, time_machine
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 10, tzinfo=dt.UTC), tick=False)
    assert page_errors(sign_in(client, "pc.ash", PASSWORD)) == locked_message()
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 16, tzinfo=dt.UTC), tick=False)
    assert sign_in(client, "pc.ash", PASSWORD).status_code == 302


def test_after_the_lock_runs_out_one_more_mistake_does_not_lock_again(
    client, police_officer, max_failures, time_machine
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 16, tzinfo=dt.UTC), tick=False)
    assert page_errors(sign_in(client, "pc.ash", "guess again")) == WRONG_MESSAGE


def test_a_successful_sign_in_resets_the_failure_count(client, police_officer, max_failures):
    for _ in range(max_failures - 1):
        sign_in(client, "pc.ash", "guess")
    assert sign_in(client, "pc.ash", PASSWORD).status_code == 302
    police_officer.refresh_from_db()
    assert police_officer.failed_sign_ins == 0
    client.logout()
    for _ in range(max_failures - 1):
        assert page_errors(sign_in(client, "pc.ash", "guess")) == WRONG_MESSAGE


def test_an_administrator_can_unlock_an_account(
    client, police_officer, ig_officer, settings, max_failures
):
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 3
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    account_unlock(actor=ig_officer, account=police_officer)
    assert sign_in(client, "pc.ash", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="account.unlocked", actor=ig_officer).exists()


def test_the_unlock_command_lifts_the_lock(client, police_officer, settings, max_failures):
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 3
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    out = StringIO()
    call_command("user", "unlock", "PC.Ash", stdout=out)
    assert "pc.ash is unlocked" in out.getvalue()
    assert sign_in(client, "pc.ash", PASSWORD).status_code == 302


def test_every_sign_in_outcome_is_in_the_audit_trail(
    client, police_officer, settings, max_failures
):
    sign_in(client, "nobody.here", "guess")
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 3
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    sign_in(client, "pc.ash", PASSWORD)
    account_unlock(actor=police_officer, account=police_officer)
    sign_in(client, "pc.ash", PASSWORD)
    client.post(reverse("accounts:sign-out"))
    assert sign_in_actions(police_officer) == [
        "sign_in.failed",
        "sign_in.failed",
        "account.locked",
        "sign_in.refused_locked",
        "sign_in.succeeded",
        "sign_out",
    ]
    unknown = AuditEntry.objects.get(action="sign_in.failed_unknown_user")
    assert unknown.actor is None
    assert "nobody.here" not in unknown.canonical()  # never the typed text itself


@pytest.mark.parametrize("target", ["/people/", "/people/?q=ava&page=2"])
def test_it_returns_to_the_page_the_user_asked_for(client, police_officer, target):
    response = sign_in(client, "pc.ash", PASSWORD, next=target)
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver/people/",  # right host, but not https on an https site
    ],
)
def test_it_never_redirects_to_another_site(client, police_officer, target):
    response = client.post(
        SIGN_IN, {"username": "pc.ash", "password": PASSWORD, "next": target}, secure=True
    )
    assert response["Location"] == reverse("core:home")


def test_the_sign_in_page_carries_a_safe_next_into_the_form(client, db):
    assert 'value="/people/"' in client.get(SIGN_IN, {"next": "/people/"}).content.decode()
    page = client.get(SIGN_IN, {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in page


def test_signing_out_needs_a_post(client, police_officer):
    client.force_login(police_officer)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert "_auth_user_id" in client.session


def test_signing_out_ends_the_session_and_says_so(client, police_officer):
    client.force_login(police_officer)
    response = client.post(reverse("accounts:sign-out"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have signed out." in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_the_sign_in_form_asks_for_both_fields(client, db):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    body = response.content.decode()
    assert "Enter your username" in body and "Enter your password" in body
    assert not AuditEntry.objects.exists()
