"""Paging long lists, for the GOV.UK pagination component (templates/govuk/pagination.html)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def paginate(
    request: HttpRequest, items: object, per_page: int = PER_PAGE, count: int | None = None
) -> Page:
    """The requested page (the first for a bad number, the last past the end), with the page
    numbers to show (`elided_range`) for govuk/pagination.html.

    `count`, when the caller already knows how many items there are, saves counting them.
    """
    paginator: Paginator = Paginator(items, per_page)  # type: ignore[arg-type]
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # a cached_property, known already
    page = paginator.get_page(request.GET.get("page"))
    page.elided_range = list(  # type: ignore[attr-defined]
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
