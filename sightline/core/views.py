"""Pages every area shares: home, health check, and the friendly CSRF failure page."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET

from sightline.core.outages import database_unavailable

HOME_LINKS = [
    # (permission or "", url name, label, hint)
    ("frontdoor.view_queue", "frontdoor:queue", "Front door queue", "Contacts awaiting a decision"),
    (
        "casework.view_casework",
        "casework:team",
        "Team casework",
        "What is due this week and what is overdue across your team",
    ),
    ("casework.open_episode", "casework:referrals", "Referrals awaiting allocation", ""),
    ("", "frontdoor:requests", "Information requests", "Partner checks sent to your agency"),
    ("", "frontdoor:contact-new", "Report a concern about a child", ""),
    ("risk.view_alerts", "risk:inbox", "Alerts", "Cumulative-risk alerts addressed to you"),
    ("", "sharing:inbox", "Your messages", "What Sightline has told you"),
    (
        "linkage.review_matches",
        "linkage:review",
        "Possible matches to review",
        "Records that may be the same person",
    ),
    (
        "sharing.lookup_cpis",
        "sharing:cpis",
        "Check if a child is on a child protection plan",
        "CP-IS style check for a child you are seeing in unscheduled care",
    ),
    (
        "people.search",
        "people:search",
        "Find a person",
        "Search by name, date of birth, NHS number or postcode",
    ),
    (
        "sharing.view_encompass_measures",
        "sharing:encompass",
        "Operation Encompass",
        "Domestic abuse incidents told to schools before the next school day",
    ),
    (
        "insight.view_dashboard",
        "insight:dashboard",
        "Partnership figures",
        "How children are doing, beside England and similar areas",
    ),
    (
        "core.view_break_glass_report",
        "people:break-glass-report",
        "Break-glass report",
        "Records opened without a working relationship",
    ),
]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    links = [
        {"url": reverse(name), "label": label, "hint": hint}
        for perm, name, label, hint in HOME_LINKS
        if not perm or request.user.has_perm(perm)
    ]
    return render(request, "core/home.html", {"links": links})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/message.html",
        {
            "title": "Your form could not be sent",
            "lines": [
                "The page had expired or the form did not come from Sightline, "
                "so nothing was saved.",
                "Go back, reload the page and try again.",
            ],
        },
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without context processors, so it needs neither the database
    nor the request's user (either may be what failed), and shows no navigation.

    When what failed is the database being out of reach, the page says so (503, with
    Retry-After): the person is told to wait a minute, not that Sightline is broken."""
    context = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "request": {"csp_nonce": getattr(request, "csp_nonce", "")},
    }
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))
