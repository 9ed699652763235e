"""Pages with personal data are never kept by a browser or a proxy.

Every page a signed-in user sees may carry personal data (a person's record, a search, an
alert, a queue of contacts), and so may every API answer: each is sent with
`Cache-Control: no-store`, so the back button on a shared computer after signing out, or a
caching proxy, shows nothing. Public pages and static files keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PersonalDataNotCachedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
