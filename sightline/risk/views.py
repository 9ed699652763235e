"""Alert pages: the inbox, an alert with its evidence, acknowledge and close; the rule
settings; recording a DASH checklist against a domestic abuse incident."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.problems import refuse
from sightline.core.requests import SignedInRequest
from sightline.risk import catalogue, selectors, services
from sightline.risk.forms import AlertCloseForm, DashForm, RuleSettingForm
from sightline.risk.models import AlertStatus
from sightline.risk.rules import may_change_rule_settings, may_record_dash, may_see_alerts


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    _require(may_see_alerts(request.user))
    status = request.GET.get("status", "")
    if status not in AlertStatus.values:
        status = ""
    page = selectors.alert_inbox(
        user=request.user, status=status, page_number=request.GET.get("page", 1)
    )
    return render(
        request,
        "risk/inbox.html",
        {
            "page": page,
            "status": status,
            "statuses": AlertStatus.choices,
        },
    )


def _alert_context(request: SignedInRequest, alert: Any, form: Any = None) -> dict[str, Any]:
    return {
        "alert": alert,
        "rule": catalogue.BY_CODE.get(alert.rule),
        "evidence": selectors.alert_evidence(alert),
        "may_act": selectors.alert_may_act(user=request.user, alert=alert),
        "form": form or AlertCloseForm(),
    }


@login_required
@require_GET
def alert_page(request: SignedInRequest, alert_id: int) -> HttpResponse:
    _require(may_see_alerts(request.user))
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    return render(request, "risk/alert.html", _alert_context(request, alert))


@login_required
@require_POST
def acknowledge(request: SignedInRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    _require(selectors.alert_may_act(user=request.user, alert=alert))
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, "Alert acknowledged. It stays in your inbox until closed.")
    return redirect("risk:alert", alert_id=alert.pk)


@login_required
@require_POST
def close(request: SignedInRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    _require(selectors.alert_may_act(user=request.user, alert=alert))
    form = AlertCloseForm(
        request.POST,
        checks=lambda data: refuse(services.alert_close_problems(alert=alert, **data)),
    )
    if form.is_valid():
        try:
            services.alert_close(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Alert closed. It reopens if the pattern grows.")
            return redirect("risk:alert", alert_id=alert.pk)
    return render(request, "risk/alert.html", _alert_context(request, alert, form), status=400)


@login_required
@require_GET
def rule_settings(request: SignedInRequest) -> HttpResponse:
    rows = selectors.rule_settings(user=request.user)
    return render(request, "risk/rules.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def rule_setting_edit(request: SignedInRequest, code: str) -> HttpResponse:
    _require(may_change_rule_settings(request.user))
    rule = catalogue.BY_CODE.get(code)
    if rule is None:
        from django.http import Http404

        raise Http404("No such rule")
    stored = next(s for r, s in selectors.rule_settings(user=request.user) if r.code == code)
    current = {**rule.defaults, **(stored.parameters if stored else {})}
    initial = {"enabled": stored.enabled if stored else True}
    form = RuleSettingForm(request.POST or None, rule=rule, current=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_setting_update(
                actor=request.user,
                code=code,
                enabled=form.cleaned_data["enabled"],
                parameters=form.parameters(),
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, f"{rule.name}: settings saved.")
            return redirect("risk:rules")
    return render(request, "risk/rule_edit.html", {"rule": rule, "form": form, "stored": stored})


@login_required
@require_http_methods(["GET", "POST"])
def dash_record(request: SignedInRequest, event_id: int) -> HttpResponse:
    _require(may_record_dash(request.user))
    event = selectors.incident_for_dash(user=request.user, event_id=event_id)
    form = DashForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.dash_record_create(
                actor=request.user,
                event=event,
                answers=form.answers(),
                level=form.cleaned_data["level"],
                judgement=form.cleaned_data["judgement"],
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(
                request,
                f"DASH recorded: {record.yes_count} yes answers, "
                f"{record.get_level_display().lower()} risk.",
            )
            back = request.GET.get("alert")
            if back and back.isdigit():
                return redirect("risk:alert", alert_id=int(back))
            return redirect("risk:dash", event_id=event.pk)
    return render(
        request,
        "risk/dash.html",
        {
            "event": event,
            "form": form,
            "records": selectors.incident_dash_records(event),
        },
        status=400 if form.errors else 200,
    )
