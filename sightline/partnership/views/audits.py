"""Audits and challenge panels: the programme list (filtered, CSV, XLSX) or, for an agency
user, their audit tasks; the audit tool, cases and auditors, grading, and findings that become
actions in the thematic plan."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import reports
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms import ActionForm
from sightline.partnership.forms_governance import (
    AuditFilterForm,
    AuditProgrammeForm,
    AuditQuestionForm,
    CaseAuditForm,
    CaseGradeForm,
    FindingForm,
)
from sightline.partnership.governance_reports import AUDIT_COLUMNS, audit_rows
from sightline.partnership.services import audits as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)
from sightline.partnership.views.plan import _export_query


def _crumbs(programme: object = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Audits", reverse("partnership:audits"))]
    if programme is not None:
        crumbs.append((str(programme), reverse("partnership:audit", args=[programme.pk])))  # type: ignore[attr-defined]
    return crumbs


@area_view
@require_GET
def audits(request: SignedInRequest) -> HttpResponse:
    if not request.user.has_perm("partnership.manage"):
        return render(
            request,
            "partnership/audit_tasks.html",
            {"cases": selectors.case_audits_visible_to(request.user), "crumbs": home_crumbs()},
        )
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilter()
    described: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilter(
            theme=data.get("theme"),
            kind=data.get("kind") or "",
            subgroup_id=data["subgroup"].pk if data.get("subgroup") else None,
        )
        described = {k: str(v) for k, v in data.items() if v not in (None, "")}
    programmes = selectors.audit_programmes(user=request.user, filters=filters)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return reports.export(
            user=request.user,
            what="audits",
            fmt=fmt,
            columns=AUDIT_COLUMNS,
            rows=audit_rows(list(programmes.prefetch_related("cases__auditors__agency"))),
            filters=described,
        )
    return render(
        request,
        "partnership/audits.html",
        {
            "programmes": programmes,
            "filter_form": form,
            "crumbs": home_crumbs(),
            "csv_query": _export_query(request, "csv"),
            "xlsx_query": _export_query(request, "xlsx"),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def audit_new(request: SignedInRequest) -> HttpResponse:
    return form_page(
        request,
        form=AuditProgrammeForm(request.POST or None),
        checks=lambda data: refuse(services.audit_programme_problems(**data)),
        save=lambda data: services.audit_programme_create(actor=request.user, **data),
        success="Audit added to the programme.",
        next_url=lambda item: reverse("partnership:audit", args=[item.pk]),
        title="Plan an audit or challenge panel",
        crumbs=_crumbs(),
        submit="Add audit",
    )


@manager_view
@require_GET
def audit(request: SignedInRequest, programme_id: int) -> HttpResponse:
    item = selectors.audit_programme_get(user=request.user, programme_id=programme_id)
    return render(request, "partnership/audit.html", {"programme": item, "crumbs": _crumbs()})


@manager_view
@require_http_methods(["GET", "POST"])
def audit_question_new(request: SignedInRequest, programme_id: int) -> HttpResponse:
    item = selectors.audit_programme_get(user=request.user, programme_id=programme_id)
    return form_page(
        request,
        form=AuditQuestionForm(request.POST or None),
        checks=lambda data: refuse(services.audit_question_problems(programme=item, **data)),
        save=lambda data: services.audit_question_add(actor=request.user, programme=item, **data),
        success="Question added to the audit tool.",
        next_url=reverse("partnership:audit", args=[item.pk]),
        title="Add a question to the audit tool",
        caption=item.title,
        crumbs=_crumbs(item),
        submit="Add question",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def case_audit_new(request: SignedInRequest, programme_id: int) -> HttpResponse:
    item = selectors.audit_programme_get(user=request.user, programme_id=programme_id)
    return form_page(
        request,
        form=CaseAuditForm(request.POST or None),
        checks=lambda data: refuse(services.case_audit_problems(programme=item, **data)),
        save=lambda data: services.case_audit_add(actor=request.user, programme=item, **data),
        success="Case added. Its auditors will find it under their audit tasks.",
        next_url=reverse("partnership:audit", args=[item.pk]),
        title="Add a case and its auditors",
        caption=item.title,
        crumbs=_crumbs(item),
        submit="Add case",
    )


@area_view
@require_http_methods(["GET", "POST"])
def case_audit(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = selectors.case_audit_get(user=request.user, case_id=case_id)
    if not request.user.has_perm("partnership.grade_audit", case):
        raise PermissionDenied("Only the case's auditors and the partnership grade this audit.")
    questions = list(case.programme.questions.all())
    answers = {a.question_id: a for a in case.answers.all()}
    initial: dict[str, object] = {"overall_grade": case.overall_grade, "summary": case.summary}
    for question in questions:
        if question.pk in answers:
            initial[f"grade_{question.pk}"] = answers[question.pk].grade
            initial[f"comment_{question.pk}"] = answers[question.pk].comment
    form = CaseGradeForm(request.POST or None, initial=initial, questions=questions)
    manager = request.user.has_perm("partnership.manage")
    crumbs = (
        _crumbs(case.programme)
        if manager
        else [
            *home_crumbs(),
            ("Audit tasks", reverse("partnership:audits")),
        ]
    )
    return form_page(
        request,
        form=form,
        checks=lambda data: refuse(
            services.case_grade_problems(
                case=case,
                grades={pk: data[name] for pk, name, _ in form.question_fields if name in data},
                overall_grade=data.get("overall_grade"),
                summary=data.get("summary"),
                every_question=False,
            )
        ),
        save=lambda data: services.case_audit_grade(
            actor=request.user,
            case=case,
            grades=form.grades(),
            comments=form.comments(),
            overall_grade=data["overall_grade"],
            summary=data["summary"],
        ),
        success="Grades saved.",
        next_url=reverse("partnership:case-audit", args=[case.pk]),
        title=f"Case audit: {case.case_reference}",
        caption=f"{case.programme.title} ({case.programme.theme})",
        intro=f"Auditors: {case.auditor_agencies}. Grade each question and the case overall: "
        "good, requires improvement or inadequate.",
        crumbs=crumbs,
        submit="Save grades",
        template="partnership/case_audit.html",
        extra={"case": case},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def finding_new(request: SignedInRequest, programme_id: int) -> HttpResponse:
    item = selectors.audit_programme_get(user=request.user, programme_id=programme_id)
    return form_page(
        request,
        form=FindingForm(request.POST or None),
        checks=lambda data: refuse(services.audit_finding_problems(**data)),
        save=lambda data: services.audit_finding_record(actor=request.user, programme=item, **data),
        success="Finding recorded.",
        next_url=reverse("partnership:audit", args=[item.pk]),
        title="Record a finding",
        caption=item.title,
        crumbs=_crumbs(item),
        submit="Record finding",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def finding_action(request: SignedInRequest, finding_id: int) -> HttpResponse:
    finding = selectors.audit_finding_get(user=request.user, finding_id=finding_id)
    return form_page(
        request,
        form=ActionForm(request.POST or None),
        checks=lambda data: refuse(services.finding_action_problems(finding=finding, **data)),
        save=lambda data: services.audit_finding_to_action(
            actor=request.user, finding=finding, **data
        ),
        success="The finding is now an action in the thematic plan.",
        next_url=lambda action: reverse("partnership:action", args=[action.pk]),
        title="Turn the finding into an action",
        caption=f"{finding.programme.title} ({finding.programme.theme})",
        intro=finding.text,
        crumbs=_crumbs(finding.programme),
        submit="Add to the plan",
    )
