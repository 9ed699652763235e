"""Sign in, sign out and two-factor sign-in (TOTP)."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sightline.accounts.forms import SignInForm, TwoFactorForm
from sightline.accounts.services import SignInRefused, sign_in_check
from sightline.core import audit


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
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
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(
            actor=request.user, kind=audit.Kind.SIGN_IN, action="sign_out", target=request.user
        )
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:sign-in")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; a user with no confirmed device sets one up first."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name="Authenticator app", confirmed=False
            )
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record_change(
                    actor=request.user, action="two_factor.device_confirmed", target=request.user
                )
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token", "The security code is wrong or has expired. Enter the current code."
        )
    qr = segno.make(device.config_url).svg_inline(scale=4) if setting_up else ""
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "setting_up": setting_up,
            "qr": qr,
            "secret": base64.b32encode(device.bin_key).decode() if setting_up else "",
            "next": _next_url(request),
        },
    )
