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
from sightline.core.problems import Problems, refuse
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


def audit_programme_problems(
    *,
    title: str | None = None,
    kind: str | None = None,
    theme: Theme | None = None,
    planned_on: dt.date | None = None,
    questions: Iterable[str] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the audit cannot be planned as given (None: nothing wrong); a kind not
    given (the form already said so) is not judged."""
    problems = Problems()
    if not (title or "").strip():
        problems.add("title", "Enter the audit's title")
    if kind is not None and kind not in AuditProgramme.Kind.values:
        problems.add("kind", "Choose a case audit or a challenge panel")
    if theme is None:
        problems.add("theme", "Choose the theme the audit looks at")
    if planned_on is None:
        problems.add("planned_on", "Enter the date of the audit")
    seen: dict[str, int] = {}
    for number, text in enumerate((t.strip() for t in questions or () if t.strip()), start=1):
        first = seen.setdefault(text.casefold(), number)
        if first != number:
            problems.add(
                "questions",
                f"Question {number} repeats question {first}: each question must be different",
            )
    return problems.error()


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
    refuse(
        audit_programme_problems(
            title=title, kind=kind, theme=theme, planned_on=planned_on, questions=texts
        )
    )
    assert theme is not None and planned_on is not None
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


def audit_question_problems(
    *, programme: AuditProgramme, text: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the question cannot be added to the audit tool (None: nothing wrong)."""
    problems = Problems()
    if AuditAnswer.objects.filter(case_audit__programme=programme).exists():
        problems.add(None, "Cases have been graded: the audit tool can no longer change")
    text = (text or "").strip()
    if not text:
        problems.add("text", "Enter the question")
    else:
        same = programme.questions.filter(text__iexact=text).first()
        if same is not None:
            problems.add("text", f"Question {same.number} already asks this")
    return problems.error()


@transaction.atomic
def audit_question_add(*, actor: User, programme: AuditProgramme, text: str) -> AuditQuestion:
    _require_manager(actor)
    refuse(audit_question_problems(programme=programme, text=text))
    number = programme.questions.count() + 1
    question = AuditQuestion.objects.create(programme=programme, number=number, text=text.strip())
    audit.record_change(actor=actor, action="audit.question_added", target=question)
    return question


def case_audit_problems(
    *,
    programme: AuditProgramme,
    case_reference: str | None = None,
    auditors: Iterable[User] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the case cannot be added to the audit (None: nothing wrong)."""
    problems = Problems()
    people = list(auditors or ())
    reference = (case_reference or "").strip()
    if not reference:
        problems.add("case_reference", "Enter the case's anonymised reference")
    elif programme.cases.filter(case_reference__iexact=reference).exists():
        problems.add("case_reference", "This case is already in the audit")
    agencies = {person.agency_id for person in people if person.agency_id}
    if any(not person.agency_id and person.role not in PARTNERSHIP_ROLES for person in people):
        problems.add("auditors", "Every auditor must belong to an agency or the partnership")
    elif len(agencies) < 2:
        problems.add("auditors", "Choose auditors from at least two agencies")
    return problems.error()


@transaction.atomic
def case_audit_add(
    *, actor: User, programme: AuditProgramme, case_reference: str, auditors: Iterable[User]
) -> CaseAudit:
    """A case to audit, with auditors from at least two agencies (a multi-agency audit)."""
    _require_manager(actor)
    people = list(auditors)
    refuse(case_audit_problems(programme=programme, case_reference=case_reference, auditors=people))
    case = CaseAudit.objects.create(programme=programme, case_reference=case_reference.strip())
    case.auditors.set(people)
    audit.record_change(
        actor=actor,
        action="audit.case_added",
        target=case,
        detail={"auditors": sorted(p.username for p in people)},
    )
    return case


def case_grade_problems(
    *,
    case: CaseAudit,
    grades: Mapping[int, str] | None = None,
    overall_grade: str | None = None,
    summary: str | None = None,
    every_question: bool = True,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the grades cannot be saved as given (None: nothing wrong). The overall
    grade must agree with the questions': not good beside an inadequate answer. With
    `every_question` False (a form that asks for each question's grade itself), a question
    not graded is not judged."""
    problems = Problems()
    questions = {q.pk: q for q in case.programme.questions.all()}
    grades = grades or {}
    if set(grades) - set(questions):
        problems.add("grades", "Grade only the questions of this audit's tool")
    bad = [g for g in grades.values() if g not in Grade.values]
    missing = [q for pk, q in questions.items() if not grades.get(pk)] if every_question else []
    if bad:
        problems.add("grades", f"“{bad[0]}” is not a grade: use {GRADE_WORDS}")
    elif missing:
        problems.add(
            "grades", f"Grade every question ({GRADE_WORDS}): question {missing[0].number}"
        )
    if overall_grade is not None and overall_grade not in Grade.values:
        problems.add(
            "overall_grade",
            f"“{overall_grade}” is not a grade: use {GRADE_WORDS}"
            if overall_grade
            else f"Choose the overall grade: {GRADE_WORDS}",
        )
    graded = [(questions[pk].number, g) for pk, g in grades.items() if pk in questions]
    inadequate = sorted(number for number, g in graded if g == Grade.INADEQUATE)
    if overall_grade == Grade.GOOD and inadequate:
        problems.add(
            "overall_grade",
            f"The overall grade cannot be good when question {inadequate[0]} is graded inadequate",
        )
    if not (summary or "").strip():
        problems.add("summary", "Summarise what the audit of this case found")
    return problems.error()


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
    refuse(
        case_grade_problems(case=case, grades=grades, overall_grade=overall_grade, summary=summary)
    )
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


def audit_finding_problems(
    *, text: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the finding cannot be recorded (None: nothing wrong)."""
    problems = Problems()
    if not (text or "").strip():
        problems.add("text", "Describe the finding")
    return problems.error()


@transaction.atomic
def audit_finding_record(*, actor: User, programme: AuditProgramme, text: str) -> AuditFinding:
    _require_manager(actor)
    refuse(audit_finding_problems(text=text))
    finding = AuditFinding.objects.create(programme=programme, text=text.strip(), recorded_by=actor)
    audit.record_change(actor=actor, action="audit.finding_recorded", target=finding)
    return finding


def finding_action_problems(
    *,
    finding: AuditFinding,
    description: str | None = None,
    due_on: dt.date | None = None,
    owner_agency: Agency | None = None,
    owner_subgroup: Subgroup | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the finding cannot become an action as given (None: nothing wrong)."""
    problems = Problems()
    if finding.action_id:
        problems.add(None, "This finding is already an action in the plan")
    if not (description or "").strip():
        problems.add("description", "Describe the action")
    plan.owner_and_date_problems(problems, owner_agency, owner_subgroup, due_on)
    return problems.error()


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
    refuse(
        finding_action_problems(
            finding=finding,
            description=description,
            due_on=due_on,
            owner_agency=owner_agency,
            owner_subgroup=owner_subgroup,
        )
    )
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
