"""Linkage: the index of source records it matches against, the model versions it scores
with, the review queue of uncertain matches, and the history of merges and splits."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sightline.people.models import Person, SourceRecord


class LinkageRecord(models.Model):
    """One source record (or a person as Sightline holds them), cleaned for matching.

    Kept in step by the linkage services; `sightline linkage rebuild` rebuilds it whole.
    """

    source_record = models.OneToOneField(
        SourceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person_row_for = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    given = models.CharField(max_length=100, blank=True)
    family = models.CharField(max_length=100, blank=True)
    given_key = models.CharField(max_length=20, blank=True)
    family_key = models.CharField(max_length=20, blank=True)
    dob = models.CharField(max_length=10, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    nhs = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    addr = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["family_key", "given_key"], name="linkage_rec_names"),
            models.Index(fields=["family_key", "birth_year"], name="linkage_rec_family_year"),
            models.Index(fields=["dob"], name="linkage_rec_dob"),
            models.Index(fields=["postcode", "given_key"], name="linkage_rec_postcode"),
            models.Index(fields=["addr", "family_key"], name="linkage_rec_addr"),
            models.Index(fields=["nhs"], name="linkage_rec_nhs"),
            models.Index(fields=["upn"], name="linkage_rec_upn"),
        ]

    def __str__(self) -> str:
        return f"{self.given} {self.family} {self.dob}".strip()


class ModelVersion(models.Model):
    """A linkage model re-estimated from the partnership's own data (`sightline linkage train`).

    The newest not rolled back is used, with its own link threshold; with none, the model
    shipped in sightline/linkage/model/default.json at `LINKAGE_LINK_THRESHOLD`.
    """

    class ThresholdBasis(models.TextChoices):
        MODEL = "model", "The model's own match probabilities over the pairs it scored"
        REVIEW = "review", "Review decisions, with the model's probabilities for other pairs"

    parameters = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=200)
    record_count = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    # The lowest threshold at which the estimated precision holds at the target (0.999):
    # records matching at or above it are linked without review.
    link_threshold = models.FloatField(null=True, blank=True)
    threshold_basis = models.CharField(
        max_length=6, choices=ThresholdBasis.choices, blank=True, default=""
    )
    expected_precision = models.FloatField(null=True, blank=True)
    expected_recall = models.FloatField(null=True, blank=True)
    pairs_scored = models.PositiveIntegerField(default=0)
    labelled_pairs = models.PositiveIntegerField(
        default=0, help_text="Pairs scored that a review decision labels"
    )
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Linkage model {self.pk} ({self.created_at:%Y-%m-%d})"


class PersonChange(models.Model):
    """A merge (everything of `from_person` moved to `to_person`), a split (some source
    records of `from_person` moved to a new `to_person`) or an automatic link (a new source
    record that the linkage model put on an existing person, `from_person` and `to_person`
    both that person). Undo moves the same rows back; undoing a link splits its record off
    to a new person."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"
        LINK = "link", "Automatic link"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict, help_text="Rows moved, by model label: ids")
    filled = models.JSONField(default=dict, help_text="Blank fields of to_person filled in")
    ended = models.JSONField(
        default=dict,
        help_text="Addresses a merge ended (by model label: ids), or an undone link reopened "
        "('reopened': id -> the day it had ended)",
    )
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by_label = models.CharField(max_length=200)
    made_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["from_person", "undone_at"], name="linkage_change_from")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of person {self.from_person_id} into {self.to_person_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    @property
    def source_record_count(self) -> int:
        return len(self.moved.get("people.sourcerecord", []))


class MatchCandidate(models.Model):
    """A possible match the model was not sure of: a data-quality user decides.

    `record` (now on `person`, kept apart for the time being) may be `candidate`. A decision
    holds between `record` and the candidate's source records as they were when decided
    (`other_record_ids`), and every later rebuild respects it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        LINKED = "linked", "Linked: the same person"
        KEPT_APART = "kept_apart", "Kept apart: different people"
        WITHDRAWN = "withdrawn", "No longer needed"

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate_record = models.ForeignKey(
        SourceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    fields = models.JSONField(default=list, help_text="Per-field levels and weights")
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    other_record_ids = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    change = models.ForeignKey(
        PersonChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.record} may be person {self.candidate_id} ({self.match_probability:.3f})"
