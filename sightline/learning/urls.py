from django.urls import path

from sightline.learning.views import finance, manage, practitioner

app_name = "learning"
urlpatterns = [
    path("", practitioner.calendar, name="calendar"),
    path("sessions/<int:session_id>/", practitioner.session_detail, name="session"),
    path("sessions/<int:session_id>/book/", practitioner.book, name="book"),
    path("my-bookings/", practitioner.my_bookings, name="my-bookings"),
    path("bookings/<int:booking_id>/", practitioner.booking_detail, name="booking"),
    path(
        "bookings/<int:booking_id>/cancel/",
        practitioner.booking_cancel_view,
        name="booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/evaluation/",
        practitioner.booking_evaluate_view,
        name="booking-evaluate",
    ),
    path(
        "bookings/<int:booking_id>/follow-up/",
        practitioner.booking_follow_up_view,
        name="booking-follow-up",
    ),
    path("manage/", manage.manage, name="manage"),
    path("manage/courses/new/", manage.course_new, name="course-new"),
    path("manage/courses/<int:course_id>/", manage.course_detail, name="course"),
    path("manage/courses/<int:course_id>/edit/", manage.course_edit, name="course-edit"),
    path("manage/courses/<int:course_id>/sessions/new/", manage.session_new, name="session-new"),
    path("manage/sessions/<int:session_id>/edit/", manage.session_edit, name="session-edit"),
    path(
        "manage/sessions/<int:session_id>/cancel/",
        manage.session_cancel_view,
        name="session-cancel",
    ),
    path("sessions/<int:session_id>/bookings/", manage.session_bookings, name="session-bookings"),
    path("sessions/<int:session_id>/register/", manage.register, name="register"),
    path("charges/", finance.charges, name="charges"),
    path("charges/<int:charge_id>/invoice/", finance.charge_invoice_view, name="charge-invoice"),
    path("charges/<int:charge_id>/paid/", finance.charge_paid_view, name="charge-paid"),
    path("reports/", finance.reports, name="reports"),
    path("reports/<slug:slug>/", finance.report, name="report"),
]
