"""Reads for linkage: the review queue, one uncertain match side by side, merges and splits.

Each read that shows personal data is recorded. Only data-quality users may see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sightline.accounts.models import User
from sightline.core import audit
from sightline.linkage.index import record_features
from sightline.linkage.merges import current_person_id, retired_person_ids
from sightline.linkage.models import MatchCandidate, PersonChange
from sightline.linkage.rules import REVIEW_MATCHES
from sightline.linkage.scoring import FieldWeight, Score, score
from sightline.people.models import Person, SourceRecord


def current_persons() -> QuerySet[Person]:
    """Every person who is not retired by a merge."""
    return Person.objects.exclude(pk__in=retired_person_ids())


def _check(user: User) -> None:
    if not user.has_perm(REVIEW_MATCHES):
        raise PermissionDenied("Only data-quality users review matches.")


def review_queue(*, user: User) -> QuerySet[MatchCandidate]:
    """Uncertain matches waiting for a decision, most likely first. Recorded."""
    _check(user)
    queue = (
        MatchCandidate.objects.filter(status=MatchCandidate.Status.PENDING)
        .select_related("record__agency", "candidate", "person")
        .order_by("-match_probability", "created_at", "id")
    )
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="linkage.review_queue_viewed",
        detail={"pending": queue.count()},
    )
    return queue


def decided_matches(*, user: User, limit: int = 50) -> list[MatchCandidate]:
    _check(user)
    return list(
        MatchCandidate.objects.exclude(status=MatchCandidate.Status.PENDING)
        .select_related("record__agency", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class SideBySide:
    candidate: MatchCandidate
    record: SourceRecord
    other: SourceRecord | None
    score: Score | None
    fields: list[FieldWeight]
    record_person: Person
    candidate_person: Person


def match_candidate_get(*, user: User, candidate_id: int) -> SideBySide:
    """One uncertain match: both records side by side and the per-field weights. Recorded."""
    _check(user)
    candidate = (
        MatchCandidate.objects.select_related(
            "record__agency", "candidate_record__agency", "record__person", "candidate"
        )
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise Http404("No such match")
    record = candidate.record
    other = candidate.candidate_record
    fields = [
        FieldWeight(**{**f, "weight": float(f["weight"])})  # as scored at the time
        for f in candidate.fields
    ]
    scored: Score | None = None
    if other is not None:
        from sightline.linkage.services import active_model

        scored = score(record_features(record), record_features(other), active_model())
    candidate_person = Person.objects.get(pk=current_person_id(candidate.candidate_id))
    for person_id in {record.person_id, candidate_person.pk}:
        audit.record_read(
            actor=user,
            target=candidate,
            person_id=person_id,
            action="linkage.match_viewed",
            detail={"purpose": "match review"},
        )
    return SideBySide(
        candidate=candidate,
        record=record,
        other=other,
        score=scored,
        fields=fields,
        record_person=record.person,
        candidate_person=candidate_person,
    )


def match_candidate_for_undo(*, user: User, candidate_id: int) -> MatchCandidate:
    """A decided match, to undo its decision (data-quality users only)."""
    _check(user)
    candidate = MatchCandidate.objects.filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404("No such match")
    return candidate


def person_changes(*, user: User, limit: int = 100) -> list[PersonChange]:
    """Automatic links, merges and splits, newest first; a link carries the source record it
    linked (`linked_record`, with its agency). Recorded."""
    _check(user)
    changes = list(
        PersonChange.objects.select_related("from_person", "to_person").order_by("-made_at", "-id")[
            :limit
        ]
    )
    linked = {
        record_id: change
        for change in changes
        if change.kind == PersonChange.Kind.LINK
        for record_id in change.moved.get("people.sourcerecord", [])[:1]
    }
    records = SourceRecord.objects.select_related("agency").filter(pk__in=linked)
    for record in records:
        linked[record.pk].linked_record = record  # type: ignore[attr-defined]
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="linkage.changes_viewed",
        detail={"shown": [c.pk for c in changes]},
    )
    return changes


def person_change_get(*, user: User, change_id: int) -> PersonChange:
    _check(user)
    change = (
        PersonChange.objects.select_related("from_person", "to_person").filter(pk=change_id).first()
    )
    if change is None:
        raise Http404("No such merge or split")
    return change
