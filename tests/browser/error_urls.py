"""Sightline's URLs plus one that fails, for the 500 page's journey (tests only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sightline.urls import handler500, urlpatterns


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A failure planted by the error pages journey")


urlpatterns = [path("test-only/fails/", fails), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
