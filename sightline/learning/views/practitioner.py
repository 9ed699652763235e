"""The calendar, a session, booking, my bookings, cancelling and evaluating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.learning import selectors
from sightline.learning.forms import BookingForm, CalendarFilterForm, EvaluationForm, FollowUpForm
from sightline.learning.models import Booking
from sightline.learning.services import (
    booking_cancel,
    booking_create,
    booking_evaluate,
    booking_follow_up,
    booking_problems,
    cancellation_is_late,
    charge_amount,
    evaluation_problems,
    follow_up_problems,
)
from sightline.learning.services.bookings import notice_working_days


def _posted(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The submitted form data, even when empty (an empty POST must still be validated)."""
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    form = CalendarFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {
            "month": form.month_date(),
            "theme": form.cleaned_data["theme"],
            "mode": form.cleaned_data["mode"],
        }
    sessions = selectors.calendar_sessions(user=request.user, **filters)
    months: dict[str, list] = {}
    for session in sessions:
        months.setdefault(timezone.localtime(session.starts_at).strftime("%B %Y"), []).append(
            session
        )
    return render(request, "learning/calendar.html", {"form": form, "months": months})


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    booking = selectors.booking_of_user_on_session(user=request.user, session=session)
    return render(
        request,
        "learning/session.html",
        {
            "session": session,
            "booking": booking,
            "position": selectors.waiting_list_position(booking) if booking else None,
            "bookable": not session.is_cancelled and session.starts_at > timezone.now(),
            "can_manage": request.user.has_perm("learning.manage_training"),
            "can_take_register": request.user.has_perm("learning.take_register", session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    if not request.user.has_perm("learning.book_session"):
        raise PermissionDenied
    form = BookingForm(
        _posted(request),
        checks=lambda data: refuse(booking_problems(actor=request.user, session=session, **data)),
    )
    if form.is_valid():
        try:
            booking = booking_create(
                actor=request.user,
                session=session,
                confidence_before=form.cleaned_data["confidence_before"],
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            if booking.status == Booking.Status.CONFIRMED:
                messages.success(request, "You are booked on this session.")
            else:
                messages.success(
                    request,
                    "The session is full, so you are on the waiting list. If a place becomes "
                    "free you will get it and we will tell you.",
                )
            return redirect("learning:booking", booking_id=booking.pk)
    full = session.confirmed_count >= session.capacity  # type: ignore[attr-defined]
    return render(
        request,
        "learning/book.html",
        {"session": session, "form": form, "full": full, "notice_days": notice_working_days()},
    )


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = list(selectors.my_bookings(user=request.user))
    upcoming = [b for b in bookings if b.session.ends_at >= now and b.is_active]
    past = [b for b in bookings if b not in upcoming]
    for booking in upcoming:
        booking.position = selectors.waiting_list_position(booking)  # type: ignore[attr-defined]
    return render(
        request,
        "learning/my_bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "led": list(selectors.sessions_led(user=request.user)),
        },
    )


@login_required
@require_GET
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_get(user=request.user, booking_id=booking_id)
    own = booking.attendee_id == request.user.pk
    now = timezone.now()
    return render(
        request,
        "learning/booking.html",
        {
            "booking": booking,
            "own": own,
            "position": selectors.waiting_list_position(booking),
            "can_cancel": own and booking.is_active and booking.session.ends_at > now,
            "can_evaluate": own and booking.attendance == Booking.Attendance.ATTENDED,
        },
    )


def _own_booking(request: HttpRequest, booking_id: int) -> Booking:
    booking = selectors.booking_get(user=request.user, booking_id=booking_id)
    if not request.user.has_perm("learning.change_booking", booking):
        raise PermissionDenied
    return booking


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    error = None
    if request.method == "POST":
        try:
            booking = booking_cancel(actor=request.user, booking=booking)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if booking.attendance == Booking.Attendance.CANCELLED_LATE:
                messages.success(
                    request,
                    "Your booking is cancelled. It was inside the notice period, so your "
                    "agency will be charged.",
                )
            else:
                messages.success(request, "Your booking is cancelled.")
            return redirect("learning:my-bookings")
    late = booking.status == Booking.Status.CONFIRMED and cancellation_is_late(
        session=booking.session, at=timezone.now()
    )
    return render(
        request,
        "learning/booking_cancel.html",
        {"booking": booking, "late": late, "charge": charge_amount(), "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_evaluate_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    initial = {
        "confidence_after": booking.confidence_after,
        "comments": booking.evaluation_comments,
    }
    form = EvaluationForm(
        _posted(request),
        initial=initial,
        checks=lambda data: refuse(
            evaluation_problems(actor=request.user, booking=booking, **data)
        ),
    )
    if form.is_valid():
        try:
            booking_evaluate(actor=request.user, booking=booking, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Thank you. Your evaluation is saved.")
            return redirect("learning:booking", booking_id=booking.pk)
    return render(request, "learning/evaluation.html", {"booking": booking, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def booking_follow_up_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    form = FollowUpForm(
        _posted(request),
        initial={"practice_change": booking.practice_change},
        checks=lambda data: refuse(follow_up_problems(actor=request.user, booking=booking, **data)),
    )
    if form.is_valid():
        try:
            booking_follow_up(actor=request.user, booking=booking, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Thank you. What you have done differently is saved.")
            return redirect("learning:booking", booking_id=booking.pk)
    return render(request, "learning/follow_up.html", {"booking": booking, "form": form})
