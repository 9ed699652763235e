"""Running the programme: courses, sessions, who has booked, and the attendance register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core import audit
from sightline.core.problems import refuse
from sightline.learning import selectors
from sightline.learning.forms import (
    CourseEditForm,
    CourseForm,
    SessionCancelForm,
    SessionEditForm,
    SessionForm,
    register_form,
)
from sightline.learning.services import (
    attendance_problems,
    attendance_record,
    charge_amount,
    course_create,
    course_problems,
    course_update,
    session_cancel,
    session_cancel_problems,
    session_create,
    session_problems,
    session_update,
)


def _posted(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The submitted form data, even when empty (an empty POST must still be validated)."""
    return request.POST if request.method == "POST" else None


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("learning.manage_training"):
        raise PermissionDenied


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_for_management(user=request.user)
    return render(request, "learning/manage.html", {"courses": courses})


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CourseForm(_posted(request), checks=lambda data: refuse(course_problems(**data)))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            course = course_create(actor=request.user, **data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, f"Course “{course.title}” added. Now add its sessions.")
            return redirect("learning:course", course_id=course.pk)
    return render(request, "learning/course_form.html", {"form": form, "course": None})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_management(user=request.user, course_id=course_id)
    form = CourseEditForm(
        _posted(request),
        instance=course,
        checks=lambda data: refuse(course_problems(course=course, **data)),
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        try:
            course_update(actor=request.user, course=course, themes=themes, **data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Course changes saved.")
            return redirect("learning:course", course_id=course.pk)
    return render(request, "learning/course_form.html", {"form": form, "course": course})


@login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_management(user=request.user, course_id=course_id)
    return render(
        request,
        "learning/course.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(user=request.user, course=course),
            "follow_ups": selectors.course_follow_ups(user=request.user, course=course)[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_management(user=request.user, course_id=course_id)
    form = SessionForm(
        _posted(request),
        checks=lambda data: refuse(
            session_problems(course=course, **SessionForm.session_values(data))
        ),
    )
    if form.is_valid():
        try:
            session = session_create(actor=request.user, course=course, **form.session_fields())
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Session added to the training calendar.")
            return redirect("learning:session", session_id=session.pk)
    return render(
        request, "learning/session_form.html", {"form": form, "course": course, "session": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    _require_manager(request)
    session = selectors.session_get(user=request.user, session_id=session_id)
    initial = SessionForm.initial_for(session) | {"version": session.version}
    form = SessionEditForm(
        _posted(request),
        initial=initial,
        allow_past=True,
        checks=lambda data: refuse(
            session_problems(
                session=session, course=session.course, **SessionForm.session_values(data)
            )
        ),
    )
    if form.is_valid():
        try:
            session_update(
                actor=request.user,
                session=session,
                version=form.cleaned_data.get("version"),
                **form.session_fields(),
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Session changes saved.")
            return redirect("learning:session", session_id=session.pk)
    return render(
        request,
        "learning/session_form.html",
        {"form": form, "course": session.course, "session": session},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel_view(request: HttpRequest, session_id: int) -> HttpResponse:
    _require_manager(request)
    session = selectors.session_get(user=request.user, session_id=session_id)
    form = SessionCancelForm(
        _posted(request),
        checks=lambda data: refuse(session_cancel_problems(session=session, **data)),
    )
    if form.is_valid():
        try:
            session_cancel(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Session cancelled. Everyone booked has been told.")
            return redirect("learning:session", session_id=session.pk)
    return render(request, "learning/session_cancel.html", {"form": form, "session": session})


@login_required
@require_GET
def session_bookings(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    grouped = selectors.session_booking_list(user=request.user, session=session)
    audit.record(
        actor=request.user,
        kind=audit.Kind.LIST,
        action="training_session.bookings_listed",
        target=session,
    )
    return render(
        request,
        "learning/session_bookings.html",
        {
            "session": session,
            "confirmed": grouped["confirmed"],
            "waiting": grouped["waiting"],
            "cancelled": grouped["cancelled"],
        },
    )


def _marks(data: dict) -> dict[int, str]:
    """The register's answers by booking id."""
    return {
        int(name.removeprefix("attendance_")): value
        for name, value in data.items()
        if name.startswith("attendance_")
    }


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    bookings = selectors.session_register(user=request.user, session=session)
    form = register_form(bookings, _posted(request))
    form.checks = lambda data: refuse(attendance_problems(session=session, marks=_marks(data)))
    started = session.starts_at <= timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            changed = attendance_record(
                actor=request.user, session=session, marks=_marks(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            charged = sum(
                1 for b in changed if b.attendance in ("did_not_attend", "cancelled_late")
            )
            note = f" {charged} non-attendance charge(s) raised." if charged else ""
            messages.success(request, f"Register saved.{note}")
            return redirect("learning:register", session_id=session.pk)
    return render(
        request,
        "learning/register.html",
        {
            "session": session,
            "form": form,
            "bookings": bookings,
            "started": started,
            "charge": charge_amount(),
        },
    )
