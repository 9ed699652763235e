from django.urls import path

from sightline.frontdoor.views import requests, triage

urlpatterns = [
    path("front-door/", triage.queue, name="queue"),
    path("front-door/contacts/<int:contact_id>/", triage.contact_detail, name="contact"),
    path("front-door/contacts/<int:contact_id>/claim/", triage.contact_claim, name="contact-claim"),
    path(
        "front-door/contacts/<int:contact_id>/reassign/",
        triage.contact_reassign,
        name="contact-reassign",
    ),
    path(
        "front-door/contacts/<int:contact_id>/child/",
        triage.contact_identify_child,
        name="contact-child",
    ),
    path(
        "front-door/contacts/<int:contact_id>/information-requests/new/",
        requests.request_new,
        name="request-new",
    ),
    path(
        "front-door/contacts/<int:contact_id>/decide/", triage.contact_decide, name="contact-decide"
    ),
    path(
        "front-door/contacts/<int:contact_id>/authorise/",
        triage.contact_authorise,
        name="contact-authorise",
    ),
    path("information-requests/", requests.inbox, name="requests"),
    path("information-requests/<int:request_id>/", requests.request_answer, name="request-answer"),
]
