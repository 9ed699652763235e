"""The HTTP API for agency systems: /api/v1/, OpenAPI at /api/v1/openapi.json."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from sightline.feeds.api import router as events_router
from sightline.frontdoor.api import router as contacts_router

api = NinjaAPI(
    title="Sightline API",
    version="1",
    description="Agency systems send contacts and feed events to Sightline. "
    "Authenticate with your agency's token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    # The interactive docs are for signed-in staff, with assets served by Sightline itself
    # ("ninja" in INSTALLED_APPS); the OpenAPI document stays public for agency systems.
    docs_decorator=login_required,
)
api.add_router("/contacts", contacts_router)
api.add_router("/events", events_router)
