from django.urls import path

from sightline.frontdoor.views import practitioner, public

urlpatterns = [
    path("report-a-concern/", public.start, name="concern-start"),
    path("report-a-concern/check-your-answers/", public.check_answers, name="concern-check"),
    path("report-a-concern/sent/", public.sent, name="concern-sent"),
    path("report-a-concern/<slug:step>/", public.question, name="concern-step"),
    path("front-door/contacts/new/", practitioner.contact_new, name="contact-new"),
    path(
        "front-door/contacts/new/sent/<str:reference>/",
        practitioner.contact_sent,
        name="contact-sent",
    ),
]
