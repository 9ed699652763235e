"""Sign-in security and account administration. Every write here takes an explicit actor.

Sign-in outcomes are written to the audit trail as SIGN_IN entries. A refused sign-in raises
`SignInRefused` only after its transaction has committed, so the failure count and the audit
entry survive the refusal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sightline.accounts.models import Agency, ApiToken, Role, User
from sightline.core import audit

COMMAND_LINE = "command line"  # the named system actor for `sightline` commands


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


def _minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds() // 60) + 1)


def _unknown_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"sign-in-failures:{digest}"


def sign_in_check(*, request: HttpRequest | None, username: str, password: str) -> SignInResult:
    """Check credentials, counting failures and locking the account after too many.

    An unknown username gets the same answers as a known one, including the lockout, so the
    form never tells anyone which usernames exist.
    """
    user, refusal = _sign_in_attempt(request=request, username=username, password=password)
    if user is None:
        raise SignInRefused(refusal)
    return SignInResult(user=user)


@transaction.atomic
def _sign_in_attempt(
    *, request: HttpRequest | None, username: str, password: str
) -> tuple[User | None, str]:
    now = timezone.now()
    account = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
    if account is None:
        return None, _unknown_user_failure(request=request, username=username, password=password)

    if account.locked_until and account.locked_until > now:
        audit.record(
            actor=account, kind=audit.Kind.SIGN_IN, action="sign_in.refused_locked", target=account
        )
        return None, LOCKED_MESSAGE.format(minutes=_minutes_left(account.locked_until, now))
    if account.locked_until:
        # The lock has run out: a fresh set of attempts.
        User.objects.filter(pk=account.pk).update(failed_sign_ins=0, locked_until=None)

    user = authenticate(request, username=account.username, password=password)
    if user is None:
        User.objects.filter(pk=account.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
        account.refresh_from_db(fields=["failed_sign_ins"])
        if account.failed_sign_ins >= settings.SIGN_IN_MAX_FAILURES:
            locked_until = now + dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
            User.objects.filter(pk=account.pk).update(locked_until=locked_until)
            audit.record(
                actor=account,
                kind=audit.Kind.SIGN_IN,
                action="account.locked",
                target=account,
                detail={"failures": account.failed_sign_ins},
            )
            return None, LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
        audit.record(
            actor=account,
            kind=audit.Kind.SIGN_IN,
            action="sign_in.failed",
            target=account,
            detail={"failures": account.failed_sign_ins},
        )
        return None, WRONG_MESSAGE

    assert isinstance(user, User)
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins, user.locked_until = 0, None
    audit.record(actor=user, kind=audit.Kind.SIGN_IN, action="sign_in.succeeded", target=user)
    return user, ""


def _unknown_user_failure(*, request: HttpRequest | None, username: str, password: str) -> str:
    """Answer exactly as for a known account: hash the password, count, lock."""
    authenticate(request, username=username, password=password)  # same work, same timing
    key = _unknown_key(username)
    timeout = settings.SIGN_IN_LOCKOUT_MINUTES * 60
    cache.add(key, 0, timeout)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        failures = 1
    audit.record(
        actor="unknown user",
        kind=audit.Kind.SIGN_IN,
        action="sign_in.failed_unknown_user",
        # A hash, not the text: people sometimes type their password into the username box.
        detail={"username_sha256": _unknown_key(username).rsplit(":", 1)[1][:16]},
    )
    if failures >= settings.SIGN_IN_MAX_FAILURES:
        return LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    return WRONG_MESSAGE


@transaction.atomic
def sign_out_record(*, user: User) -> None:
    audit.record(actor=user, kind=audit.Kind.SIGN_IN, action="sign_out", target=user)


@transaction.atomic
def session_expiry_record(*, user: User, reason: str) -> None:
    audit.record(
        actor=user,
        kind=audit.Kind.SIGN_IN,
        action="sign_out.session_expired",
        target=user,
        detail={"reason": reason},
    )


@transaction.atomic
def account_unlock(*, actor: User | str, account: User) -> None:
    User.objects.filter(pk=account.pk).update(failed_sign_ins=0, locked_until=None)
    audit.record_change(actor=actor, action="account.unlocked", target=account)


# Two-factor sign-in (TOTP) ---------------------------------------------------------------


@dataclass(frozen=True)
class TwoFactorDevice:
    device: TOTPDevice
    setting_up: bool

    @property
    def config_url(self) -> str:
        """The otpauth:// URL for the QR code, with Sightline named as the issuer."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "Sightline").replace(":", "")
        label = quote(f"{issuer}:{self.device.user.get_username()}")
        params = urlencode(
            {
                "secret": self.secret,
                "algorithm": "SHA1",
                "digits": self.device.digits,
                "period": self.device.step,
                "issuer": issuer,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{label}?{params}"

    @property
    def secret(self) -> str:
        """The key in base32, for typing into an authenticator app."""
        return base64.b32encode(self.device.bin_key).decode()


@transaction.atomic
def two_factor_device_for(*, user: User) -> TwoFactorDevice:
    """The user's confirmed device, or an unconfirmed one to set up (made if needed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return TwoFactorDevice(device=device, setting_up=False)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return TwoFactorDevice(device=device, setting_up=True)


TWO_FACTOR_WRONG = "The security code is wrong or has expired. Enter the current code."
TWO_FACTOR_THROTTLED = "Too many wrong security codes. Wait {wait}, then enter the current code."


def two_factor_verify(*, user: User, device: TOTPDevice, token: str) -> str:
    """Check a code; returns "" when it is right, or a message to show when it is not.

    A right code on a device being set up confirms the device. Each outcome is audited.
    """
    allowed, why = device.verify_is_allowed()
    if not allowed:
        locked_until = (why or {}).get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        _two_factor_record(user=user, action="two_factor.throttled")
        return TWO_FACTOR_THROTTLED.format(
            wait=f"{seconds} second" if seconds == 1 else f"{seconds} seconds"
        )
    if not device.verify_token(token):
        _two_factor_record(user=user, action="two_factor.failed")
        return TWO_FACTOR_WRONG
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record_change(actor=user, action="two_factor.device_confirmed", target=user)
        _two_factor_record(user=user, action="two_factor.verified")
    return ""


@transaction.atomic
def _two_factor_record(*, user: User, action: str) -> None:
    audit.record(actor=user, kind=audit.Kind.SIGN_IN, action=action, target=user)


@transaction.atomic
def two_factor_reset(*, actor: User | str, account: User) -> int:
    """Remove a user's devices (a lost phone); they set up a new one at their next sign-in."""
    removed, _ = TOTPDevice.objects.filter(user=account).delete()
    audit.record_change(actor=actor, action="two_factor.reset", target=account)
    return removed


# Agencies, API tokens and users ------------------------------------------------------------


@transaction.atomic
def agency_register(
    *, actor: User | str, code: str, name: str, kind: str, email: str = "", phone: str = ""
) -> Agency:
    """Register an agency, or update it when the code is already registered."""
    if kind not in Agency.Kind.values:
        raise ValueError(
            f"Unknown agency kind {kind!r}; use one of {', '.join(Agency.Kind.values)}."
        )
    defaults = {"name": name, "kind": kind}
    if email:
        defaults["email"] = email
    if phone:
        defaults["phone"] = phone
    agency, created = Agency.objects.update_or_create(code=code, defaults=defaults)
    audit.record_change(
        actor=actor,
        action="agency.registered" if created else "agency.updated",
        target=agency,
        detail={"code": code, "name": name, "kind": kind},
    )
    return agency


@transaction.atomic
def api_token_issue(*, actor: User | str, agency: Agency, name: str) -> tuple[ApiToken, str]:
    """Issue a token for an agency system. The secret is returned once and never stored."""
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        agency=agency, name=name, prefix=prefix, token_hash=ApiToken.hash(secret)
    )
    audit.record_change(
        actor=actor, action="api_token.issued", target=token, detail={"agency": agency.code}
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User | str, prefix: str) -> ApiToken:
    """Revoke a token by its prefix. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("agency").get(prefix=prefix)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_change(
            actor=actor,
            action="api_token.revoked",
            target=token,
            detail={"agency": token.agency.code},
        )
    return token


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


@transaction.atomic
def user_create(
    *,
    actor: User | str,
    username: str,
    role: str,
    agency: Agency | None,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    profession: str = "",
) -> User:
    """Create a member of staff. Raises ValidationError for a bad role or a weak password."""
    if role not in Role.values:
        known = ", ".join(Role.values)
        raise ValidationError({"role": f"Unknown role {role!r}; use one of {known}."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"There is already a user called {username!r}."})
    user = User(
        username=username,
        role=role,
        agency=agency,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    if profession:
        user.profession = profession
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record_change(
        actor=actor,
        action="user.created",
        target=user,
        detail={"role": role, "agency": agency.code if agency else ""},
    )
    return user


@transaction.atomic
def user_agency_lead_set(*, actor: User | str, account: User, lead: bool) -> User:
    """Name a member of an agency's staff as one of its leads (who answer assurance requests
    and update its actions), or stop them being one. Recorded either way."""
    if lead and account.agency_id is None:
        raise ValidationError(
            {"agency": f"{account.username} belongs to no agency, so cannot lead one."}
        )
    if account.is_agency_lead == lead:
        return account
    account.is_agency_lead = lead
    account.save(update_fields=["is_agency_lead"])
    audit.record_change(
        actor=actor,
        action="user.agency_lead_named" if lead else "user.agency_lead_removed",
        target=account,
        detail={"agency": account.agency.code if account.agency else ""},
    )
    return account
