"""Reads for linkage: the model in use, the review queue, one uncertain match side by side,
merges and splits.

Each read that shows personal data is recorded. Only data-quality users may see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.models import EventType, Participant
from sightline.core import audit
from sightline.linkage import conf
from sightline.linkage.index import record_features
from sightline.linkage.merges import current_person_id, retired_person_ids
from sightline.linkage.models import MatchCandidate, ModelVersion, PersonChange
from sightline.linkage.rules import REVIEW_MATCHES
from sightline.linkage.scoring import FieldWeight, Score, score
from sightline.people.models import Person, SourceRecord


def current_persons() -> QuerySet[Person]:
    """Every person who is not retired by a merge."""
    return Person.objects.exclude(pk__in=retired_person_ids())


def _check(user: User) -> None:
    if not user.has_perm(REVIEW_MATCHES):
        raise PermissionDenied("Only data-quality users review matches.")


# Events that open and close a case: a person whose latest is an opening has an open case.
CASE_OPENED = (EventType.EPISODE_OPENED, EventType.CP_PLAN_STARTED, EventType.CIN_PLAN_STARTED)
CASE_CLOSED = (EventType.EPISODE_CLOSED, EventType.CP_PLAN_ENDED, EventType.CIN_PLAN_ENDED)
CHILDREN = (Person.Kind.CHILD, Person.Kind.UNBORN)


def persons_with_open_cases(person_ids: Iterable[int]) -> set[int]:
    """Of these persons, those with an episode or plan opened and not since closed."""
    ids = list(set(person_ids))
    latest: dict[int, tuple[object, int, bool]] = {}
    for start in range(0, len(ids), 500):
        rows = Participant.objects.filter(
            person_id__in=ids[start : start + 500],
            event__type__in=[*CASE_OPENED, *CASE_CLOSED],
        ).values_list("person_id", "occurred_at", "event_id", "event__type")
        for person_id, at, event_id, kind in rows:
            key = (at, event_id, kind in CASE_OPENED)
            if person_id not in latest or key[:2] > latest[person_id][:2]:  # type: ignore[operator]
                latest[person_id] = key
    return {person_id for person_id, (_, _, opened) in latest.items() if opened}


@dataclass(frozen=True)
class QueuedMatch:
    """A match waiting for a decision, with what puts it higher in the queue."""

    match: MatchCandidate
    child: bool
    open_case: bool
    closeness: float  # how far its match probability is from the link threshold

    @property
    def why_first(self) -> str:
        reasons = [
            text
            for flag, text in ((self.child, "a child"), (self.open_case, "an open case"))
            if flag
        ]
        return " and ".join(reasons).capitalize()


def review_queue(*, user: User) -> list[QueuedMatch]:
    """Matches waiting for a decision, those a decision would change most first: a child's
    before an adult's, an open case's before others, then the closest to the link threshold
    (where the model is least sure). Recorded."""
    from sightline.linkage.model_versions import active_link_threshold

    _check(user)
    pending = list(
        MatchCandidate.objects.filter(status=MatchCandidate.Status.PENDING).select_related(
            "record__agency", "candidate", "person"
        )
    )
    threshold = active_link_threshold()
    open_cases = persons_with_open_cases(
        [m.person_id for m in pending] + [m.candidate_id for m in pending]
    )
    queue = sorted(
        (
            QueuedMatch(
                match=m,
                child=m.person.kind in CHILDREN or m.candidate.kind in CHILDREN,
                open_case=m.person_id in open_cases or m.candidate_id in open_cases,
                closeness=abs(m.match_probability - threshold),
            )
            for m in pending
        ),
        key=lambda q: (
            not q.child,
            not q.open_case,
            q.closeness,
            q.match.created_at,
            q.match.pk,
        ),
    )
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="linkage.review_queue_viewed",
        detail={"pending": len(queue)},
    )
    return queue


REVIEW_SHARE_TARGET = 0.02  # under 2% of new records waiting for a person to decide
NEW_RECORD_DAYS = 28


@dataclass(frozen=True)
class ReviewShare:
    """New source records (the last `days`) and how many of them wait for review."""

    days: int
    new_records: int
    waiting: int
    target: float = REVIEW_SHARE_TARGET

    @property
    def share(self) -> float:
        return self.waiting / self.new_records if self.new_records else 0.0

    @property
    def within_target(self) -> bool:
        return self.share < self.target

    @property
    def percent(self) -> str:
        return f"{self.share:.1%}"

    @property
    def target_percent(self) -> str:
        return f"{self.target:.0%}"


def review_share(*, user: User, days: int = NEW_RECORD_DAYS) -> ReviewShare:
    """The share of the source records received in the last `days` days that wait for a
    review decision (target: under 2%)."""
    _check(user)
    since = timezone.now() - dt.timedelta(days=days)
    new = SourceRecord.objects.filter(created_at__gte=since)
    waiting = (
        MatchCandidate.objects.filter(
            status=MatchCandidate.Status.PENDING, record__created_at__gte=since
        )
        .values("record_id")
        .distinct()
        .count()
    )
    return ReviewShare(days=days, new_records=new.count(), waiting=waiting)


@dataclass(frozen=True)
class ModelInUse:
    """The linkage model the per-event path and rebuilds score with, and the versions kept."""

    version: ModelVersion | None  # None: the model shipped with Sightline
    link_threshold: float
    review_threshold: float
    versions: list[ModelVersion]

    @property
    def can_roll_back(self) -> bool:
        return self.version is not None


def linkage_model_in_use(*, user: User) -> ModelInUse:
    from sightline.linkage.model_versions import active_link_threshold, active_version

    _check(user)
    return ModelInUse(
        version=active_version(),
        link_threshold=active_link_threshold(),
        review_threshold=conf.review_threshold(),
        versions=list(ModelVersion.objects.order_by("-id")[:20]),
    )


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
