"""Session idle timeout, and two-factor sign-in for staff where settings require it."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

OPEN_PREFIXES = ("/static/", "/healthz", "/api/", "/report-a-concern/", "/accounts/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used Sightline "
                    "for a while. Sign in again to carry on.",
                )
                return redirect(settings.LOGIN_URL)
            request.session["last_seen"] = now
            if (
                settings.TWO_FACTOR_REQUIRED
                and not user.is_verified()  # type: ignore[union-attr]
                and not request.path.startswith(OPEN_PREFIXES)
            ):
                return redirect("accounts:two-factor")
        return self.get_response(request)
