"""The linkage model in use: the newest trained version not rolled back (else the shipped
model), with the link threshold it was calibrated to, and rolling back to the one before."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.core import audit
from sightline.linkage import conf
from sightline.linkage.changes import Actor
from sightline.linkage.models import MatchCandidate, ModelVersion
from sightline.linkage.scoring import load_shipped_model


def versions_in_use() -> Any:
    """Trained versions that have not been rolled back, newest first."""
    return ModelVersion.objects.filter(rolled_back_at__isnull=True).order_by("-id")


def active_version() -> ModelVersion | None:
    return versions_in_use().first()


def active_version_row() -> tuple[int, float]:
    """(version id, link threshold) in one query: id 0 is the shipped model."""
    row = versions_in_use().values_list("id", "link_threshold").first()
    if row is None:
        return 0, conf.link_threshold()
    return row[0], threshold_of(row[1])


def threshold_of(calibrated: float | None) -> float:
    """A version's own threshold; one trained before thresholds were calibrated uses the
    setting. Never below the review threshold (the review band would be empty)."""
    threshold = conf.link_threshold() if calibrated is None else float(calibrated)
    return max(threshold, conf.review_threshold())


def active_parameters() -> dict[str, Any]:
    version = active_version()
    return version.parameters if version else load_shipped_model()


def active_link_threshold() -> float:
    return active_version_row()[1]


def review_labels() -> dict[tuple[int, int], bool]:
    """Pairs of source records a person decided (linked: True, kept apart: False), as
    (smaller id, larger id): a labelled sample for calibrating the link threshold."""
    labels: dict[tuple[int, int], bool] = {}
    decided = MatchCandidate.objects.filter(
        status__in=[MatchCandidate.Status.LINKED, MatchCandidate.Status.KEPT_APART]
    ).values_list("record_id", "candidate_record_id", "other_record_ids", "status")
    for record_id, candidate_record_id, others, status in decided:
        same = status == MatchCandidate.Status.LINKED
        named = {int(o) for o in others}
        if candidate_record_id is not None:
            named.add(candidate_record_id)
        for other in named:
            if other != record_id:
                labels[(min(record_id, other), max(record_id, other))] = same
    return labels


@transaction.atomic
def model_version_rollback(*, actor: Actor) -> ModelVersion | None:
    """Stop using the model in use and go back to the one before it (the shipped model when
    there is none). Returns the version now in use (None: the shipped model)."""
    current = versions_in_use().select_for_update().first()
    if current is None:
        raise ValidationError(
            "The shipped model is in use: there is no trained model to roll back."
        )
    current.rolled_back_at = timezone.now()
    current.rolled_back_by_label = audit._label(actor)[:200]
    current.save(update_fields=["rolled_back_at", "rolled_back_by_label"])
    previous = active_version()
    audit.record_change(
        actor=actor,
        action="linkage.model_rolled_back",
        target=current,
        detail={
            "rolled_back": current.pk,
            "now_in_use": previous.pk if previous else "shipped",
            "link_threshold": active_link_threshold(),
        },
    )
    from sightline.linkage.index import forget_term_frequencies

    forget_term_frequencies()
    return previous
