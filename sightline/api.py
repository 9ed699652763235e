"""The HTTP API for agency systems: /api/v1/, OpenAPI at /api/v1/openapi.json."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.openapi.views import openapi_view

from sightline.core.outages import database_unavailable
from sightline.feeds.api import openapi_schemas as feed_schemas
from sightline.feeds.api import router as events_router
from sightline.frontdoor.api import router as contacts_router


def _docs_behind_sign_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The interactive docs page needs a sign-in; the OpenAPI document stays open, for the
    agency systems that read it."""
    return login_required(view) if getattr(view, "func", None) is openapi_view else view


class SightlineAPI(NinjaAPI):
    """The API, whose OpenAPI document also holds the feed line's schema: the events endpoint
    reads its body itself (to check and report each event on its own), so django-ninja does
    not see the model its body is described by."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["schemas"].update(feed_schemas())
        return schema


api = SightlineAPI(
    title="Sightline API",
    version="1",
    description="Agency systems send contacts and feed events to Sightline. "
    "Authenticate with your agency's token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    # The interactive docs are for signed-in staff, with assets served by Sightline itself
    # ("ninja" in INSTALLED_APPS); the OpenAPI document stays public for agency systems.
    docs_decorator=_docs_behind_sign_in,
)
api.add_router("/contacts", contacts_router)
api.add_router("/events", events_router)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_away(request: HttpRequest, error: Exception) -> HttpResponse:
    """The database out of reach is 503 with Retry-After, in JSON: the agency system sends the
    same events again later (a resend is recognised, so nothing is imported twice)."""
    if not database_unavailable(error):
        raise error
    response = api.create_response(
        request,
        {
            "detail": "Sightline cannot reach its database. Send the same request again later: "
            "events already received are recognised and not imported twice."
        },
        status=503,
    )
    response["Retry-After"] = "60"
    return response
