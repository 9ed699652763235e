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
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sightline.accounts.models import Agency, ApiToken, Role, User
from sightline.core import audit
from sightline.core.ratelimit import client_key, count_hit, hits, hits_forget

COMMAND_LINE = "command line"  # the named system actor for `sightline` commands


class SignInRefused(Exception):
    """The sign-in was refused; the message is safe to show."""


@dataclass(frozen=True)
class SignInResult:
    user: User
    # The account was locked, and the right password was given: the user may lift the lock
    # with their second factor (they are not signed in until they do).
    unlock_by_second_factor: bool = False


# One message for every refusal by count (this client, this username from this client, or the
# account itself), the same for known and unknown usernames, so it tells nobody which exist.
LOCKED_MESSAGE = (
    "Too many failed sign-ins. Wait {minutes} minutes and try again, or ask your "
    "administrator to unlock your account."
)
WRONG_MESSAGE = "Enter a correct username and password."

PAIR, CLIENT, ACCOUNT = "sign-in-pair", "sign-in-client", "sign-in-account"


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def _username_key(username: str) -> str:
    # A hash, not the text: people sometimes type their password into the username box.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def sign_in_check(*, request: HttpRequest | None, username: str, password: str) -> SignInResult:
    """Check credentials, counting failures by client, by username and client, and by username.

    Every attempt costs one password hash, whatever the outcome, and known and unknown
    usernames are counted alike and get the same messages, so neither the words nor the
    time tell anyone which usernames exist. A script that fails from one client is refused for
    that username (`SIGN_IN_MAX_FAILURES`) and then for any (`SIGN_IN_CLIENT_MAX_FAILURES`),
    without locking the user out elsewhere; only failures from many clients together
    (`SIGN_IN_ACCOUNT_MAX_FAILURES`) lock the account, which its owner lifts with their second
    factor, or an administrator with `account_unlock`.
    """
    client = client_key(request) if request is not None else "command line"
    name = _username_key(username)
    result, refusal = _sign_in_attempt(
        request=request, username=username, password=password, client=client, name=name
    )
    if result is None:
        raise SignInRefused(refusal)
    return result


def account_for_sign_in(username: str) -> QuerySet[User]:
    """The account, locked while its attempt is counted. FOR NO KEY UPDATE, not FOR UPDATE:
    the audit entries other requests write name the user (a foreign key, which takes a KEY
    SHARE lock on the row), and one of them may hold the audit chain's turn while this
    sign-in waits for it: a FOR UPDATE lock here made the two wait for each other
    (PostgreSQL's deadlock, seen under load)."""
    return User.objects.select_for_update(no_key=True).filter(username__iexact=username.strip())


@transaction.atomic
def _sign_in_attempt(
    *, request: HttpRequest | None, username: str, password: str, client: str, name: str
) -> tuple[SignInResult | None, str]:
    now = timezone.now()
    window = settings.SIGN_IN_LOCKOUT_MINUTES * 60
    pair = _pair_key(name, client)
    account = account_for_sign_in(username).first()
    # The password is checked on every path (an unknown username costs the same hash).
    user = authenticate(
        request, username=account.username if account else username, password=password
    )
    if hits(scope=CLIENT, key=client) >= settings.SIGN_IN_CLIENT_MAX_FAILURES:
        if user is None:
            _count_failure(client=client, pair=pair, name=name, window=window)
        _record_attempt(account, "sign_in.refused_throttled", name)
        return None, locked_message()

    if account is not None and account.locked_until and account.locked_until <= now:
        # The lock has run out: a fresh set of attempts.
        User.objects.filter(pk=account.pk).update(failed_sign_ins=0, locked_until=None)
        account.failed_sign_ins, account.locked_until = 0, None
        hits_forget(scope=ACCOUNT, key=name)
    locked = hits(scope=PAIR, key=pair) >= settings.SIGN_IN_MAX_FAILURES or (
        account.locked_until is not None
        if account is not None
        else hits(scope=ACCOUNT, key=name) >= settings.SIGN_IN_ACCOUNT_MAX_FAILURES
    )
    if locked:
        if isinstance(user, User) and _has_second_factor(user):
            _record_attempt(account, "sign_in.unlock_offered", name)
            return SignInResult(user=user, unlock_by_second_factor=True), ""
        if user is None:
            _count_failure(client=client, pair=pair, name=name, window=window)
        _record_attempt(account, "sign_in.refused_locked", name)
        return None, locked_message()

    if user is None:
        pair_failures, account_failures = _count_failure(
            client=client, pair=pair, name=name, window=window
        )
        if account is not None:
            User.objects.filter(pk=account.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
        if account_failures >= settings.SIGN_IN_ACCOUNT_MAX_FAILURES and account is not None:
            User.objects.filter(pk=account.pk).update(
                locked_until=now + dt.timedelta(seconds=window)
            )
            audit.record(
                actor=account,
                kind=audit.Kind.SIGN_IN,
                action="account.locked",
                target=account,
                detail={"failures": account_failures},
            )
        else:
            _record_attempt(account, "sign_in.failed", name, failures=account_failures)
        if (
            pair_failures >= settings.SIGN_IN_MAX_FAILURES
            or account_failures >= settings.SIGN_IN_ACCOUNT_MAX_FAILURES
        ):
            return None, locked_message()
        return None, WRONG_MESSAGE

    assert isinstance(user, User)
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins, user.locked_until = 0, None
    hits_forget(scope=PAIR, key=pair)
    audit.record(actor=user, kind=audit.Kind.SIGN_IN, action="sign_in.succeeded", target=user)
    return SignInResult(user=user), ""


def _pair_key(name: str, client: str) -> str:
    """The username-and-client count's key; an unlock starts a new generation of them."""
    generation = cache.get(f"sign-in-generation:{name}", 0)
    return f"{name}:{generation}:{client}"


def _count_failure(*, client: str, pair: str, name: str, window: int) -> tuple[int, int]:
    """Count a wrong password against the client, the username from it, and the username."""
    count_hit(scope=CLIENT, key=client, window_seconds=window)
    return (
        count_hit(scope=PAIR, key=pair, window_seconds=window),
        count_hit(scope=ACCOUNT, key=name, window_seconds=window),
    )


def _record_attempt(account: User | None, action: str, name: str, failures: int = 0) -> None:
    """A refused or failed attempt in the audit trail; an unknown username by its hash only."""
    detail: dict[str, object] = {"failures": failures} if failures else {}
    if account is None:
        audit.record(
            actor="unknown user",
            kind=audit.Kind.SIGN_IN,
            action=f"{action}_unknown_user",
            detail={"username_sha256": name[:16], **detail},
        )
        return
    audit.record(
        actor=account, kind=audit.Kind.SIGN_IN, action=action, target=account, detail=detail
    )


def _has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


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
    """Lift an account's lock (by an administrator, or by its owner's second factor)."""
    User.objects.filter(pk=account.pk).update(failed_sign_ins=0, locked_until=None)
    account.failed_sign_ins, account.locked_until = 0, None
    name = _username_key(account.username)
    hits_forget(scope=ACCOUNT, key=name)
    generation = f"sign-in-generation:{name}"
    cache.set(generation, cache.get(generation, 0) + 1, timeout=None)
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


def two_factor_device_for(*, user: User) -> TwoFactorDevice | None:
    """The user's confirmed device; None when they have none and need a set-up link."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return TwoFactorDevice(device=device, setting_up=False)


ENROLMENT_SALT = "sightline.two-factor-enrolment"


@transaction.atomic
def two_factor_enrolment_issue(*, actor: User | str, account: User) -> str:
    """A one-time link's token for `account` to set up two-factor sign-in.

    The first set-up needs more than the password: an administrator issues this link and
    gives it to the user, who signs in with their password and then opens it. It works once
    (the device it names is confirmed by its use) and for TWO_FACTOR_ENROLMENT_HOURS; a new
    link replaces any earlier unused one.
    """
    TOTPDevice.objects.filter(user=account, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=account, name="Authenticator app", confirmed=False)
    audit.record_change(actor=actor, action="two_factor.enrolment_issued", target=account)
    return signing.dumps({"user": account.pk, "device": device.pk}, salt=ENROLMENT_SALT)


def two_factor_enrolment_url(token: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("accounts:two-factor-set-up", args=[token])


def two_factor_enrolment_open(*, user: User, token: str) -> TwoFactorDevice | None:
    """The device a set-up link names, if the link is this user's, unused and in date."""
    try:
        claim = signing.loads(
            token, salt=ENROLMENT_SALT, max_age=settings.TWO_FACTOR_ENROLMENT_HOURS * 3600
        )
    except signing.BadSignature:
        return None
    if not isinstance(claim, dict) or claim.get("user") != user.pk:
        return None
    device = TOTPDevice.objects.filter(pk=claim.get("device"), user=user, confirmed=False).first()
    return TwoFactorDevice(device=device, setting_up=True) if device else None


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
    """Remove a user's devices (a lost phone); they set up a new one with a new set-up link."""
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
