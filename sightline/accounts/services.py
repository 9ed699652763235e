"""Sign-in security and account administration. Every write here takes an explicit actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from sightline.accounts.models import Agency, ApiToken, User
from sightline.core import audit


class SignInRefused(Exception):
    """The sign-in was refused; the message is safe to show."""


@dataclass(frozen=True)
class SignInResult:
    user: User


LOCKED_MESSAGE = (
    "This account is locked after too many failed sign-ins. "
    "Try again in {minutes} minutes or ask your administrator to unlock it."
)
WRONG_MESSAGE = "Enter a correct username and password."


@transaction.atomic
def sign_in_check(*, request: HttpRequest | None, username: str, password: str) -> SignInResult:
    """Check credentials, counting failures and locking the account after too many."""
    now = timezone.now()
    account = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
    if account is not None and account.locked_until and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        audit.record(
            actor=account, kind=audit.Kind.SIGN_IN, action="sign_in.refused_locked", target=account
        )
        raise SignInRefused(LOCKED_MESSAGE.format(minutes=minutes))
    user = authenticate(
        request, username=account.username if account else username, password=password
    )
    if user is None:
        if account is not None:
            User.objects.filter(pk=account.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
            account.refresh_from_db(fields=["failed_sign_ins"])
            if account.failed_sign_ins >= settings.SIGN_IN_MAX_FAILURES:
                account.locked_until = now + dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
                account.save(update_fields=["locked_until"])
                audit.record(
                    actor=account,
                    kind=audit.Kind.SIGN_IN,
                    action="account.locked",
                    target=account,
                    detail={"failures": account.failed_sign_ins},
                )
                raise SignInRefused(LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))
            audit.record(
                actor=account, kind=audit.Kind.SIGN_IN, action="sign_in.failed", target=account
            )
        raise SignInRefused(WRONG_MESSAGE)
    assert isinstance(user, User)
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    audit.record(actor=user, kind=audit.Kind.SIGN_IN, action="sign_in.succeeded", target=user)
    return SignInResult(user=user)


@transaction.atomic
def account_unlock(*, actor: User, account: User) -> None:
    User.objects.filter(pk=account.pk).update(failed_sign_ins=0, locked_until=None)
    audit.record_change(actor=actor, action="account.unlocked", target=account)


@transaction.atomic
def agency_register(*, actor: User | str, code: str, name: str, kind: str) -> Agency:
    if kind not in Agency.Kind.values:
        raise ValueError(
            f"Unknown agency kind {kind!r}; use one of {', '.join(Agency.Kind.values)}."
        )
    agency, created = Agency.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind}
    )
    audit.record_change(
        actor=actor, action="agency.registered" if created else "agency.updated", target=agency
    )
    return agency


@transaction.atomic
def api_token_issue(*, actor: User | str, agency: Agency, name: str) -> tuple[ApiToken, str]:
    """Issue a token for an agency system. The secret is returned once and never stored."""
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        agency=agency, name=name, prefix=prefix, token_hash=ApiToken.hash(secret)
    )
    audit.record_change(actor=actor, action="api_token.issued", target=token)
    return token, secret


def api_token_agency(*, secret: str) -> Agency | None:
    """The agency a bearer token belongs to, or None for an unknown or revoked token."""
    token = (
        ApiToken.objects.select_related("agency")
        .filter(token_hash=ApiToken.hash(secret), revoked_at__isnull=True, agency__active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.agency
