"""Sign in, sign out and two-factor sign-in (TOTP)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from sightline.accounts.forms import SignInForm, TwoFactorForm
from sightline.accounts.middleware import (
    LAST_SEEN,
    SIGNED_IN_AT,
    SIGNED_OUT_BECAUSE,
    signed_out_notice,
)
from sightline.accounts.models import User
from sightline.accounts.services import (
    SignInRefused,
    TwoFactorDevice,
    account_unlock,
    sign_in_check,
    sign_out_record,
    two_factor_device_for,
    two_factor_enrolment_open,
    two_factor_verify,
)


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a page on this site, never somewhere else."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    notice = signed_out_notice(request.session.pop(SIGNED_OUT_BECAUSE, ""))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = sign_in_check(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except SignInRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if result.unlock_by_second_factor:
                request.session[UNLOCK_USER] = result.user.pk
                request.session[UNLOCK_OFFERED_AT] = int(time.time())
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{resolve_url('accounts:unlock')}?{query}")
            _log_in(request, result.user)
            if settings.TWO_FACTOR_REQUIRED:
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{resolve_url('accounts:two-factor')}?{query}")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _next_url(request), "notice": notice},
    )


def _log_in(request: HttpRequest, user: User) -> None:
    login(request, user, backend="sightline.accounts.backends.PasswordBackend")
    now = int(time.time())
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now


UNLOCK_USER = "unlock_user_id"
UNLOCK_OFFERED_AT = "unlock_offered_at"
UNLOCK_SECONDS = 5 * 60


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """A locked-out user who gave the right password lifts the lock with their security code."""
    offered_at = int(request.session.get(UNLOCK_OFFERED_AT, 0))
    user = User.objects.filter(pk=int(request.session.get(UNLOCK_USER, 0)), is_active=True).first()
    if user is None or time.time() - offered_at > UNLOCK_SECONDS:
        request.session.pop(UNLOCK_USER, None)
        messages.info(request, "Sign in again to unlock your account.")
        return redirect("accounts:sign-in")
    found = two_factor_device_for(user=user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and found is not None:
        problem = two_factor_verify(
            user=user, device=found.device, token=form.cleaned_data["token"]
        )
        if not problem:
            account_unlock(actor=user, account=user)
            request.session.pop(UNLOCK_USER, None)
            _log_in(request, user)
            otp_login(request, found.device)
            messages.success(request, "Your account is unlocked.")
            return redirect(_next_url(request))
        form.add_error("token", problem)
    return render(request, "accounts/unlock.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        sign_out_record(user=request.user)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:sign-in")


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code. A user with no device is told to ask for a set-up link."""
    assert isinstance(request.user, User)
    found = two_factor_device_for(user=request.user)
    if found is None:
        return render(request, "accounts/two_factor_needs_link.html", status=403)
    return _verify_page(request, found, request.user)


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest, token: str) -> HttpResponse:
    """Set up an authenticator app from an administrator's one-time link."""
    assert isinstance(request.user, User)
    found = two_factor_enrolment_open(user=request.user, token=token)
    if found is None:
        return render(request, "accounts/two_factor_needs_link.html", {"expired": True}, status=403)
    return _verify_page(request, found, request.user)


def _verify_page(request: HttpRequest, found: TwoFactorDevice, user: User) -> HttpResponse:
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = two_factor_verify(
            user=user, device=found.device, token=form.cleaned_data["token"]
        )
        if not problem:
            otp_login(request, found.device)
            return redirect(_next_url(request))
        form.add_error("token", problem)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "setting_up": found.setting_up,
            "qr": segno.make(found.config_url).svg_inline(scale=4) if found.setting_up else "",
            "secret": found.secret if found.setting_up else "",
            "next": _next_url(request),
        },
    )
