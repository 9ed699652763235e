"""Multi-agency case audits and challenge panels: auditors from several agencies, grades
limited to good, requires improvement and inadequate, and findings that become actions."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from sightline.partnership.models import Recommendation
from sightline.partnership.services import audits

pytestmark = pytest.mark.django_db


def _grades(case, grade="good"):
    return {question.pk: grade for question in case.programme.questions.all()}


def test_a_case_needs_auditors_from_at_least_two_agencies(
    partnership_officer, audit_programme, police_officer
):
    with pytest.raises(ValidationError, match="at least two agencies"):
        audits.case_audit_add(
            actor=partnership_officer,
            programme=audit_programme,
            case_reference="Case N2",
            auditors=[police_officer],
        )


def test_a_grade_outside_the_three_is_refused(police_officer, case_audit):
    with pytest.raises(ValidationError) as error:
        audits.case_audit_grade(
            actor=police_officer,
            case=case_audit,
            grades=_grades(case_audit, "outstanding"),
            overall_grade="excellent",
            summary="Good multi-agency work.",
        )
    assert error.value.message_dict == {
        "grades": ["“outstanding” is not a grade: use good, requires improvement or inadequate"],
        "overall_grade": [
            "“excellent” is not a grade: use good, requires improvement or inadequate"
        ],
    }


def test_every_question_must_be_graded(police_officer, case_audit):
    first = case_audit.programme.questions.first()
    with pytest.raises(ValidationError, match="question 2"):
        audits.case_audit_grade(
            actor=police_officer,
            case=case_audit,
            grades={first.pk: "good"},
            overall_grade="good",
            summary="x",
        )


def test_an_auditor_grades_and_someone_who_is_not_one_cannot(
    police_officer, health_visitor, case_audit
):
    with pytest.raises(PermissionDenied):
        audits.case_audit_grade(
            actor=health_visitor,
            case=case_audit,
            grades=_grades(case_audit),
            overall_grade="good",
            summary="x",
        )
    audits.case_audit_grade(
        actor=police_officer,
        case=case_audit,
        grades=_grades(case_audit, "requires_improvement"),
        overall_grade="requires_improvement",
        summary="Neglect recognised late; information shared once seen.",
    )
    case_audit.refresh_from_db()
    assert case_audit.get_overall_grade_display() == "Requires improvement"
    assert case_audit.answers.count() == 2


def test_an_auditor_grades_on_the_page_and_a_wrong_grade_is_explained(
    client, police_officer, case_audit
):
    client.force_login(police_officer)
    url = reverse("partnership:case-audit", args=[case_audit.pk])
    questions = list(case_audit.programme.questions.all())
    data = {f"grade_{q.pk}": "good" for q in questions} | {
        "overall_grade": "superb",
        "summary": "Fine.",
    }
    page = client.post(url, data).content.decode()
    assert (
        "There is a problem" in page and "Choose good, requires improvement or inadequate" in page
    )
    response = client.post(url, data | {"overall_grade": "good"})
    assert response.status_code == 302
    case_audit.refresh_from_db()
    assert case_audit.overall_grade == "good"


def test_a_finding_becomes_an_action_through_an_audit_recommendation(
    partnership_officer, audit_programme, agencies
):
    finding = audits.audit_finding_record(
        actor=partnership_officer,
        programme=audit_programme,
        text="Neglect was seen late where families moved between areas.",
    )
    action = audits.audit_finding_to_action(
        actor=partnership_officer,
        finding=finding,
        description="Add neglect screening to the health visiting transfer-in check.",
        owner_agency=agencies["health"],
        due_on=dt.date(2030, 3, 31),
    )
    recommendation = action.recommendation
    assert recommendation.source == Recommendation.Source.AUDIT
    assert recommendation.source_reference == "Neglect case audit, spring"
    assert recommendation.number == "F1"
    assert [t.code for t in recommendation.themes.all()] == ["neglect"]
    assert list(recommendation.agencies.all()) == [agencies["health"]]
    assert action.updates.get().kind == "created"
    with pytest.raises(ValidationError, match="already an action"):
        audits.audit_finding_to_action(
            actor=partnership_officer,
            finding=finding,
            description="Again.",
            owner_agency=agencies["health"],
            due_on=dt.date(2030, 3, 31),
        )


def test_a_challenge_panel_finding_has_the_challenge_panel_as_its_source(
    partnership_officer, themes, subgroup
):
    panel = audits.audit_programme_create(
        actor=partnership_officer,
        title="Domestic abuse challenge panel",
        kind="challenge_panel",
        theme=themes["domestic-abuse"],
        planned_on=dt.date(2025, 10, 1),
    )
    finding = audits.audit_finding_record(
        actor=partnership_officer, programme=panel, text="Children's voices were missing."
    )
    action = audits.audit_finding_to_action(
        actor=partnership_officer,
        finding=finding,
        description="Run a practice session on the child's voice.",
        owner_subgroup=subgroup,
        due_on=dt.date(2030, 1, 31),
    )
    assert action.recommendation.get_source_display() == "Challenge panel"
    assert action.recommendation.for_partnership


def test_the_audit_list_exports_with_grades(
    client, partnership_officer, case_audit, police_officer
):
    audits.case_audit_grade(
        actor=police_officer,
        case=case_audit,
        grades=_grades(case_audit),
        overall_grade="inadequate",
        summary="Drift.",
    )
    client.force_login(partnership_officer)
    response = client.get(reverse("partnership:audits"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("Audit", "Kind", "Theme")
    assert rows[1][5:8] == (
        "Case N1",
        "Northmoor Children's Social Care, Northmoor Police",
        "Inadequate",
    )


def test_an_auditor_sees_their_audit_tasks(client, police_officer, health_visitor, case_audit):
    client.force_login(police_officer)
    assert "Case N1" in client.get(reverse("partnership:audits")).content.decode()
    client.force_login(health_visitor)
    assert "Case N1" not in client.get(reverse("partnership:audits")).content.decode()
