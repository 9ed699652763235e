"""Partnership pages: thin views that check input and access, call a service or selector,
render. Split by aggregate: overview, case reviews, the action plan, assurance."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from sightline.core.requests import SignedInRequest
from sightline.partnership import selectors

Crumbs = list[tuple[str, str]]


def area_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and a partnership role or an agency user (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request: SignedInRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        selectors.require_area(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def manager_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in with a partnership role (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request: SignedInRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        selectors.require_manager(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def home_crumbs() -> Crumbs:
    return [("Partnership", reverse("partnership:overview"))]


def form_page(
    request: SignedInRequest,
    *,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    success: str,
    next_url: str | Callable[[Any], str],
    title: str,
    crumbs: Crumbs,
    submit: str = "Save",
    intro: str = "",
    caption: str = "",
    template: str = "partnership/form_page.html",
    extra: dict[str, Any] | None = None,
    checks: Callable[[dict[str, Any]], object] | None = None,
) -> HttpResponse:
    """A GOV.UK question page: on a valid POST call `save`; service errors go on the form.

    `checks` (the service's own checks, raising ValidationError) run beside the form's, so
    every error shows at once (sightline.core.forms).
    """
    if checks is not None:
        form.checks = checks  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)  # type: ignore[attr-defined]
        else:
            messages.success(request, success)
            return redirect(next_url(result) if callable(next_url) else next_url)
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "back_url": crumbs[-1][1] if crumbs else reverse("partnership:overview"),
        "submit": submit,
        "intro": intro,
        "caption": caption,
        **(extra or {}),
    }
    return render(request, template, context)
