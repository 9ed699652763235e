from django.conf import settings
from django.http import HttpRequest


def sightline(request: HttpRequest) -> dict[str, object]:
    return {"partnership_name": settings.PARTNERSHIP_NAME, "service_name": "Sightline"}
