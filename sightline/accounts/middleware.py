"""Session expiry (idle and absolute) and two-factor sign-in for staff where settings require it.

One middleware, listed after django_otp's OTPMiddleware and before MessageMiddleware in
settings. Because the message framework is not ready yet at this point, the reason for an
expired session is left in the new (anonymous) session for the sign-in page to explain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve

from sightline.accounts.services import session_expiry_record

# Pages a signed-in user may reach before passing two-factor sign-in.
OPEN_PREFIXES = ("/static/", "/healthz", "/api/", "/report-a-concern/")
OPEN_ACCOUNT_PAGES = (
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:two-factor",
    "accounts:two-factor-set-up",
    "accounts:unlock",
)

LAST_SEEN = "sightline.last_seen"
SIGNED_IN_AT = "sightline.signed_in_at"
SIGNED_OUT_BECAUSE = "sightline.signed_out_because"
IDLE, EXPIRED = "idle", "expired"
# Seconds: last_seen is stored again only once it has moved on by this much, so a burst of
# clicks does not rewrite the session (a database write) on every request.
LAST_SEEN_RESOLUTION = 60

SIGNED_OUT_NOTICES = {
    IDLE: "You were signed out because you had not used Sightline for {minutes} minutes. "
    "Sign in again to carry on. Anything you had not saved was lost.",
    EXPIRED: "You were signed out because you had been signed in for {hours} hours. "
    "Sign in again to carry on. Anything you had not saved was lost.",
}


def signed_out_notice(reason: str) -> str:
    return SIGNED_OUT_NOTICES.get(reason, "").format(
        minutes=settings.SESSION_IDLE_TIMEOUT // 60, hours=settings.SESSION_COOKIE_AGE // 3600
    )


def _is_open(path: str) -> bool:
    if path.startswith(OPEN_PREFIXES):
        return True
    try:
        return resolve(path).view_name in OPEN_ACCOUNT_PAGES
    except Resolver404:
        return False


def _with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    url = resolve_url(url_name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


class TwoFactorRequiredMiddleware:
    """Signs out idle and over-long sessions, then sends unverified staff to two-factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            expired = self._session_expired(request)
            if expired:
                return self._sign_out(request, expired)
            if (
                settings.TWO_FACTOR_REQUIRED
                and not user.is_verified()  # type: ignore[union-attr,attr-defined]
                and not _is_open(request.path)
            ):
                return _with_next("accounts:two-factor", request)
        return self.get_response(request)

    @staticmethod
    def _session_expired(request: HttpRequest) -> str:
        """ "idle" or "expired" when the session must end; otherwise note this visit."""
        now = int(time.time())
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return IDLE
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return EXPIRED
        if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return ""

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str) -> HttpResponse:
        session_expiry_record(user=request.user, reason=reason)  # type: ignore[arg-type]
        logout(request)
        request.session[SIGNED_OUT_BECAUSE] = reason
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return _with_next(settings.LOGIN_URL, request)
