"""Case review pages: serious incidents, rapid reviews and local practice reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.problems import refuse
from sightline.partnership import selectors
from sightline.partnership.forms import (
    ChildSearchForm,
    DecisionForm,
    IncidentForm,
    InformationAnswerForm,
    InformationRequestForm,
    InformationReturnForm,
    MilestoneDoneForm,
    MilestoneForm,
    NotifyForm,
    PanelResponseForm,
    PracticeReviewEditForm,
    PracticeReviewForm,
)
from sightline.partnership.models import PracticeReviewMilestone
from sightline.partnership.services import reviews as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)
from sightline.people.selectors import people_search, persons_visible_to


def _incidents_crumbs() -> Crumbs:
    return [*home_crumbs(), ("Serious incidents", reverse("partnership:incidents"))]


def _rapid_crumbs(review: Any) -> Crumbs:
    return [
        *home_crumbs(),
        ("Rapid reviews", reverse("partnership:rapid-reviews")),
        (str(review.incident.reference), reverse("partnership:rapid-review", args=[review.pk])),
    ]


def _practice_crumbs(review: Any = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Practice reviews", reverse("partnership:practice-reviews"))]
    if review is not None:
        crumbs.append((review.title, reverse("partnership:practice-review", args=[review.pk])))
    return crumbs


# --- Serious incidents -------------------------------------------------------------------


@manager_view
@require_GET
def incidents(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/incidents.html",
        {
            "incidents": selectors.incidents_list(user=request.user),
            "crumbs": home_crumbs(),
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def incident_new(request: SignedInRequest) -> HttpResponse:
    search_form = ChildSearchForm(request.GET if "name" in request.GET else None)
    found = None
    if search_form.is_valid():
        found = people_search(user=request.user, name=search_form.cleaned_data["name"]).visible
    child_id = request.POST.get("child_id") or request.GET.get("child")
    child = None
    if child_id and str(child_id).isdigit():
        child = persons_visible_to(request.user).filter(pk=int(child_id)).first()
    form = IncidentForm(request.POST or None, initial={"child_id": child.pk if child else None})

    def save(data: dict[str, Any]) -> Any:
        data.pop("child_id", None)
        return services.serious_incident_create(actor=request.user, child=child, **data)

    return form_page(
        request,
        form=form,
        checks=lambda data: refuse(
            services.serious_incident_problems(actor=request.user, child=child, **data)
        ),
        save=save,
        success="Serious incident recorded.",
        next_url=lambda incident: reverse("partnership:incident", args=[incident.pk]),
        title="Record a serious incident",
        crumbs=_incidents_crumbs(),
        submit="Record incident",
        template="partnership/incident_new.html",
        extra={"search_form": search_form, "found": found, "child": child},
    )


@manager_view
@require_GET
def incident(request: SignedInRequest, incident_id: int) -> HttpResponse:
    found = selectors.incident_get(user=request.user, incident_id=incident_id)
    return render(
        request,
        "partnership/incident.html",
        {"incident": found, "crumbs": _incidents_crumbs(), "today": timezone.localdate()},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def incident_notify(request: SignedInRequest, incident_id: int) -> HttpResponse:
    found = selectors.incident_get(user=request.user, incident_id=incident_id)
    return form_page(
        request,
        form=NotifyForm(request.POST or None),
        checks=lambda data: refuse(
            services.serious_incident_notify_problems(incident=found, **data)
        ),
        save=lambda data: services.serious_incident_notify(
            actor=request.user, incident=found, **data
        ),
        success="Notification to the national panel recorded.",
        next_url=reverse("partnership:incident", args=[found.pk]),
        title="Record the notification to the national panel",
        caption=found.reference,
        intro=f"The notification is due by {found.notification_due_on:%-d %B %Y}.",
        crumbs=[
            *_incidents_crumbs(),
            (found.reference, reverse("partnership:incident", args=[found.pk])),
        ],
        submit="Record notification",
    )


@manager_view
@require_POST
def rapid_review_start(request: SignedInRequest, incident_id: int) -> HttpResponse:
    found = selectors.incident_get(user=request.user, incident_id=incident_id)
    try:
        review = services.rapid_review_start(actor=request.user, incident=found)
    except ValidationError as error:
        return render(
            request,
            "partnership/incident.html",
            {
                "incident": found,
                "crumbs": _incidents_crumbs(),
                "today": timezone.localdate(),
                "start_errors": error.messages,
            },
            status=400,
        )
    messages.success(request, f"Rapid review started. It is due by {review.due_on:%-d %B %Y}.")
    return redirect("partnership:rapid-review", review.pk)


# --- Rapid reviews -------------------------------------------------------------------------


@manager_view
@require_GET
def rapid_reviews(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/rapid_reviews.html",
        {
            "reviews": selectors.rapid_reviews_list(user=request.user),
            "crumbs": home_crumbs(),
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_GET
def rapid_review(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.rapid_review_get(user=request.user, review_id=review_id)
    return render(
        request,
        "partnership/rapid_review.html",
        {
            "review": review,
            "awaited": services.information_awaited(review),
            "crumbs": [*home_crumbs(), ("Rapid reviews", reverse("partnership:rapid-reviews"))],
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def information_request_new(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.rapid_review_get(user=request.user, review_id=review_id)
    return form_page(
        request,
        form=InformationRequestForm(request.POST or None),
        checks=lambda data: refuse(
            services.information_request_problems(rapid_review=review, **data)
        ),
        save=lambda data: services.rapid_review_request_information(
            actor=request.user, rapid_review=review, **data
        ),
        success="Agency asked for its information.",
        next_url=reverse("partnership:rapid-review", args=[review.pk]),
        title="Ask an agency for its information",
        caption=f"Rapid review {review.incident.reference}",
        intro=f"The rapid review is due by {review.due_on:%-d %B %Y}.",
        crumbs=_rapid_crumbs(review),
        submit="Send request",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def information_return(request: SignedInRequest, request_id: int) -> HttpResponse:
    info = selectors.information_request_get(user=request.user, request_id=request_id)
    review = info.rapid_review
    if info.returned_on:
        messages.info(request, f"The return from {info.agency.name} is already recorded.")
        return redirect("partnership:information-request", info.pk)
    return form_page(
        request,
        form=InformationReturnForm(request.POST or None),
        checks=lambda data: refuse(services.information_return_problems(request=info, **data)),
        save=lambda data: services.rapid_review_record_return(
            actor=request.user, request=info, **data
        ),
        success=f"Return from {info.agency.name} recorded.",
        next_url=reverse("partnership:rapid-review", args=[review.pk]),
        title=f"Record the return from {info.agency.name}",
        caption=f"Rapid review {review.incident.reference}",
        intro="For a return the agency sent another way; its named lead can answer in Sightline.",
        crumbs=_rapid_crumbs(review),
        submit="Record return",
    )


def _awaited_warning(awaited: list[str]) -> str:
    if not awaited:
        return ""
    names = ", ".join(awaited[:-1]) + (" and " if len(awaited) > 1 else "") + awaited[-1]
    verb = "has" if len(awaited) == 1 else "have"
    return (
        f"{names} {verb} not returned {'its' if len(awaited) == 1 else 'their'} information "
        "yet. You can record the decision now; say in the rationale how the missing "
        "information was accounted for."
    )


@manager_view
@require_http_methods(["GET", "POST"])
def rapid_review_decision(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.rapid_review_get(user=request.user, review_id=review_id)
    if review.decided_on:
        messages.info(request, "The rapid review has already reached its decision.")
        return redirect("partnership:rapid-review", review.pk)
    awaited = services.information_awaited(review)
    success = "Rapid review decision recorded."
    if awaited:
        success += f" Returns still awaited from {', '.join(awaited)}."
    return form_page(
        request,
        form=DecisionForm(request.POST or None),
        checks=lambda data: refuse(
            services.rapid_review_decision_problems(rapid_review=review, **data)
        ),
        save=lambda data: services.rapid_review_decide(
            actor=request.user,
            rapid_review=review,
            meeting_on=data["meeting_on"],
            decision=data["decision"],
            rationale=data["decision_rationale"],
        ),
        success=success,
        next_url=reverse("partnership:rapid-review", args=[review.pk]),
        title="Record the rapid review decision",
        caption=f"Rapid review {review.incident.reference}",
        crumbs=_rapid_crumbs(review),
        submit="Record decision",
        extra={"warning": _awaited_warning(awaited)},
    )


# --- The agencies' side: information asked of them ----------------------------------------


def _requests_crumbs() -> Crumbs:
    return [
        *home_crumbs(),
        ("Rapid review information requests", reverse("partnership:information-requests")),
    ]


@area_view
@require_GET
def information_requests(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/information_requests.html",
        {
            "requests": selectors.information_requests_visible_to(request.user),
            "crumbs": home_crumbs(),
            "today": timezone.localdate(),
            "manager": request.user.has_perm("partnership.manage"),
        },
    )


@area_view
@require_GET
def information_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    info = selectors.information_request_get(user=request.user, request_id=request_id)
    return render(
        request,
        "partnership/information_request.html",
        {
            "info": info,
            "crumbs": _requests_crumbs(),
            "today": timezone.localdate(),
            "manager": request.user.has_perm("partnership.manage"),
            "may_answer": request.user.has_perm("partnership.answer_information_request", info)
            and not info.returned_on,
            "agency_leads": selectors.agency_leads(agency_id=info.agency_id),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def information_request_answer(request: SignedInRequest, request_id: int) -> HttpResponse:
    info = selectors.information_request_get(user=request.user, request_id=request_id)
    if not request.user.has_perm("partnership.answer_information_request", info):
        raise PermissionDenied(
            "Only the named lead of the agency asked answers this request; you may view it."
        )
    if info.returned_on:
        messages.info(request, "Your agency's information has already been returned.")
        return redirect("partnership:information-request", info.pk)
    return form_page(
        request,
        form=InformationAnswerForm(request.POST or None),
        checks=lambda data: refuse(services.information_answer_problems(request=info, **data)),
        save=lambda data: services.information_request_answer(
            actor=request.user, request=info, **data
        ),
        success="Your agency's information has been sent to the partnership.",
        next_url=reverse("partnership:information-request", args=[info.pk]),
        title="Give your agency's information for the rapid review",
        caption=f"Due by {info.due_on:%-d %B %Y}",
        intro=info.question,
        crumbs=[
            *_requests_crumbs(),
            (
                info.rapid_review.incident.reference,
                reverse("partnership:information-request", args=[info.pk]),
            ),
        ],
        submit="Send information",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def rapid_review_panel_response(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.rapid_review_get(user=request.user, review_id=review_id)
    return form_page(
        request,
        form=PanelResponseForm(request.POST or None),
        checks=lambda data: refuse(services.panel_response_problems(rapid_review=review, **data)),
        save=lambda data: services.rapid_review_record_panel_response(
            actor=request.user,
            rapid_review=review,
            response=data["panel_response"],
            responded_on=data["panel_responded_on"],
        ),
        success="The national panel's response is recorded.",
        next_url=reverse("partnership:rapid-review", args=[review.pk]),
        title="Record the national panel's response",
        caption=f"Rapid review {review.incident.reference}",
        crumbs=_rapid_crumbs(review),
        submit="Record response",
    )


# --- Practice reviews ----------------------------------------------------------------------


@manager_view
@require_GET
def practice_reviews(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/practice_reviews.html",
        {
            "reviews": selectors.practice_reviews_list(user=request.user),
            "crumbs": home_crumbs(),
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def practice_review_new(request: SignedInRequest) -> HttpResponse:
    rapid = None
    rapid_id = request.GET.get("rapid_review", "")
    if rapid_id.isdigit():
        rapid = selectors.rapid_review_get(user=request.user, review_id=int(rapid_id))
    initial = {"decided_on": rapid.decided_on} if rapid else {}
    return form_page(
        request,
        form=PracticeReviewForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.practice_review_problems(rapid_review=rapid, **data)),
        save=lambda data: services.practice_review_create(
            actor=request.user, rapid_review=rapid, **data
        ),
        success="Practice review commissioned.",
        next_url=lambda review: reverse("partnership:practice-review", args=[review.pk]),
        title="Commission a local child safeguarding practice review",
        caption=f"After rapid review {rapid.incident.reference}" if rapid else "",
        crumbs=_practice_crumbs(),
        submit="Commission review",
    )


@manager_view
@require_GET
def practice_review(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.practice_review_get(user=request.user, review_id=review_id)
    return render(
        request,
        "partnership/practice_review.html",
        {
            "review": review,
            "crumbs": _practice_crumbs(),
            "today": timezone.localdate(),
            "done_form": MilestoneDoneForm(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def practice_review_edit(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.practice_review_get(user=request.user, review_id=review_id)
    initial = {name: getattr(review, name) for name in services.PRACTICE_REVIEW_FIELDS} | {
        "agencies": list(review.agencies.all()),
        "version": review.version,
    }
    return form_page(
        request,
        form=PracticeReviewEditForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.practice_review_update_problems(review=review, **data)),
        save=lambda data: services.practice_review_update(
            actor=request.user, review=review, **data
        ),
        success="Practice review updated.",
        next_url=reverse("partnership:practice-review", args=[review.pk]),
        title="Update the practice review",
        caption=review.title,
        crumbs=_practice_crumbs(review),
    )


@manager_view
@require_http_methods(["GET", "POST"])
def milestone_new(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.practice_review_get(user=request.user, review_id=review_id)
    return form_page(
        request,
        form=MilestoneForm(request.POST or None),
        checks=lambda data: refuse(services.milestone_problems(review=review, **data)),
        save=lambda data: services.practice_review_milestone_add(
            actor=request.user, review=review, **data
        ),
        success="Added to the review's plan.",
        next_url=reverse("partnership:practice-review", args=[review.pk]),
        title="Add a milestone or practitioner event",
        caption=review.title,
        crumbs=_practice_crumbs(review),
        submit="Add",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def milestone_done(request: SignedInRequest, milestone_id: int) -> HttpResponse:
    milestone = get_object_or_404(
        PracticeReviewMilestone.objects.select_related("review"), pk=milestone_id
    )
    review = milestone.review
    return form_page(
        request,
        form=MilestoneDoneForm(request.POST or None),
        checks=lambda data: refuse(services.milestone_done_problems(review=review, **data)),
        save=lambda data: services.practice_review_milestone_complete(
            actor=request.user, milestone=milestone, **data
        ),
        success="Marked as done.",
        next_url=reverse("partnership:practice-review", args=[review.pk]),
        title=f"Mark as done: {milestone.description}",
        caption=review.title,
        crumbs=_practice_crumbs(review),
        submit="Mark as done",
    )
