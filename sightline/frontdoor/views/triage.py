"""The front door's pages: the queue, a contact, claiming, the child, the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.problems import refuse
from sightline.core.requests import SignedInRequest
from sightline.frontdoor import selectors
from sightline.frontdoor.forms_triage import (
    AuthoriseForm,
    ChildCreateForm,
    ChildSearchForm,
    DecisionForm,
    QueueFilterForm,
    ReassignForm,
)
from sightline.frontdoor.models import Contact
from sightline.frontdoor.services import decisions, triage
from sightline.people.models import Person
from sightline.people.selectors import people_search
from sightline.people.services import new_child_problems

VIEW_QUEUE = "frontdoor.view_queue"


TEMPLATES = "frontdoor/triage"


def front_door(view: Any) -> Any:
    """Signed in (else the sign-in page) and working at the front door (else 403)."""
    return login_required(permission_required(VIEW_QUEUE, raise_exception=True)(view))


def _contact_url(contact: Contact) -> str:
    return reverse("frontdoor:contact", args=[contact.pk])


def _error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# The queue's rows, written here rather than in the template: a page shows 50 of them, and
# filling them in Python costs a fraction of rendering them tag by tag. The table around them
# is in frontdoor/triage/queue.html. Every value is escaped by format_html_join.
QUEUE_ROW = (
    '<tr class="govuk-table__row" data-reference="{0}">\n'
    '      <th scope="row" class="govuk-table__header">'
    '<a class="govuk-link" href="{1}">{0}</a></th>\n'
    '      <td class="govuk-table__cell">{2}</td>\n'
    '      <td class="govuk-table__cell">{3}</td>\n'
    '      <td class="govuk-table__cell">{4}</td>\n'
    '      <td class="govuk-table__cell">{5}{6}</td>\n'
    '      <td class="govuk-table__cell">{7}</td>\n'
    '      <td class="govuk-table__cell">{8}</td>\n'
    "    </tr>"
)
NOT_IDENTIFIED = SafeString('<span class="govuk-hint govuk-!-margin-0">Not yet identified</span>')
URGENCY = {
    "immediate": SafeString('<strong class="govuk-tag govuk-tag--red">Immediate danger</strong>'),
    "today": SafeString('<strong class="govuk-tag govuk-tag--orange">Today</strong>'),
}
OVERDUE = SafeString(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')
AWAITING_DECISION = SafeString(
    '<strong class="govuk-tag govuk-tag--blue">Awaiting decision</strong>'
)
AWAITING_AUTHORISATION = SafeString(
    '<strong class="govuk-tag govuk-tag--yellow">Awaiting manager authorisation</strong>'
)
AUTHORISE_LINK = (
    '<br><a class="govuk-link" href="{}">Authorise'
    '<span class="govuk-visually-hidden"> {}</span></a>'
)


def _queue_rows(rows: list[selectors.QueueRow], *, can_authorise: bool) -> SafeString:
    def status(row: selectors.QueueRow) -> SafeString:
        if not row.awaiting_authorisation:
            return AWAITING_DECISION
        if not can_authorise:
            return AWAITING_AUTHORISATION
        return AWAITING_AUTHORISATION + format_html(
            AUTHORISE_LINK, row.authorise_url, row.reference
        )

    return format_html_join(
        "\n    ",
        QUEUE_ROW,
        (
            (
                row.reference,
                row.url,
                row.child_name or NOT_IDENTIFIED,
                row.received,
                URGENCY.get(row.urgency, "Not urgent"),
                row.due,
                OVERDUE if row.is_overdue else "",
                row.claimed_by or "Not yet claimed",
                status(row),
            )
            for row in rows
        ),
    )


@front_door
@require_GET
def queue(request: SignedInRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("show", selectors.Show.ALL)
    form = QueueFilterForm(data)
    filters = form.filters()
    page = selectors.contact_queue(
        user=request.user, page_number=request.GET.get("page", 1), **filters
    )
    query = request.GET.copy()
    query.pop("page", None)
    rows = _queue_rows(
        page.object_list,  # type: ignore[arg-type]  # the selector's QueueRows
        can_authorise=request.user.has_perm("frontdoor.authorise_decision"),
    )
    return render(
        request,
        f"{TEMPLATES}/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": query.urlencode(),
        },
    )


def _contact_context(request: SignedInRequest, contact: Contact) -> dict[str, Any]:
    history = (
        selectors.contacts_in_last_12_months(
            user=request.user, child=contact.child, before=contact.received_at
        )
        if contact.child is not None
        else []
    )
    now = timezone.now()
    return {
        "contact": contact,
        "now": now,
        "overdue": contact.status != Contact.Status.DECIDED and contact.decision_due_at < now,
        "described": selectors.described_child(contact),
        "decision": selectors.contact_decision(contact),
        "history": history,
        "returned": selectors.contact_last_return(contact),
    }


def _render_contact(
    request: SignedInRequest,
    contact: Contact,
    *,
    reassign_form: ReassignForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _contact_context(request, contact)
    context.update(
        {
            "requests": selectors.contact_information_requests(contact),
            "reassign_form": reassign_form or ReassignForm(initial={"to": contact.claimed_by_id}),
            "error": error,
        }
    )
    return render(request, f"{TEMPLATES}/contact.html", context, status=status)


@front_door
@require_GET
def contact_detail(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    return _render_contact(request, contact)


@front_door
@require_POST
def contact_claim(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    try:
        triage.contact_claim(actor=request.user, contact=contact)
    except ValidationError as error:
        return _render_contact(request, contact, error=_error_message(error), status=400)
    messages.success(request, f"You are now working on contact {contact.reference}.")
    return redirect(_contact_url(contact))


@front_door
@require_POST
def contact_reassign(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            triage.contact_reassign(actor=request.user, contact=contact, to=form.cleaned_data["to"])
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(
                request, f"Contact {contact.reference} is now with {form.cleaned_data['to']}."
            )
            return redirect(_contact_url(contact))
    return _render_contact(request, contact, reassign_form=form, status=400)


@front_door
@require_http_methods(["GET", "POST"])
def contact_identify_child(request: SignedInRequest, contact_id: int) -> HttpResponse:
    """Search for the child and choose them, or record a child Sightline does not know yet."""
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    if contact.child_id:
        messages.success(request, f"This contact is already about {contact.child}.")
        return redirect(_contact_url(contact))
    details = contact.child_details or {}
    described_name = f"{details.get('given_name', '')} {details.get('family_name', '')}".strip()
    search_form = ChildSearchForm(
        request.GET if "search" in request.GET else None,
        initial={"name": described_name, "postcode": details.get("postcode", "")},
        auto_id="search_%s",
    )
    create_form = ChildCreateForm(
        request.POST if request.POST.get("action") == "create" else None,
        prefix="new",
        checks=lambda given: refuse(new_child_problems(**ChildCreateForm.fields_of(given))),
        initial={
            "given_name": details.get("given_name", ""),
            "family_name": details.get("family_name", ""),
            "postcode": details.get("postcode", ""),
            "address_line": details.get("address") or details.get("address_line", ""),
        },
    )
    results = None
    error = ""
    if request.method == "POST" and request.POST.get("action") == "choose":
        person = Person.objects.filter(pk=request.POST.get("person_id") or 0).first()
        if person is None:
            raise Http404("No such person")
        try:
            triage.contact_identify_child(actor=request.user, contact=contact, child=person)
        except ValidationError as problem:
            error = _error_message(problem)
        else:
            messages.success(request, f"Contact {contact.reference} is now about {person}.")
            return redirect(_contact_url(contact))
    elif request.method == "POST" and create_form.is_valid():
        try:
            person = triage.contact_identify_new_child(
                actor=request.user, contact=contact, **create_form.person_fields()
            )
        except ValidationError as problem:
            create_form.add_errors_from(problem)
        else:
            messages.success(request, f"{person} is recorded and this contact is about them.")
            return redirect(_contact_url(contact))
    if search_form.is_bound and search_form.is_valid():
        data = search_form.cleaned_data
        results = people_search(
            user=request.user,
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            nhs_number=data["nhs_number"],
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        f"{TEMPLATES}/child.html",
        {
            "contact": contact,
            "search_form": search_form,
            "create_form": create_form,
            "results": results,
            "error": error,
            "described": selectors.described_child(contact),
        },
        status=status,
    )


@front_door
@permission_required("frontdoor.decide_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_decide(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    if contact.status != Contact.Status.AWAITING_DECISION:
        messages.success(request, f"Contact {contact.reference} already has a decision.")
        return redirect(_contact_url(contact))
    form = DecisionForm(
        request.POST or None,
        checks=lambda data: decisions.decision_check(contact=contact, **data),
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = decisions.contact_decide(
                actor=request.user, contact=contact, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            if contact.status == Contact.Status.AWAITING_AUTHORISATION:
                messages.success(
                    request,
                    "Decision recorded. The child had another contact in the last 12 months, "
                    "so a manager must authorise no further action.",
                )
            else:
                told = "" if contact.anonymous else " The referrer will be told the outcome."
                messages.success(
                    request, f"Decision recorded: {decision.get_outcome_display()}.{told}"
                )
            return redirect("frontdoor:queue")
    context = _contact_context(request, contact)
    requests = selectors.contact_information_requests(contact)
    awaited = [item.agency.name for item in requests if item.answered_at is None]
    context.update({"form": form, "requests": requests, "awaited": _in_words(awaited)})
    return render(request, f"{TEMPLATES}/decide.html", context, status=400 if form.errors else 200)


def _in_words(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@front_door
@permission_required("frontdoor.authorise_decision", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_authorise(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    decision = selectors.contact_decision(contact)
    if contact.status != Contact.Status.AWAITING_AUTHORISATION or decision is None:
        messages.success(request, f"Contact {contact.reference} has no decision to authorise.")
        return redirect(_contact_url(contact))
    form = AuthoriseForm(
        request.POST or None,
        checks=lambda data: refuse(decisions.authorisation_problems(decision=decision, **data)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == AuthoriseForm.AUTHORISE:
                decisions.decision_authorise(actor=request.user, decision=decision)
                message = "No further action authorised. The decision is final."
            else:
                decisions.decision_return(
                    actor=request.user, decision=decision, reason=form.cleaned_data["reason"]
                )
                message = f"Decision sent back to {decision.decided_by} to decide again."
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, message)
            return redirect("frontdoor:queue")
    context = _contact_context(request, contact)
    context.update({"form": form, "decision": decision})
    return render(
        request, f"{TEMPLATES}/authorise.html", context, status=400 if form.errors else 200
    )
