"""Multi-agency case audits and challenge panels.

A programme (a round of audits on one theme) has its own audit tool: numbered questions, each
graded good, requires improvement or inadequate, and an overall grade per case. Auditors come
from several agencies. Findings become recommendations (source: audit or challenge panel) with
actions in the thematic plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.core.models import Theme
from sightline.partnership.models.plan import Action, Recommendation, Subgroup

__all__ = [
    "AuditAnswer",
    "AuditFinding",
    "AuditProgramme",
    "AuditQuestion",
    "CaseAudit",
    "Grade",
]


class Grade(models.TextChoices):
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


GRADE_COLOURS = {
    Grade.GOOD: "green",
    Grade.REQUIRES_IMPROVEMENT: "yellow",
    Grade.INADEQUATE: "red",
}


def grade_colour(grade: str) -> str:
    return GRADE_COLOURS.get(Grade(grade), "grey") if grade in Grade.values else "grey"


class AuditProgramme(models.Model):
    class Kind(models.TextChoices):
        CASE_AUDIT = "case_audit", "Multi-agency case audit"
        CHALLENGE_PANEL = "challenge_panel", "Challenge panel"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CASE_AUDIT)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    subgroup = models.ForeignKey(
        Subgroup, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    planned_on = models.DateField("audit date")
    scope = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def recommendation_source(self) -> str:
        if self.kind == self.Kind.CHALLENGE_PANEL:
            return Recommendation.Source.CHALLENGE_PANEL
        return Recommendation.Source.AUDIT


class AuditQuestion(models.Model):
    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="partnership_audit_question_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class CaseAudit(models.Model):
    """One case in a programme: its auditors and, once graded, its grades."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="cases")
    case_reference = models.CharField(
        max_length=60, help_text="An anonymised reference, never the child's name"
    )
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="case_audits")
    overall_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    summary = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "case_reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "case_reference"], name="partnership_case_audit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} ({self.programme})"

    @property
    def overall_colour(self) -> str:
        return grade_colour(self.overall_grade)

    @property
    def auditor_agencies(self) -> str:
        names = sorted({str(user.agency) for user in self.auditors.all() if user.agency_id})
        return ", ".join(names)


class AuditAnswer(models.Model):
    case_audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_audit", "question"], name="partnership_audit_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.number}: {self.get_grade_display()}"

    @property
    def grade_colour(self) -> str:
        return grade_colour(self.grade)


class AuditFinding(models.Model):
    """What the round found; it becomes a recommendation and an action in the plan."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField("finding")
    recommendation = models.OneToOneField(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="finding"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
