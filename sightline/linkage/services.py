"""Resolving a source record (`source:record_id`) to a person, and deciding uncertain matches.

`source_record_resolve` works in this order:

1. A record already seen stays with its person.
2. Exact identifiers: a valid NHS number, then a valid UPN, already linked to a person. The
   number is trusted unless the record disagrees with that person on both first name and date
   of birth (neither a slip nor a nickname nor a swap), or everything but the number weighs
   below `LINKAGE_SUSPICIOUS_IDENTIFIER_WEIGHT` (zero bits by default): a mother's NHS number
   typed on her baby's record must not put the baby's events on the mother's chronology.
   Such a record gets a new person (without the doubted number) and goes to the review
   queue beside the number's holder.
3. Probabilistic: candidates found by cheap blocking keys (`sightline.linkage.index`) are
   scored with the active model (Fellegi-Sunter weights from its m and u probabilities, name
   frequencies when there are enough records); the best person decides the band:
   - match probability at or above `LINKAGE_LINK_THRESHOLD` (0.99): linked;
   - at or above `LINKAGE_REVIEW_THRESHOLD` (0.80): a new person for now, and the possible
     match (up to three) in the review queue, where a data-quality user links them (a merge)
     or keeps them apart;
   - below: a new person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.linkage import conf
from sightline.linkage.changes import person_merge
from sightline.linkage.features import Features, features_of
from sightline.linkage.index import (
    candidate_rows,
    index_catch_up,
    index_record,
    row_features,
    term_frequencies,
)
from sightline.linkage.models import LinkageRecord, MatchCandidate, ModelVersion, PersonChange
from sightline.linkage.scoring import Model, Score, load_shipped_model, score
from sightline.people.models import Person, SourceRecord
from sightline.people.services import person_create, source_record_link

Method = Literal["existing", "nhs_number", "upn", "probabilistic", "review", "new"]
Actor = User | str


@dataclass(frozen=True)
class RecordAsSent:
    """A person as an agency described them (any field may be missing or wrong)."""

    agency: Agency
    record_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    nhs_number: str = ""
    upn: str = ""
    address_line: str = ""
    postcode: str = ""
    kind: str = Person.Kind.CHILD


@dataclass(frozen=True)
class Resolution:
    person: Person
    record: SourceRecord
    method: Method
    created_person: bool


# --- The model in use ----------------------------------------------------------------------

_model_cache: dict[int, Model] = {}


def active_model() -> Model:
    """The newest trained model, or the shipped one when the partnership has trained none."""
    version = ModelVersion.objects.order_by("-id").values_list("id", flat=True).first() or 0
    model = _model_cache.get(version)
    if model is None:
        data = ModelVersion.objects.get(pk=version).parameters if version else load_shipped_model()
        model = Model.from_json(data)
        _model_cache.clear()
        _model_cache[version] = model
    return model


# --- Resolution ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: int
    row: LinkageRecord
    score: Score


def best_candidates(features: Features, date_of_birth: dt.date | None) -> list[Candidate]:
    """Blocked candidates scored, best row per person, most likely first."""
    model = active_model()
    tf = term_frequencies()
    hold = conf.link_threshold()
    best: dict[int, Candidate] = {}
    for row in candidate_rows(features, date_of_birth):
        scored = score(features, row_features(row), model, tf, hold_below=hold)
        current = best.get(row.person_id)
        if current is None or scored.match_weight > current.score.match_weight:
            best[row.person_id] = Candidate(row.person_id, row, scored)
    return sorted(best.values(), key=lambda c: (-c.score.match_probability, -c.score.match_weight))


def _by_identifier(
    features: Features, date_of_birth: dt.date | None, column: str
) -> tuple[Candidate | None, int | None]:
    """(trusted candidate, doubted person id) for an NHS number or UPN already on file."""
    value = getattr(features, column)
    if not value:
        return None, None
    person_ids = list(
        LinkageRecord.objects.filter(**{column: value}).values_list("person_id", flat=True)
    )
    if not person_ids:
        return None, None
    person_id = max(set(person_ids), key=person_ids.count)  # the usual holder of the number
    model, tf, hold = active_model(), term_frequencies(), conf.link_threshold()
    rows = LinkageRecord.objects.filter(person_id=person_id)
    scored = [
        Candidate(person_id, row, score(features, row_features(row), model, tf, hold_below=hold))
        for row in rows
    ]
    found = max(scored, key=lambda c: c.score.weight_without_identifiers())
    disagree = (
        found.score.level("given_name") == "different"
        and found.score.level("date_of_birth") == "different"
    )
    if disagree or found.score.weight_without_identifiers() < conf.suspicious_identifier_weight():
        return None, person_id
    return found, None


@transaction.atomic
def source_record_resolve(*, actor: User | str, sent: RecordAsSent) -> Resolution:
    """Find (or create) the person a source record belongs to, and link the record."""
    existing = (
        SourceRecord.objects.select_related("person")
        .filter(agency=sent.agency, record_id=sent.record_id)
        .first()
    )
    if existing is not None:
        return Resolution(existing.person, existing, "existing", False)
    index_catch_up()
    features = features_of(
        given_name=sent.given_name,
        family_name=sent.family_name,
        date_of_birth=sent.date_of_birth,
        sex=sent.sex,
        nhs_number=sent.nhs_number,
        upn=sent.upn,
        postcode=sent.postcode,
        address_line=sent.address_line,
    )
    method: Method = "new"
    found: Candidate | None = None
    doubted: dict[int, str] = {}
    for column, how in (("nhs", "nhs_number"), ("upn", "upn")):
        found, doubted_id = _by_identifier(features, sent.date_of_birth, column)
        if doubted_id is not None:
            doubted[doubted_id] = (
                f"Same {'NHS number' if column == 'nhs' else 'UPN'}, but name and date of birth "
                "disagree: a wrongly recorded number?"
            )
        if found is not None:
            method = how  # type: ignore[assignment]
            break
    review: list[Candidate] = []
    if found is None:
        candidates = [  # a doubted number's holder is never linked without review
            c for c in best_candidates(features, sent.date_of_birth) if c.person_id not in doubted
        ]
        if candidates and candidates[0].score.match_probability >= conf.link_threshold():
            found, method = candidates[0], "probabilistic"
        else:
            review = [
                c
                for c in candidates
                if c.score.match_probability >= conf.review_threshold() or c.person_id in doubted
            ][: conf.max_review_candidates()]
    if found is None:
        for person_id in doubted:
            if all(c.person_id != person_id for c in review):
                row = LinkageRecord.objects.filter(person_id=person_id).first()
                if row is not None:
                    scored = score(features, row_features(row), active_model())
                    review.append(Candidate(person_id, row, scored))
    created = found is None
    if found is not None:
        person = Person.objects.get(pk=found.person_id)
    else:
        person = person_create(
            actor=actor,
            kind=sent.kind,
            given_name=sent.given_name,
            family_name=sent.family_name,
            date_of_birth=sent.date_of_birth,
            sex=sent.sex if sent.sex in {"F", "M", "U"} else "U",
            nhs_number="" if doubted and features.nhs else features.nhs,
            upn="" if doubted and features.upn else features.upn,
            address={"line": sent.address_line, "postcode": sent.postcode}
            if (sent.address_line or sent.postcode)
            else None,
            address_source=sent.agency,
        )
        if review:
            method = "review"
    record = source_record_link(
        actor=actor,
        person=person,
        agency=sent.agency,
        record_id=sent.record_id,
        given_name=sent.given_name,
        family_name=sent.family_name,
        date_of_birth=sent.date_of_birth,
        sex=sent.sex[:1],
        nhs_number=features.nhs or sent.nhs_number[:10],
        upn=sent.upn[:13],
        address_line=sent.address_line,
        postcode=sent.postcode[:10],
    )
    index_record(record, features)
    if found is not None and method == "probabilistic":
        audit.record_change(
            actor=actor,
            action="linkage.record_linked",
            target=record,
            person_id=person.pk,
            detail={
                "match_probability": round(found.score.match_probability, 6),
                "match_weight": round(found.score.match_weight, 2),
            },
        )
    for candidate in review:
        _queue_for_review(
            actor=actor,
            record=record,
            person=person,
            candidate=candidate,
            reason=doubted.get(candidate.person_id, candidate.score.guard),
        )
    return Resolution(person, record, method, created)


def _queue_for_review(
    *, actor: Actor, record: SourceRecord, person: Person, candidate: Candidate, reason: str
) -> MatchCandidate:
    queued = MatchCandidate.objects.create(
        record=record,
        person=person,
        candidate_id=candidate.person_id,
        candidate_record_id=candidate.row.source_record_id,
        match_probability=candidate.score.match_probability,
        match_weight=candidate.score.match_weight,
        fields=[f.as_dict() for f in candidate.score.fields],
        reason=reason[:300],
    )
    audit.record_change(
        actor=actor,
        action="linkage.match_queued",
        target=queued,
        person_id=person.pk,
        detail={
            "candidate": candidate.person_id,
            "match_probability": round(candidate.score.match_probability, 6),
        },
    )
    return queued


# --- Review decisions ----------------------------------------------------------------------


@transaction.atomic
def match_candidate_decide(
    *, actor: User, candidate: MatchCandidate, same_person: bool, note: str = ""
) -> MatchCandidate:
    """Link the two (merge the record's person into the candidate) or keep them apart.

    The decision binds later rebuilds between the record and the candidate's source records.
    """
    from sightline.linkage.selectors import current_person_id

    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != MatchCandidate.Status.PENDING:
        raise ValidationError("This match has already been decided.")
    note = (note or "").strip()
    record_person = Person.objects.get(pk=current_person_id(candidate.record.person_id))
    other = Person.objects.get(pk=current_person_id(candidate.candidate_id))
    candidate.other_record_ids = list(other.source_records.values_list("pk", flat=True))
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.note = note[:2000]
    if same_person:
        candidate.status = MatchCandidate.Status.LINKED
        if record_person.pk != other.pk:
            candidate.change = person_merge(
                actor=actor,
                survivor=other,
                merged=record_person,
                reason=f"Review decision: the same person. {note}".strip(),
            )
    else:
        if record_person.pk == other.pk:
            raise ValidationError(
                "These records are on the same person now: split them from the merges page."
            )
        candidate.status = MatchCandidate.Status.KEPT_APART
    candidate.save()
    audit.record_change(
        actor=actor,
        action="linkage.match_linked" if same_person else "linkage.match_kept_apart",
        target=candidate,
        person_id=other.pk,
        detail={"record": candidate.record_id, "note": note, "change": candidate.change_id},
    )
    return candidate


@transaction.atomic
def person_change_undo_by_user(*, actor: User, change: PersonChange) -> PersonChange:
    from sightline.linkage.changes import person_change_undo

    return person_change_undo(actor=actor, change=change)
