"""The person page: who they are, their chronology, household, professionals and open work."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from sightline.accounts.models import User
from sightline.chronology.forms import TimelineFilterForm
from sightline.chronology.models import EventType
from sightline.chronology.panels import entry_disclosures, open_work_for
from sightline.chronology.selectors import (
    TimelineEntry,
    TimelineFacets,
    person_timeline,
    timeline_facets,
)
from sightline.core.pagination import paginate
from sightline.core.requests import SignedInRequest
from sightline.people.selectors import NeedsBreakGlass, PersonAccess, person_details, person_get

PER_PAGE = 50


def _open(request: SignedInRequest, person_id: int, purpose: str) -> PersonAccess | HttpResponse:
    """The person for this user, or a redirect to give a reason when they have no relationship."""
    try:
        return person_get(user=request.user, person_id=person_id, purpose=purpose)
    except NeedsBreakGlass:
        url = reverse("people:break-glass", args=[person_id])
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


# The chronology's rows, written here rather than in the template: a page shows 50 of them
# (a printout, every one), and filling them in Python costs a fraction of rendering them tag by
# tag. The table around them is chronology/includes/timeline_table.html. Every value is
# escaped as django.utils.html.escape does (html.escape), without its lazy-string wrapper per
# value; the summary is already escaped, its line breaks turned into <br>, and shown whole (on
# screen and in print). A step recorded with a date only shows no time.
TIMELINE_ROW = (
    '<tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><time datetime="{}">{}{}</time></td>\n'
    '      <td class="govuk-table__cell"><strong>{}</strong><br>{}</td>\n'
    '      <td class="govuk-table__cell">{}<br>'
    '<span class="govuk-hint govuk-!-font-size-16">{}</span></td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>"
)


def _timeline_rows(entries: list[TimelineEntry], user: User) -> SafeString:
    row = TIMELINE_ROW.format
    # Details only some readers may see (panels.register_entry_disclosure), after the summary.
    disclosed = entry_disclosures(user=user, event_ids=[entry.pk for entry in entries])
    return SafeString(
        "\n    ".join(
            row(
                escape(entry.when_iso),
                escape(entry.day),
                f"<br>{escape(entry.time)}" if entry.time else "",
                escape(entry.what),
                entry.summary  # escaped already
                + (
                    f"<br><strong>{escape(disclosed[entry.pk])}</strong>"
                    if entry.pk in disclosed
                    else ""
                ),
                escape(entry.agency),
                escape(entry.recorded_by),
                escape(entry.roles),
            )
            for entry in entries
        )
    )


def _filter_form(request: HttpRequest, facets: TimelineFacets) -> TimelineFilterForm:
    submitted = any(key.startswith(tuple(TimelineFilterForm.base_fields)) for key in request.GET)
    return TimelineFilterForm(
        request.GET if submitted else None, agencies=facets.agencies, types=facets.types
    )


def _describe(filters: dict[str, Any]) -> str:
    """The filters in words, for the printout ('Northmoor Police; Contact; from 1 April 2024')."""
    parts = []
    if filters.get("agency"):
        parts.append(filters["agency"].name)
    if filters.get("type"):
        parts.append(EventType(filters["type"]).label)
    if filters.get("date_from"):
        parts.append(f"from {filters['date_from']:%-d %B %Y}")
    if filters.get("date_to"):
        parts.append(f"to {filters['date_to']:%-d %B %Y}")
    return "; ".join(parts)


def _context(request: SignedInRequest, access: PersonAccess) -> dict[str, Any]:
    person = access.person
    facets = timeline_facets(person=person)
    form = _filter_form(request, facets)
    filters = form.filters
    return {
        "person": person,
        "access": access,
        "details": person_details(person=person),
        "form": form,
        "timeline": person_timeline(user=request.user, person=person, **filters),
        # Without dates, the filter choices' counts already say how many events there are.
        "count": (
            None
            if filters.get("date_from") or filters.get("date_to")
            else facets.count(agency=filters.get("agency"), type=filters.get("type"))
        ),
        "filtered": bool(filters),
        "filter_description": _describe(filters),
        "now": timezone.now(),
    }


@login_required
@require_GET
def person_page(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = _open(request, person_id, purpose="person page")
    if isinstance(access, HttpResponse):
        return access
    context = _context(request, access)
    # The paginator slices the timeline: one query for the page's rows.
    page = paginate(request, context.pop("timeline"), PER_PAGE, count=context.pop("count"))
    context["page"] = page
    context["timeline_rows"] = _timeline_rows(page.object_list, request.user)  # type: ignore[arg-type]
    context["caption"] = (
        f"Showing {page.start_index()} to {page.end_index()} of {page.paginator.count} "
        f"{'matching ' if context['filtered'] else ''}events, newest first"
    )
    context["open_work"] = open_work_for(user=request.user, person=access.person)
    context["print_query"] = request.GET.copy()
    context["print_query"].pop("page", None)
    return render(request, "chronology/person.html", context)


@login_required
@require_GET
def person_print(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = _open(request, person_id, purpose="print chronology")
    if isinstance(access, HttpResponse):
        return access
    context = _context(request, access)
    context.pop("count")
    context["events"] = events = context.pop("timeline")[:]
    context["timeline_rows"] = _timeline_rows(events, request.user)
    context["caption"] = (
        f"All {len(events)} {'matching ' if context['filtered'] else ''}events, newest first"
    )
    return render(request, "chronology/person_print.html", context)
