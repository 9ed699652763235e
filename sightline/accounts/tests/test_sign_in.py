"""Signing in and out: lockout, no user enumeration, safe redirects, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

import sightline.settings as project_settings
from sightline.accounts.models import User
from sightline.accounts.services import LOCKED_MESSAGE, WRONG_MESSAGE, account_unlock
from sightline.core.models import AuditEntry
from sightline.testing.factories import PASSWORD

SIGN_IN = "/accounts/sign-in/"


def sign_in(client, username: str, password: str, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


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


def test_the_account_locks_after_too_many_failures(client, police_officer, max_failures):
    for _ in range(max_failures - 1):
        assert page_errors(sign_in(client, "pc.ash", "guess")) == WRONG_MESSAGE
    message = page_errors(sign_in(client, "pc.ash", "guess"))
    assert "locked" in message
    assert "Try again in 15 minutes or ask your administrator to unlock it" in message
    police_officer.refresh_from_db()
    assert police_officer.locked_until is not None


def test_a_locked_account_is_refused_even_with_the_right_password(
    client, police_officer, max_failures
):
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    response = sign_in(client, "pc.ash", PASSWORD)
    assert "ask your administrator to unlock it" in page_errors(response)
    assert "_auth_user_id" not in client.session


def test_the_lock_runs_out_after_the_lockout_time(
    client, police_officer, max_failures, time_machine
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 10, tzinfo=dt.UTC), tick=False)
    assert "Try again in 6 minutes" in page_errors(sign_in(client, "pc.ash", PASSWORD))
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


def test_an_unknown_username_locks_like_a_real_one_so_lockout_reveals_nothing(
    client, max_failures, db
):
    messages = [page_errors(sign_in(client, "no.such.person", "guess")) for _ in range(3)]
    assert messages == [WRONG_MESSAGE, WRONG_MESSAGE, LOCKED_MESSAGE.format(minutes=15)]


def test_an_administrator_can_unlock_an_account(client, police_officer, ig_officer, max_failures):
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    account_unlock(actor=ig_officer, account=police_officer)
    assert sign_in(client, "pc.ash", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="account.unlocked", actor=ig_officer).exists()


def test_every_sign_in_outcome_is_in_the_audit_trail(client, police_officer, max_failures):
    sign_in(client, "nobody.here", "guess")
    for _ in range(max_failures):
        sign_in(client, "pc.ash", "guess")
    sign_in(client, "pc.ash", PASSWORD)
    User.objects.filter(pk=police_officer.pk).update(locked_until=None, failed_sign_ins=0)
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
