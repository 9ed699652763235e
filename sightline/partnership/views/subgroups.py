"""Subgroups at work: terms of reference and chair, members by agency, meetings with
attendance and minutes, meeting actions, and the subgroup's printable summary for a period."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import reports
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms_governance import (
    MeetingActionDoneForm,
    MeetingActionForm,
    MeetingForm,
    MemberForm,
    PeriodForm,
    SubgroupEditForm,
)
from sightline.partnership.governance_reports import Quarter, SubgroupSummary, subgroup_summary
from sightline.partnership.services import subgroups as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    form_page,
    home_crumbs,
    manager_view,
)


def _crumbs(subgroup: object = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Subgroups", reverse("partnership:subgroups"))]
    if subgroup is not None:
        crumbs.append((str(subgroup), reverse("partnership:subgroup", args=[subgroup.pk])))  # type: ignore[attr-defined]
    return crumbs


@manager_view
@require_GET
def subgroup(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    item = selectors.subgroup_get(user=request.user, subgroup_id=subgroup_id)
    return render(
        request,
        "partnership/subgroup.html",
        {
            "subgroup": item,
            "members": [m for m in item.members.all() if m.current],
            "meetings": selectors.subgroup_meetings(subgroup=item),
            "crumbs": _crumbs(),
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def subgroup_edit(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    item = selectors.subgroup_get(user=request.user, subgroup_id=subgroup_id)
    initial = {
        "terms_of_reference": item.terms_of_reference,
        "chair": item.chair,
        "version": item.version,
    }
    return form_page(
        request,
        form=SubgroupEditForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.subgroup_update_problems(**data)),
        save=lambda data: services.subgroup_update(actor=request.user, subgroup=item, **data),
        success="Subgroup updated.",
        next_url=reverse("partnership:subgroup", args=[item.pk]),
        title="Terms of reference and chair",
        caption=item.name,
        crumbs=_crumbs(item),
    )


@manager_view
@require_http_methods(["GET", "POST"])
def member_new(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    item = selectors.subgroup_get(user=request.user, subgroup_id=subgroup_id)
    return form_page(
        request,
        form=MemberForm(request.POST or None),
        checks=lambda data: refuse(services.subgroup_member_problems(subgroup=item, **data)),
        save=lambda data: services.subgroup_member_add(actor=request.user, subgroup=item, **data),
        success="Member added.",
        next_url=reverse("partnership:subgroup", args=[item.pk]),
        title="Add a member",
        caption=item.name,
        crumbs=_crumbs(item),
        submit="Add member",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def meeting_new(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    item = selectors.subgroup_get(user=request.user, subgroup_id=subgroup_id)
    members = [m for m in item.members.all() if m.current]
    form = MeetingForm(request.POST or None, members=members)
    return form_page(
        request,
        form=form,
        checks=lambda data: refuse(
            services.subgroup_meeting_problems(
                subgroup=item,
                held_on=data.get("held_on"),
                minutes=data.get("minutes"),
                attendance={pk: data[name] for pk, name in form.member_fields if name in data},
            )
        ),
        save=lambda data: services.subgroup_meeting_record(
            actor=request.user,
            subgroup=item,
            held_on=data["held_on"],
            minutes=data["minutes"],
            attendance=form.attendance(),
        ),
        success="Meeting recorded.",
        next_url=lambda meeting: reverse("partnership:meeting", args=[meeting.pk]),
        title="Record a meeting",
        caption=item.name,
        intro="The minutes, and for each member whether they were present or sent apologies."
        if members
        else "Add the subgroup's members first to record their attendance.",
        crumbs=_crumbs(item),
        submit="Record meeting",
    )


@manager_view
@require_GET
def meeting(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return render(
        request,
        "partnership/meeting.html",
        {"meeting": item, "crumbs": _crumbs(item.subgroup), "today": timezone.localdate()},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def meeting_action_new(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return form_page(
        request,
        form=MeetingActionForm(request.POST or None, subgroup=item.subgroup),
        checks=lambda data: refuse(services.meeting_action_problems(meeting=item, **data)),
        save=lambda data: services.meeting_action_add(actor=request.user, meeting=item, **data),
        success="Action added.",
        next_url=reverse("partnership:meeting", args=[item.pk]),
        title="Add a meeting action",
        caption=str(item),
        crumbs=[
            *_crumbs(item.subgroup),
            ("Meeting", reverse("partnership:meeting", args=[item.pk])),
        ],
        submit="Add action",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def meeting_action_done(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.meeting_action_get(user=request.user, action_id=action_id)
    meeting_url = reverse("partnership:meeting", args=[item.meeting_id])
    return form_page(
        request,
        form=MeetingActionDoneForm(request.POST or None),
        checks=lambda data: refuse(services.meeting_action_done_problems(item=item, **data)),
        save=lambda data: services.meeting_action_complete(actor=request.user, item=item, **data),
        success="Action marked as done.",
        next_url=meeting_url,
        title="Mark the action done",
        intro=item.description,
        crumbs=[*_crumbs(item.meeting.subgroup), ("Meeting", meeting_url)],
        submit="Mark done",
    )


def _summary(request: SignedInRequest, subgroup_id: int) -> tuple[PeriodForm, SubgroupSummary]:
    """The subgroup's summary for the period asked for (this quarter unless a valid one is)."""
    item = selectors.subgroup_get(user=request.user, subgroup_id=subgroup_id)
    quarter = Quarter.containing(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"start": quarter.start, "end": quarter.end})
    start: dt.date = quarter.start
    end: dt.date = quarter.end
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, subgroup_summary(user=request.user, subgroup=item, start=start, end=end)


@manager_view
@require_GET
def subgroup_summary_report(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    form, summary = _summary(request, subgroup_id)
    return _summary_page(request, form, summary)


def _summary_page(
    request: SignedInRequest, form: PeriodForm, summary: SubgroupSummary
) -> HttpResponse:
    return render(
        request,
        "partnership/subgroup_summary.html",
        {"summary": summary, "form": form, "crumbs": _crumbs(summary.subgroup)},
    )


@manager_view
@require_GET
def subgroup_summary_pdf(request: SignedInRequest, subgroup_id: int) -> HttpResponse:
    """The same summary as a PDF, for the board papers."""
    form, summary = _summary(request, subgroup_id)
    if form.errors:
        return _summary_page(request, form, summary)  # the page says what is wrong
    return reports.pdf_download(
        user=request.user,
        what="subgroup_summary",
        template="partnership/subgroup_summary_pdf.html",
        context={"summary": summary},
        filename=f"{slugify(summary.subgroup.name)}-summary-{summary.start:%Y-%m-%d}-to-"
        f"{summary.end:%Y-%m-%d}",
        detail={
            "subgroup": summary.subgroup.pk,
            "start": summary.start.isoformat(),
            "end": summary.end.isoformat(),
        },
    )
