"""Sightline's URLs. The public concern form and /healthz need no sign-in; the rest do."""

from django.urls import include, path

from sightline.api import api

urlpatterns = [
    path("", include("sightline.core.urls")),
    path("accounts/", include("sightline.accounts.urls")),
    path("", include("sightline.people.urls")),
    path("", include("sightline.chronology.urls")),
    path("", include("sightline.frontdoor.urls")),
    path("", include("sightline.casework.urls")),
    path("", include("sightline.linkage.urls")),
    path("", include("sightline.feeds.urls")),
    path("", include("sightline.risk.urls")),
    path("", include("sightline.sharing.urls")),
    path("partnership/", include("sightline.partnership.urls")),
    path("training/", include("sightline.learning.urls")),
    path("", include("sightline.insight.urls")),
    path("api/v1/", api.urls),
]

# 403 and 404 use Django's handlers with Sightline's templates (403.html, 404.html in core);
# the 500 page is rendered without the database or the signed-in user.
handler500 = "sightline.core.views.server_error"
