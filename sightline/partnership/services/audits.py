"""Multi-agency case audits and challenge panels: the programme and its audit tool, the cases
and their auditors, the grades, and findings that become actions in the thematic plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.core.models import Theme
from sightline.partnership.models import (
    Action,
    AuditAnswer,
    AuditFinding,
    AuditProgramme,
    AuditQuestion,
    CaseAudit,
    Grade,
    Subgroup,
)
from sightline.partnership.rules import PARTNERSHIP_ROLES
from sightline.partnership.services import plan
from sightline.partnership.services.reviews import _require_manager

GRADE_WORDS = "good, requires improvement or inadequate"


@transaction.atomic
def audit_programme_create(
    *,
    actor: User,
    title: str,
    kind: str,
    theme: Theme | None,
    planned_on: dt.date | None,
    questions: Iterable[str] = (),
    subgroup: Subgroup | None = None,
    scope: str = "",
) -> AuditProgramme:
    _require_manager(actor)
    texts = [text.strip() for text in questions if text.strip()]
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the audit's title"
    if kind not in AuditProgramme.Kind.values:
        errors["kind"] = "Choose a case audit or a challenge panel"
    if theme is None:
        errors["theme"] = "Choose the theme the audit looks at"
    if planned_on is None:
        errors["planned_on"] = "Enter the date of the audit"
    if errors or theme is None or planned_on is None:
        raise ValidationError(errors)
    programme = AuditProgramme.objects.create(
        title=title.strip(),
        kind=kind,
        theme=theme,
        subgroup=subgroup,
        planned_on=planned_on,
        scope=scope.strip(),
        created_by=actor,
    )
    AuditQuestion.objects.bulk_create(
        AuditQuestion(programme=programme, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    )
    audit.record_change(
        actor=actor,
        action="audit.programme_created",
        target=programme,
        detail={"theme": theme.code, "questions": len(texts)},
    )
    return programme


@transaction.atomic
def audit_question_add(*, actor: User, programme: AuditProgramme, text: str) -> AuditQuestion:
    _require_manager(actor)
    if not text.strip():
        raise ValidationError({"text": "Enter the question"})
    if AuditAnswer.objects.filter(case_audit__programme=programme).exists():
        raise ValidationError("Cases have been graded: the audit tool can no longer change")
    number = programme.questions.count() + 1
    question = AuditQuestion.objects.create(programme=programme, number=number, text=text.strip())
    audit.record_change(actor=actor, action="audit.question_added", target=question)
    return question


@transaction.atomic
def case_audit_add(
    *, actor: User, programme: AuditProgramme, case_reference: str, auditors: Iterable[User]
) -> CaseAudit:
    """A case to audit, with auditors from at least two agencies (a multi-agency audit)."""
    _require_manager(actor)
    people = list(auditors)
    errors: dict[str, str] = {}
    if not case_reference.strip():
        errors["case_reference"] = "Enter the case's anonymised reference"
    elif programme.cases.filter(case_reference__iexact=case_reference.strip()).exists():
        errors["case_reference"] = "This case is already in the audit"
    agencies = {person.agency_id for person in people if person.agency_id}
    if any(not person.agency_id and person.role not in PARTNERSHIP_ROLES for person in people):
        errors["auditors"] = "Every auditor must belong to an agency or the partnership"
    elif len(agencies) < 2:
        errors["auditors"] = "Choose auditors from at least two agencies"
    if errors:
        raise ValidationError(errors)
    case = CaseAudit.objects.create(programme=programme, case_reference=case_reference.strip())
    case.auditors.set(people)
    audit.record_change(
        actor=actor,
        action="audit.case_added",
        target=case,
        detail={"auditors": sorted(p.username for p in people)},
    )
    return case


@transaction.atomic
def case_audit_grade(
    *,
    actor: User,
    case: CaseAudit,
    grades: Mapping[int, str],
    overall_grade: str,
    summary: str,
    comments: Mapping[int, str] | None = None,
) -> CaseAudit:
    """Grade each question of the audit tool and the case overall (good, requires improvement,
    inadequate). `grades` maps question ids to grades."""
    if not actor.has_perm("partnership.grade_audit", case):
        raise PermissionDenied("Only the case's auditors and the partnership grade this audit.")
    comments = comments or {}
    questions = {q.pk: q for q in case.programme.questions.all()}
    errors: dict[str, str] = {}
    if set(grades) - set(questions):
        errors["grades"] = "Grade only the questions of this audit's tool"
    bad = [g for g in grades.values() if g not in Grade.values]
    missing = [q for pk, q in questions.items() if not grades.get(pk)]
    if bad:
        errors["grades"] = f"“{bad[0]}” is not a grade: use {GRADE_WORDS}"
    elif missing:
        errors["grades"] = f"Grade every question ({GRADE_WORDS}): question {missing[0].number}"
    if overall_grade not in Grade.values:
        errors["overall_grade"] = (
            f"“{overall_grade}” is not a grade: use {GRADE_WORDS}"
            if overall_grade
            else f"Choose the overall grade: {GRADE_WORDS}"
        )
    if not summary.strip():
        errors["summary"] = "Summarise what the audit of this case found"
    if errors:
        raise ValidationError(errors)
    for pk, grade in grades.items():
        AuditAnswer.objects.update_or_create(
            case_audit=case,
            question=questions[pk],
            defaults={"grade": grade, "comment": (comments.get(pk) or "").strip()},
        )
    case.overall_grade = overall_grade
    case.summary = summary.strip()
    case.graded_by = actor
    case.graded_at = timezone.now()
    case.save(update_fields=["overall_grade", "summary", "graded_by", "graded_at"])
    audit.record_change(
        actor=actor,
        action="audit.case_graded",
        target=case,
        detail={"overall": overall_grade, "grades": {str(k): v for k, v in grades.items()}},
    )
    return case


@transaction.atomic
def audit_finding_record(*, actor: User, programme: AuditProgramme, text: str) -> AuditFinding:
    _require_manager(actor)
    if not text.strip():
        raise ValidationError({"text": "Describe the finding"})
    finding = AuditFinding.objects.create(programme=programme, text=text.strip(), recorded_by=actor)
    audit.record_change(actor=actor, action="audit.finding_recorded", target=finding)
    return finding


@transaction.atomic
def audit_finding_to_action(
    *,
    actor: User,
    finding: AuditFinding,
    description: str,
    due_on: dt.date | None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    lead_person: str = "",
) -> Action:
    """The finding becomes a recommendation (source: the audit or challenge panel, with the
    programme's theme) and an action in the thematic plan, through the plan's own services."""
    _require_manager(actor)
    if finding.action_id:
        raise ValidationError("This finding is already an action in the plan")
    programme = finding.programme
    recommendation = finding.recommendation
    if recommendation is None:
        number = AuditFinding.objects.filter(
            programme=programme, recommendation__isnull=False
        ).count()
        recommendation = plan.recommendation_create(
            actor=actor,
            source=programme.recommendation_source,
            source_reference=programme.title,
            number=f"F{number + 1}",
            text=finding.text,
            themes=[programme.theme],
            for_partnership=owner_agency is None,
            agencies=[owner_agency] if owner_agency else [],
        )
    action = plan.action_create(
        actor=actor,
        recommendation=recommendation,
        description=description,
        due_on=due_on,
        owner_agency=owner_agency,
        owner_subgroup=owner_subgroup,
        lead_person=lead_person,
    )
    finding.recommendation = recommendation
    finding.action = action
    finding.save(update_fields=["recommendation", "action"])
    audit.record_change(
        actor=actor,
        action="audit.finding_actioned",
        target=finding,
        detail={"recommendation": recommendation.pk, "action": action.pk},
    )
    return action
