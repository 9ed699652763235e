"""Forms for the training pages, rendered with GOV.UK markup (core.forms)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core.forms import GovukDateField, GovukForm, GovukModelForm
from sightline.core.models import Theme
from sightline.core.versions import VersionedFormMixin
from sightline.core.working_days import LONDON
from sightline.learning.models import Booking, Course, NonAttendanceCharge

CONFIDENCE_CHOICES = [
    (1, "1 – not at all confident"),
    (2, "2 – a little confident"),
    (3, "3 – fairly confident"),
    (4, "4 – confident"),
    (5, "5 – very confident"),
]


class CourseForm(GovukModelForm):
    class Meta:
        model = Course
        fields = ["title", "level", "mode", "themes", "topics", "audience", "description"]
        widgets = {
            "level": forms.RadioSelect,
            "mode": forms.RadioSelect,
            "themes": forms.CheckboxSelectMultiple,
            "topics": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"themes": "Review themes this course answers"}
        error_messages = {
            "title": {"required": "Enter the course title"},
            "level": {"required": "Select the level of the course"},
            "mode": {"required": "Select how the course is delivered"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["level"].choices = Course.Level.choices  # type: ignore[attr-defined]
        self.fields["mode"].choices = Course.Mode.choices  # type: ignore[attr-defined]


def _parse_time(value: str, label: str) -> dt.time:
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", value or "")
    if not match:
        raise forms.ValidationError(f"Enter the {label} as hours and minutes, like 09:30")
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        raise forms.ValidationError(f"Enter the {label} as a real time, like 14:00")
    return dt.time(hours, minutes)


def _trainer_label(user: Any) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.agency.name})" if user.agency_id else name


class SessionForm(GovukForm):
    date = GovukDateField(label="Date", allow_past=False, help_text="For example, 27 3 2027")
    start_time = forms.CharField(
        label="Start time", help_text="24-hour clock, for example 09:30", max_length=5
    )
    end_time = forms.CharField(
        label="End time", help_text="24-hour clock, for example 16:00", max_length=5
    )
    venue = forms.CharField(label="Venue", required=False, max_length=300)
    joining_link = forms.URLField(
        label="Joining link",
        required=False,
        assume_scheme="https",
        help_text="For a virtual session, the link attendees use to join",
        error_messages={"invalid": "Enter the joining link as a web address, like https://…"},
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Enter how many places the session has",
            "invalid": "Enter the number of places as a whole number, like 20",
            "min_value": "The session must have at least 1 place",
        },
    )
    trainer = forms.ModelChoiceField(
        label="Trainer with a Sightline account",
        queryset=User.objects.none(),
        required=False,
        empty_label="None: the trainer has no account",
        help_text="They can take the session's register",
    )
    trainer_name = forms.CharField(
        label="Trainer's name as shown to attendees",
        required=False,
        max_length=200,
        help_text="For a trainer without an account, or to show a different name",
    )

    def __init__(self, *args: Any, allow_past: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainers = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["trainer"].queryset = trainers  # type: ignore[attr-defined]
        self.fields["trainer"].label_from_instance = _trainer_label  # type: ignore[attr-defined]
        self.fields["date"].allow_past = allow_past  # type: ignore[attr-defined]
        for name in ("start_time", "end_time"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-5"
        self.fields["capacity"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def clean_start_time(self) -> dt.time:
        return _parse_time(self.cleaned_data["start_time"], "start time")

    def clean_end_time(self) -> dt.time:
        return _parse_time(self.cleaned_data["end_time"], "end time")

    def session_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": dt.datetime.combine(data["date"], data["start_time"], tzinfo=LONDON),
            "ends_at": dt.datetime.combine(data["date"], data["end_time"], tzinfo=LONDON),
            "capacity": data["capacity"],
            "venue": data["venue"],
            "joining_link": data["joining_link"],
            "trainer_name": data["trainer_name"],
            "trainer": data["trainer"],
        }

    @staticmethod
    def session_values(data: dict[str, Any]) -> dict[str, Any]:
        """The session's values from the answers the form accepted (for the service's checks:
        a value the form refused is left out)."""
        values: dict[str, Any] = {
            name: data[name]
            for name in ("capacity", "venue", "joining_link", "trainer_name", "trainer")
            if name in data
        }
        if all(data.get(name) for name in ("date", "start_time", "end_time")):
            values["starts_at"] = dt.datetime.combine(
                data["date"], data["start_time"], tzinfo=LONDON
            )
            values["ends_at"] = dt.datetime.combine(data["date"], data["end_time"], tzinfo=LONDON)
        return values

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "date": starts.date(),
            "start_time": f"{starts:%H:%M}",
            "end_time": f"{ends:%H:%M}",
            "venue": session.venue,
            "joining_link": session.joining_link,
            "capacity": session.capacity,
            "trainer_name": session.trainer_name,
            "trainer": session.trainer_id,
        }


class SessionCancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        help_text="Everyone booked is told this reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the session is cancelled"},
    )


class BookingForm(GovukForm):
    confidence_before = forms.TypedChoiceField(
        label="Before the training, how confident do you feel about this subject?",
        help_text="We ask again after the session to see what difference it made",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how confident you feel, from 1 to 5"},
    )


class EvaluationForm(GovukForm):
    confidence_after = forms.TypedChoiceField(
        label="Now that you have attended, how confident do you feel about this subject?",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how confident you feel, from 1 to 5"},
    )
    comments = forms.CharField(
        label="Anything else about the session (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpForm(GovukForm):
    practice_change = forms.CharField(
        label="What have you done differently in your practice since the training?",
        help_text="For example, a question you now ask, a check you now make, or who you now "
        "share information with. Do not name children or families.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Tell us what you have done differently since the training"},
    )


def month_choices(today: dt.date, months: int = 12) -> list[tuple[str, str]]:
    choices = [("", "All upcoming")]
    year, month = today.year, today.month
    for _ in range(months):
        choices.append((f"{year}-{month:02d}", dt.date(year, month, 1).strftime("%B %Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


class CalendarFilterForm(GovukForm):
    month = forms.ChoiceField(label="Month", required=False)
    theme = forms.ModelChoiceField(
        label="Review theme",
        queryset=Theme.objects.filter(active=True),
        required=False,
        empty_label="All themes",
    )
    mode = forms.ChoiceField(
        label="How it is delivered",
        required=False,
        choices=[("", "Any way"), *Course.Mode.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(  # type: ignore[attr-defined]
            timezone.localdate()
        )

    def month_date(self) -> dt.date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)


class ChargesFilterForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.all(), required=False, empty_label="All agencies"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *NonAttendanceCharge.Status.choices],
    )


class ReportFilterForm(GovukForm):
    date_from = GovukDateField(label="Sessions from", required=False, allow_future=False)
    date_to = GovukDateField(label="Sessions up to", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "Sessions up to must be the same as or after sessions from")
        return data


def register_form(bookings: list[Booking], data: Any = None) -> GovukForm:
    """One radios question per person on the register."""
    form = GovukForm(data)
    choices = [
        (Booking.Attendance.ATTENDED, "Attended"),
        (Booking.Attendance.DID_NOT_ATTEND, "Did not attend"),
        (Booking.Attendance.CANCELLED_LATE, "Cancelled late"),
    ]
    for booking in bookings:
        agency = booking.agency.name if booking.agency else "no agency"
        field = forms.ChoiceField(
            label=f"{booking.attendee.get_full_name() or booking.attendee.username} ({agency})",
            choices=choices,
            widget=forms.RadioSelect,
            initial=booking.attendance or None,
            error_messages={"required": "Select attended, did not attend or cancelled late"},
        )
        field.widget.attrs["class"] = "govuk-radios__input"
        field.widget.template_name = "govuk/widgets/radios.html"
        form.fields[f"attendance_{booking.pk}"] = field
    return form


class ChargeInvoiceForm(GovukForm):
    invoice_reference = forms.CharField(
        label="Invoice number",
        max_length=60,
        error_messages={"required": "Enter the invoice number from the finance system"},
    )
    invoiced_on = GovukDateField(label="Date invoiced", allow_future=False)


class ChargePaidForm(GovukForm):
    paid_on = GovukDateField(label="Date paid", allow_future=False)


class CourseEditForm(VersionedFormMixin, CourseForm):
    """Changing a course, with the version it was read at."""


class SessionEditForm(VersionedFormMixin, SessionForm):
    """Changing a session, with the version it was read at."""
