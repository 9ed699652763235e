"""The public concern form at /report-a-concern/: no account, one question per page.

Answers are kept in the session until the person sends them from the check-your-answers page;
the report is then stored by `contact_create` (delivery of the notification to the front door
happens after the commit, so a mail failure never loses a report). The session answers are
cleared in the same request, so sending twice cannot create two contacts.

Abuse protection: Django's CSRF check (the friendly core failure page), a per-client rate
limit on sending, a honeypot field people never see, and size limits with clear messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.forms import GovukForm
from sightline.core.ratelimit import client_key, rate_limit_exceeded
from sightline.frontdoor import forms_intake as f
from sightline.frontdoor.models import Channel, Contact, Urgency
from sightline.frontdoor.services.contacts import (
    MAX_TEXT,
    contact_create,
    contact_decision_due,
    new_reference,
)

SESSION_ANSWERS = "concern_answers"
SESSION_SENT = "concern_sent"
PUBLIC_ACTOR = "public"


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type[GovukForm]
    title: str
    template: str


STEPS = [
    Step("urgency", f.UrgencyForm, "How urgent is this?", "radios"),
    Step("child", f.ChildForm, "Tell us about the child", "child"),
    Step("address", f.AddressForm, "Where does the child live?", "address"),
    Step("what-happened", f.WhatHappenedForm, "What has happened?", "what_happened"),
    Step("about-you", f.AboutYouForm, "Do you want to stay anonymous?", "radios"),
    Step("your-details", f.YourDetailsForm, "Your details", "your_details"),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
CALL_999 = "call-999"


# --- Answers kept in the session --------------------------------------------------------------


def _answers(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.get(SESSION_ANSWERS) or {}


def _save_answer(request: HttpRequest, slug: str, data: dict[str, Any]) -> None:
    answers = _answers(request)
    answers[slug] = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in data.items()
    }
    request.session[SESSION_ANSWERS] = answers


def _initial(answers: dict[str, dict[str, Any]], slug: str) -> dict[str, Any]:
    initial = dict(answers.get(slug, {}))
    if initial.get("date_of_birth"):
        initial["date_of_birth"] = dt.date.fromisoformat(initial["date_of_birth"])
    return initial


def _anonymous(answers: dict[str, dict[str, Any]]) -> bool:
    return answers.get("about-you", {}).get("anonymous") == "yes"


def _steps_needed(answers: dict[str, dict[str, Any]]) -> list[str]:
    slugs = [step.slug for step in STEPS]
    if _anonymous(answers):
        slugs.remove("your-details")
    return slugs


REQUIRED = ("urgency", "what-happened", "about-you")
# Which question to go back to when contact_create refuses an answer.
ERROR_STEP = {
    "urgency": "urgency",
    "concern": "what-happened",
    "referrer_name": "your-details",
    "referrer_relationship": "your-details",
    "referrer_email": "your-details",
    "referrer_phone": "your-details",
}


def _first_missing(answers: dict[str, dict[str, Any]]) -> str | None:
    required = list(REQUIRED)
    if answers.get("about-you") and not _anonymous(answers):
        required.append("your-details")
    return next((slug for slug in required if not answers.get(slug)), None)


def _step_url(slug: str, *, change: bool = False) -> str:
    url = reverse("frontdoor:concern-step", kwargs={"step": slug})
    return f"{url}?change=1" if change else url


def _after(slug: str, answers: dict[str, dict[str, Any]], *, change: bool) -> str:
    """Where to go once this step is answered."""
    if slug == "urgency" and answers["urgency"]["urgency"] == Urgency.IMMEDIATE:
        return _step_url(CALL_999, change=change)
    if slug == "about-you" and not _anonymous(answers) and not answers.get("your-details"):
        return _step_url("your-details", change=change)
    if change:
        return reverse("frontdoor:concern-check")
    order = _steps_needed(answers)
    following = order[order.index(slug) + 1 :] if slug in order else []
    return _step_url(following[0]) if following else reverse("frontdoor:concern-check")


def _back(slug: str, answers: dict[str, dict[str, Any]], *, change: bool) -> str:
    if change:
        return reverse("frontdoor:concern-check")
    order = _steps_needed(answers)
    if slug not in order or order.index(slug) == 0:
        return reverse("frontdoor:concern-start")
    return _step_url(order[order.index(slug) - 1])


# --- Abuse protection -------------------------------------------------------------------------


def _honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(f.HONEYPOT_FIELD, "").strip())


def _pretend_sent(request: HttpRequest) -> HttpResponse:
    """A bot filled in the hidden field: look as if it worked, keep nothing."""
    urgency = _answers(request).get("urgency", {}).get("urgency", Urgency.NOT_URGENT)
    request.session.pop(SESSION_ANSWERS, None)
    request.session[SESSION_SENT] = _sent_summary(
        reference=new_reference(),
        decision_due_at=contact_decision_due(received_at=timezone.now(), urgency=urgency),
        anonymous=True,
        urgency=urgency,
    )
    return redirect("frontdoor:concern-sent")


def _sent_summary(
    *, reference: str, decision_due_at: dt.datetime, anonymous: bool, urgency: str
) -> dict:
    return {
        "reference": reference,
        "decision_due_at": timezone.localtime(decision_due_at).isoformat(),
        "anonymous": anonymous,
        "urgency": urgency if urgency in Urgency.values else Urgency.NOT_URGENT,
    }


def _rate_limited(request: HttpRequest) -> bool:
    return rate_limit_exceeded(
        scope="concern",
        key=client_key(request),
        limit=settings.CONCERN_RATE_LIMIT,
        window_seconds=settings.CONCERN_RATE_WINDOW_SECONDS,
    )


# --- Views ------------------------------------------------------------------------------------


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontdoor/intake/public/start.html",
        {"first_step": _step_url(STEPS[0].slug)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, step: str) -> HttpResponse:
    answers = _answers(request)
    change = request.GET.get("change") == "1"
    if step == CALL_999:
        return _call_999(request, answers, change=change)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404("No such question")
    if request.method == "POST":
        if _honeypot_filled(request):
            return _pretend_sent(request)
        form = current.form_class(request.POST)
        if form.is_valid():
            _save_answer(request, current.slug, form.cleaned_data)
            return redirect(_after(current.slug, _answers(request), change=change))
    else:
        form = current.form_class(initial=_initial(answers, current.slug))
    return render(
        request,
        f"frontdoor/intake/public/{current.template}.html",
        {
            "form": form,
            "step": current,
            "title": current.title,
            "back_url": _back(current.slug, answers, change=change),
            "honeypot_field": f.HONEYPOT_FIELD,
            "max_text": MAX_TEXT,
            "max_text_label": f"{MAX_TEXT:,}",
        },
    )


def _call_999(
    request: HttpRequest, answers: dict[str, dict[str, Any]], *, change: bool
) -> HttpResponse:
    if request.method != "GET":
        return redirect(_step_url(CALL_999, change=change))
    next_url = reverse("frontdoor:concern-check") if change else _step_url("child")
    return render(
        request,
        "frontdoor/intake/public/call_999.html",
        {"continue_url": next_url, "back_url": _step_url("urgency", change=change)},
    )


def _summary_rows(answers: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    child = answers.get("child", {})
    address = answers.get("address", {})
    you = answers.get("your-details", {})
    urgency = answers.get("urgency", {}).get("urgency", "")
    dob = child.get("date_of_birth")
    rows = [
        ("urgency", "How urgent", Urgency(urgency).label if urgency else ""),
        ("child", "Child's name", f"{child.get('given_name', '')} {child.get('family_name', '')}"),
        ("child", "Date of birth", dt.date.fromisoformat(dob).strftime("%-d %B %Y") if dob else ""),
        ("child", "Approximate age", child.get("approximate_age", "")),
        ("child", "School", child.get("school", "")),
        (
            "address",
            "Where they live",
            ", ".join(
                part for part in (address.get(k, "") for k in ("line", "town", "postcode")) if part
            ),
        ),
        ("what-happened", "What happened", answers.get("what-happened", {}).get("concern", "")),
        ("about-you", "Stay anonymous", "Yes" if _anonymous(answers) else "No"),
    ]
    if not _anonymous(answers):
        relationship = dict(f.RELATIONSHIP_CHOICES).get(you.get("relationship", ""), "")
        rows += [
            ("your-details", "Your name", you.get("name", "")),
            ("your-details", "How you know the child", relationship),
            ("your-details", "Email address", you.get("email", "")),
            ("your-details", "Telephone number", you.get("phone", "")),
        ]
    return [
        {
            "key": key,
            "value": value.strip() or "Not given",
            "change_url": _step_url(slug, change=True),
            "change_label": key.lower(),
        }
        for slug, key, value in rows
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    if not answers:
        # Nothing to send: a fresh visitor, an expired session or a second press of "Send".
        return redirect("frontdoor:concern-start")
    missing = _first_missing(answers)
    if missing:
        return redirect(_step_url(missing))
    if request.method == "POST":
        if _rate_limited(request):
            minutes = max(1, settings.CONCERN_RATE_WINDOW_SECONDS // 60)
            return render(
                request,
                "frontdoor/intake/public/rate_limited.html",
                {"minutes": minutes, "back_url": reverse("frontdoor:concern-check")},
                status=429,
            )
        if _honeypot_filled(request):
            return _pretend_sent(request)
        try:
            contact = _send(answers)
        except ValidationError as error:
            # Answers are checked page by page, so this is rare: go back to the question.
            field = next(iter(getattr(error, "error_dict", {})), "")
            return redirect(_step_url(ERROR_STEP.get(field, "what-happened")))
        request.session.pop(SESSION_ANSWERS, None)
        request.session[SESSION_SENT] = _sent_summary(
            reference=contact.reference,
            decision_due_at=contact.decision_due_at,
            anonymous=contact.anonymous,
            urgency=contact.urgency,
        )
        return redirect("frontdoor:concern-sent")
    return render(
        request,
        "frontdoor/intake/public/check.html",
        {
            "rows": _summary_rows(answers),
            "back_url": _step_url(_steps_needed(answers)[-1]),
            "honeypot_field": f.HONEYPOT_FIELD,
        },
    )


def _send(answers: dict[str, dict[str, Any]]) -> Contact:
    child = answers.get("child", {})
    address = answers.get("address", {})
    anonymous = _anonymous(answers)
    you = {} if anonymous else answers.get("your-details", {})
    child_details = {
        key: child.get(key, "")
        for key in ("given_name", "family_name", "date_of_birth", "approximate_age", "school")
    }
    child_details["address"] = {key: address.get(key, "") for key in ("line", "town", "postcode")}
    return contact_create(
        actor=PUBLIC_ACTOR,
        channel=Channel.PUBLIC,
        concern=answers["what-happened"]["concern"],
        urgency=answers["urgency"]["urgency"],
        child_details=child_details,
        anonymous=anonymous,
        referrer_name=you.get("name", ""),
        referrer_relationship=you.get("relationship", ""),
        referrer_email=you.get("email", ""),
        referrer_phone=you.get("phone", ""),
    )


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    summary = request.session.get(SESSION_SENT)
    if not summary or "decision_due_at" not in summary:
        return redirect("frontdoor:concern-start")
    return render(
        request,
        "frontdoor/intake/public/sent.html",
        {
            "reference": summary["reference"],
            "decision_due_at": dt.datetime.fromisoformat(summary["decision_due_at"]),
            "anonymous": summary["anonymous"],
            "urgency": summary["urgency"],
            "front_door_phone": settings.FRONT_DOOR_PHONE,
            "front_door_address": settings.FRONT_DOOR_ADDRESS,
        },
    )
