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
   - match probability at or above the link threshold (the one the model in use was
     calibrated to by `sightline linkage train`; for the shipped model
     `LINKAGE_LINK_THRESHOLD`, 0.99): linked;
   - at or above `LINKAGE_REVIEW_THRESHOLD` (0.80): a new person for now, and the possible
     match (up to three) in the review queue, where a data-quality user links them (a merge)
     or keeps them apart;
   - below: a new person.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.core.rows import rows_insert, rows_read
from sightline.core.transactions import on_rollback, service_atomic
from sightline.linkage import conf
from sightline.linkage.changes import person_merge
from sightline.linkage.comparisons import COMPARISONS, Comparison
from sightline.linkage.features import Features, features_of
from sightline.linkage.index import (
    CANDIDATE_COLUMNS,
    CatchUpMarks,
    candidate_rows,
    candidate_values,
    holder_values,
    index_catch_up,
    index_new_record,
    newest_ids,
    row_features,
    row_features_of,
    term_frequencies,
)
from sightline.linkage.merges import current_person_id, person_retired
from sightline.linkage.model_versions import active_version_row
from sightline.linkage.models import LinkageRecord, MatchCandidate, ModelVersion, PersonChange
from sightline.linkage.scoring import (
    Model,
    Score,
    TermFrequencies,
    load_shipped_model,
    score,
)
from sightline.people.models import Person, SourceRecord
from sightline.people.services import people_written, person_create, source_record_link

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
    address_since: dt.date | None = None  # a new person has lived at the address since then


@dataclass(frozen=True)
class Resolution:
    person: Person
    record: SourceRecord
    method: Method
    created_person: bool


# --- The model in use ----------------------------------------------------------------------

_model_cache: dict[int, Model] = {}


def _active() -> tuple[Model, float]:
    """The model in use and its link threshold (read once per resolution session)."""
    session = _session_now()
    if session is not None and session.model is not None and session.threshold is not None:
        return session.model, session.threshold
    version, threshold = active_version_row()
    model = _model_cache.get(version)
    if model is None:
        data = ModelVersion.objects.get(pk=version).parameters if version else load_shipped_model()
        model = Model.from_json(data)
        _model_cache.clear()
        _model_cache[version] = model
    if session is not None:
        session.model, session.threshold = model, threshold
    return model, threshold


def active_model() -> Model:
    """The newest trained model not rolled back, or the shipped one when there is none."""
    return _active()[0]


def link_threshold() -> float:
    """At or above this match probability a record is linked without review: the threshold
    the model in use was calibrated to (`sightline linkage train`), else the setting."""
    return _active()[1]


# --- Many resolutions at once --------------------------------------------------------------


@dataclass
class _Session:
    """What many resolutions in one transaction (a feed batch) read once."""

    model: Model | None = None
    threshold: float | None = None
    tf: TermFrequencies | None = None
    tf_read: bool = False
    marks: CatchUpMarks | None = None
    # Source records that existed when the session began, by (agency code, record id), read
    # once for a batch (`records_known`); records the batch adds are looked up as they come.
    known: dict[tuple[str, str], SourceRecord] = field(default_factory=dict)
    absent: set[tuple[str, str]] = field(default_factory=set)  # named, but not there then
    added: set[tuple[str, str]] = field(default_factory=set)  # linked by this session
    written: int | None = None  # `people_written()` when the session last caught up


_sessions = threading.local()


def _session_now() -> _Session | None:
    return getattr(_sessions, "current", None)


@contextmanager
def resolution_session() -> Iterator[None]:
    """Resolve many records in one transaction (a feed import's batch of lines).

    The model and the name frequencies are read once, and the index is brought up to date
    with other apps' writes only when the newest source record or person is not one this
    session has seen indexed. Use inside the batch's transaction: on SQLite nobody else can
    write meanwhile; on PostgreSQL, people another process adds during the batch are indexed
    by the next batch at the latest.
    """
    if _session_now() is not None:
        yield
        return
    _sessions.current = _Session()
    try:
        yield
    finally:
        _sessions.current = None


def records_known(named: Iterable[tuple[str, str]]) -> None:
    """Read the source records a batch names (agency code, record id) in one query, so that
    resolving each of them later needs none. Only inside `resolution_session`."""
    session = _session_now()
    if session is None:
        return
    by_agency: dict[str, set[str]] = {}
    for code, record_id in named:
        by_agency.setdefault(code, set()).add(record_id)
    for code, record_ids in by_agency.items():
        ids = sorted(record_ids)
        for start in range(0, len(ids), 500):
            rows = SourceRecord.objects.select_related("person", "agency").filter(
                agency__code=code, record_id__in=ids[start : start + 500]
            )
            for record in rows:
                session.known[(code, record.record_id)] = record
        session.absent.update((code, i) for i in ids if (code, i) not in session.known)


def _known_record(agency: Agency, record_id: str) -> SourceRecord | None:
    """The agency's record of that id: from the batch's reading when it was there, else from
    the database (a record another line of the batch added, or outside a batch)."""
    session = _session_now()
    if session is not None:
        key = (agency.code, record_id)
        record = session.known.get(key)
        if record is not None:
            return record
        if key in session.absent and key not in session.added:
            return None  # not there when the batch began, and the batch has not added it
    return (
        SourceRecord.objects.select_related("person")
        .filter(agency=agency, record_id=record_id)
        .first()
    )


def _term_frequencies() -> TermFrequencies | None:
    session = _session_now()
    if session is None:
        return term_frequencies()
    if not session.tf_read:
        session.tf, session.tf_read = term_frequencies(), True
    return session.tf


def _marks_valid(session: _Session) -> CatchUpMarks | None:
    """The session's marks: `_set_marks` forgets them when the feed line that moved them is
    rolled back (`core.transactions.on_rollback`)."""
    return session.marks


def _set_marks(session: _Session, marks: CatchUpMarks) -> None:
    if not connection.in_atomic_block:
        session.marks = None
        return

    def forget() -> None:
        if session.marks is marks:
            session.marks = None

    session.marks = marks
    on_rollback(forget)


def _catch_up() -> None:
    """Index what other apps wrote (once per session unless someone else wrote since).

    Nothing to look for when this thread has written no person or source record since the
    session last looked (or indexed its own): on SQLite nobody else can write meanwhile, and
    on PostgreSQL other processes' writes wait for the next session, as they always have."""
    session = _session_now()
    if session is None:
        index_catch_up()
        return
    if session.written is not None and session.written == people_written():
        return
    marks = _marks_valid(session)
    newest = newest_ids()
    if marks is None or newest != marks:
        index_catch_up(after=marks)
        _set_marks(session, newest)
    session.written = people_written()


def _indexed_own(record: SourceRecord, person: Person, created: bool) -> None:
    """A record (and perhaps a person) this session created and indexed itself: when they are
    the next ids after the marks, nobody else wrote in between and the marks move on."""
    session = _session_now()
    if session is None:
        return
    marks = _marks_valid(session)
    if marks is None:
        return
    if record.pk != marks.record + 1 or (created and person.pk != marks.person + 1):
        session.marks = session.written = None
        return
    _set_marks(session, CatchUpMarks(record.pk, person.pk if created else marks.person))
    session.written = people_written()


# --- Resolution ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: int
    row: LinkageRecord
    score: Score


def _most_likely(candidate: Candidate) -> tuple[float, float, int]:
    """Most likely first; between equals, the person Sightline has known longest."""
    return (-candidate.score.match_probability, -candidate.score.match_weight, candidate.person_id)


def best_candidates(features: Features, date_of_birth: dt.date | None) -> list[Candidate]:
    """Blocked candidates scored, best row per person, most likely first."""
    model = active_model()
    tf = _term_frequencies()
    hold = link_threshold()
    best: dict[int, Candidate] = {}
    for row in candidate_rows(features, date_of_birth):
        scored = score(features, row_features(row), model, tf, hold_below=hold)
        current = best.get(row.person_id)
        if current is None or scored.match_weight > current.score.match_weight:
            best[row.person_id] = Candidate(row.person_id, row, scored)
    return sorted(best.values(), key=_most_likely)


def _bits(probability: float) -> float:
    return math.log2(probability / (1 - probability)) if 0 < probability < 1 else -math.inf


# A stand-in record with every field present, to ask a comparison whether the incoming
# record's own side is missing (then the comparison weighs nothing against any row).
_FULL = Features(
    given="x",
    family="x",
    given_variants=frozenset({"x"}),
    dob="1900-01-01",
    sex="U",
    nhs="0",
    upn="0",
    postcode="X",
    sector="X",
    district="X",
    addr="x",
)
# Cheapest first: a row is usually ruled out before any edit distance is computed.
_COST = {
    "sex": 0,
    "address": 1,
    "nhs_number": 2,
    "upn": 3,
    "family_name": 4,
    "date_of_birth": 5,
    "given_name": 6,
}


@dataclass(frozen=True)
class _Check:
    """How one comparison is bounded for an incoming record (see `resolution_candidates`)."""

    comparison: Comparison
    first: float  # the most its first (exact) level can weigh, name frequencies included
    others: float  # the most any other level can weigh
    weights: dict[str, float]

    @property
    def most(self) -> float:
        return max(0.0, self.first, self.others)


def _checks(features: Features, model: Model, tf: TermFrequencies | None) -> list[_Check]:
    """A check per comparison whose incoming side is present, cheapest first.

    The first level's weight is the scorer's own for this record: scoring the record against
    itself gives it, name frequencies included (the scorer weighs an exact name by how
    common the incoming record's name is, the same for every row that has it). The other
    levels weigh the model's weights, as in `scoring.score`.
    """
    own = score(features, features, model, tf, hold_below=2.0)
    checks = []
    for comparison, weighed in zip(COMPARISONS, own.fields, strict=True):
        if comparison.is_null(features, _FULL):
            continue
        weights = model.weights[comparison.name]
        first_name = comparison.levels[0].name
        first = weighed.weight if weighed.level == first_name else weights[first_name]
        others = max(w for name, w in weights.items() if name != first_name)
        checks.append(_Check(comparison, first, others, weights))
    return sorted(checks, key=lambda c: _COST.get(c.comparison.name, len(_COST)))


def _sql_bound(features: Features, checks: list[_Check]) -> tuple[str, list[object]]:
    """The weight a row can reach at most, as SQL on the index columns: the prior is left out,
    and each comparison weighs what its levels that the columns can tell apart (equalities)
    give, and at most the best of the rest. The levels are those of
    `sightline.linkage.comparisons` (tests/test_resolve_bounds.py holds the two together)."""
    parts: list[str] = []
    params: list[object] = []

    def case(whens: Sequence[tuple[str, Sequence[object], float]], otherwise: float) -> None:
        sql = "CASE"
        for condition, values, weight in whens:
            sql += f" WHEN {condition} THEN %s"
            params.extend([*values, weight])
        parts.append(f"{sql} ELSE %s END")
        params.append(otherwise)

    for check in checks:
        name, w = check.comparison.name, check.weights
        column = _SIMPLE_COLUMNS.get(name)
        if column is not None:
            value = getattr(features, _FEATURE_OF[name])
            case(
                [(f"{column} = ''", [], 0.0), (f"{column} = %s", [value], check.first)],
                check.others,
            )
        elif name == "date_of_birth":
            whens: list[tuple[str, Sequence[object], float]] = [
                ("dob = ''", [], 0.0),
                ("dob = %s", [features.dob], check.first),
            ]
            rest = [weight for level, weight in w.items() if level not in ("exact", "swapped")]
            dob = features.dob
            if len(dob) == 10 and "swapped" in w:
                whens.append(("dob = %s", [f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"], w["swapped"]))
            else:
                rest.append(w.get("swapped", check.others))
            if len(dob) == 10 and "different" in w:
                # Two ISO dates of the same length one edit apart differ in at most 2 places,
                # two edits apart in at most 4 (an edit never moves a dash): counting the
                # digits that differ rules most blocked rows out here.
                differ = " + ".join(
                    f"(CASE WHEN substr(dob, {i + 1}, 1) = %s THEN 0 ELSE 1 END)"
                    for i in _DOB_DIGITS
                )
                digits = [dob[i] for i in _DOB_DIGITS]
                near = [wt for level, wt in w.items() if level not in ("exact", "swapped")]
                far = [
                    wt for level, wt in w.items() if level not in ("exact", "swapped", "one_digit")
                ]
                whens.append(("length(dob) <> 10", [], max(rest)))
                whens.append((f"({differ}) <= 2", digits, max(near)))
                whens.append((f"({differ}) <= 4", digits, max(far)))
                case(whens, w["different"])
            else:
                case(whens, max(rest))
        elif name == "address":
            # Levels beyond an equality on the columns weigh at most `slip` (street lines
            # alike) or what the areas or streets give; nothing when either side is missing.
            a = features
            sector, district = _POSTCODE_PART.format(cut=2), _POSTCODE_PART.format(cut=3)
            slip = w["street_slip"] if a.street else -math.inf
            whens = [("postcode = '' AND addr = ''", [], 0.0)]
            if a.postcode and a.addr:
                whens.append(("postcode = %s AND addr = %s", [a.postcode, a.addr], w["exact"]))
            if a.postcode:
                whens.append(("postcode = %s", [a.postcode], w["postcode"]))
            if a.addr:
                whens.append(("addr = %s", [a.addr], max(w["line"], w["street"])))
            if a.sector:
                whens.append((f"{sector} = %s", [a.sector], max(w["sector"], slip)))
            if a.district:
                whens.append((f"{district} = %s", [a.district], max(w["district"], slip)))
                whens.append(("postcode <> ''", [], max(w["different"], slip)))
            if a.street:
                whens.append(("addr <> ''", [], max(w["other_street"], slip)))
            case(whens, 0.0)
        else:  # a comparison this does not know: at most its best
            parts.append("%s")
            params.append(check.most)
    return (" + ".join(parts) or "0"), params


_DOB_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9)  # where an ISO date's digits are
# The sector (cut 2) or district (cut 3) of an index row's postcode, as `postcode_parts`.
_POSTCODE_PART = (
    "(CASE WHEN postcode = '' THEN '' ELSE substr(postcode, 1, length(postcode) - {cut}) END)"
)
_SIMPLE_COLUMNS = {
    "nhs_number": "nhs",
    "upn": "upn",
    "sex": "sex",
    "given_name": "given",
    "family_name": "family",
}
_FEATURE_OF = {
    "nhs_number": "nhs",
    "upn": "upn",
    "sex": "sex",
    "given_name": "given",
    "family_name": "family",
}


def resolution_candidates(features: Features, date_of_birth: dt.date | None) -> list[Candidate]:
    """`best_candidates` less the persons who cannot reach the review threshold: those are
    never linked nor queued, so they need not be scored in full.

    A row is bounded before it is scored: its match weight is at most the prior plus, for
    each comparison, 0 when either side is missing, the first level's weight when that level
    holds (a cheap equality) and otherwise the best of the other levels. When that bound is
    below the review threshold, the comparisons that are not at their first level are
    weighed exactly, cheapest first, until the row is ruled out or kept. When even the best
    possible row would fall short, no row is read at all. The rows kept are scored by the
    scorer itself, so links and the review queue are exactly those of `best_candidates`.
    """
    model = active_model()
    tf = _term_frequencies()
    hold = link_threshold()
    cutoff = _bits(conf.review_threshold()) - 1e-6
    checks = _checks(features, model, tf)
    prior = model.prior_weight
    if prior + sum(check.most for check in checks) < cutoff:
        return []
    best: dict[int, Candidate] = {}
    expression, params = _sql_bound(features, checks)
    rows = candidate_values(features, date_of_birth, at_least=(expression, params, cutoff - prior))
    for pk, person_id, record_id, *columns in rows:
        other = row_features_of(*columns)
        reach = prior
        pending: list[_Check] = []
        for check in checks:
            comparison = check.comparison
            if comparison.is_null(features, other):
                continue
            if comparison.levels[0].test(features, other):
                reach += check.first
            else:
                reach += check.others
                pending.append(check)
        for check in pending:
            if reach < cutoff:
                break
            level = check.comparison.level_of(features, other)
            reach += (0.0 if level is None else check.weights[level.name]) - check.others
        if reach < cutoff:
            continue
        scored = score(features, other, model, tf, hold_below=hold)
        current = best.get(person_id)
        if current is None or scored.match_weight > current.score.match_weight:
            row = LinkageRecord(id=pk, person_id=person_id, source_record_id=record_id)
            best[person_id] = Candidate(person_id, row, scored)
    return sorted(best.values(), key=_most_likely)


def _person_of(candidate: Candidate) -> Person:
    """The candidate's person, read now (only the one linked to is ever read)."""
    (person,) = rows_read(Person, "id = %s", [candidate.person_id])
    return person


def _by_identifier(
    features: Features, date_of_birth: dt.date | None, column: str
) -> tuple[Candidate | None, int | None]:
    """(trusted candidate, doubted person id) for an NHS number or UPN already on file."""
    value = getattr(features, column)
    if not value:
        return None, None
    held = holder_values(column, value)
    at = CANDIDATE_COLUMNS.index(column)
    person_ids = [row[1] for row in held if row[at] == value]
    if not person_ids:
        return None, None
    person_id = max(set(person_ids), key=person_ids.count)  # the usual holder of the number
    model, tf, hold = active_model(), _term_frequencies(), link_threshold()
    scored = [
        Candidate(
            person_id,
            LinkageRecord(id=pk, person_id=person_id, source_record_id=record_id),
            score(features, row_features_of(*columns), model, tf, hold_below=hold),
        )
        for pk, row_person_id, record_id, *columns in held
        if row_person_id == person_id
    ]
    found = max(scored, key=lambda c: c.score.weight_without_identifiers())
    disagree = (
        found.score.level("given_name") == "different"
        and found.score.level("date_of_birth") == "different"
    )
    if disagree or found.score.weight_without_identifiers() < conf.suspicious_identifier_weight():
        return None, person_id
    return found, None


@service_atomic
def source_record_resolve(*, actor: User | str, sent: RecordAsSent) -> Resolution:
    """Find (or create) the person a source record belongs to, and link the record."""
    existing = _known_record(sent.agency, sent.record_id)
    if existing is not None:
        return Resolution(existing.person, existing, "existing", False)
    _catch_up()
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
    also: list[Candidate] = []
    if found is None:
        candidates = [  # a doubted number's holder is never linked without review
            c
            for c in resolution_candidates(features, sent.date_of_birth)
            if c.person_id not in doubted
        ]
        if candidates and candidates[0].score.match_probability >= link_threshold():
            found, method = candidates[0], "probabilistic"
            also = [  # other persons the record links as strongly: one person, as in a rebuild
                c
                for c in candidates[1:]
                if c.score.match_probability >= link_threshold() and not c.score.guard
            ]
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
        person = _person_of(found)
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
            address={
                "line": sent.address_line,
                "postcode": sent.postcode,
                "moved_in": sent.address_since,
            }
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
        new=True,  # looked for first thing, in this transaction
        given_name=sent.given_name,
        family_name=sent.family_name,
        date_of_birth=sent.date_of_birth,
        sex=sent.sex[:1],
        nhs_number=features.nhs or sent.nhs_number[:10],
        upn=sent.upn[:13],
        address_line=sent.address_line,
        postcode=sent.postcode[:10],
    )
    index_new_record(record, features)  # the record was not there when this began
    session = _session_now()
    if session is not None:
        session.added.add((sent.agency.code, sent.record_id))
    _indexed_own(record, person, created)
    if found is not None:
        _link_record(actor=actor, record=record, person=person, found=found, method=method)
        if also:
            _join_linked(actor=actor, person=person, others=also)
    for candidate in review:
        _queue_for_review(
            actor=actor,
            record=record,
            person=person,
            candidate=candidate,
            reason=doubted.get(candidate.person_id, candidate.score.guard),
        )
    return Resolution(person, record, method, created)


_LINKED_BY = {
    "nhs_number": "Automatic link: same NHS number",
    "upn": "Automatic link: same UPN",
}


def _link_record(
    *, actor: Actor, record: SourceRecord, person: Person, found: Candidate, method: Method
) -> None:
    """Record an automatic link as a change the merges page lists and can undo (one plain
    insert: the feed's path stays free of per-line ORM queries)."""
    probability = found.score.match_probability
    reason = _LINKED_BY.get(
        method, f"Automatic link by the linkage model (match probability {probability:.3f})"
    )
    change = PersonChange(
        kind=PersonChange.Kind.LINK,
        from_person_id=person.pk,
        to_person_id=person.pk,
        moved={"people.sourcerecord": [record.pk]},
        filled={},
        ended={},
        reason=reason,
        made_by_id=actor.pk if isinstance(actor, User) and actor.pk else None,
        made_by_label=audit._label(actor)[:200],
        made_at=timezone.now(),
        undone_by_label="",
    )
    rows_insert([change])
    audit.record_change(
        actor=actor,
        action="linkage.record_linked",
        target=record,
        person_id=person.pk,
        detail={
            "change": change.pk,
            "method": method,
            "match_probability": round(probability, 6),
            "match_weight": round(found.score.match_weight, 2),
        },
    )


def _join_linked(*, actor: Actor, person: Person, others: list[Candidate]) -> None:
    """Merge into `person` the other persons the new record links to as strongly, as a rebuild
    puts all of them in one cluster (`batch.cluster`): unless their records hold NHS numbers,
    UPNs or dates of birth that are not alike, or a person kept them apart. Rare: only then
    are the persons read."""
    from sightline.linkage.batch import _dob_alike, _id_alike

    for candidate in sorted(others, key=_most_likely):
        held = LinkageRecord.objects.filter(
            person_id__in=[person.pk, candidate.person_id], source_record__isnull=False
        ).values_list("person_id", "nhs", "upn", "dob")
        values: dict[int, tuple[set[str], set[str], set[str]]] = {}
        for person_id, nhs, upn, dob in held:
            sets = values.setdefault(person_id, (set(), set(), set()))
            for i, value in enumerate((nhs, upn, dob)):
                if value:
                    sets[i].add(value)
        mine, theirs = values.get(person.pk), values.get(candidate.person_id)
        if (
            mine
            and theirs
            and not all(
                alike(x, y)
                for i, alike in enumerate((_id_alike, _id_alike, _dob_alike))
                for x in mine[i]
                for y in theirs[i]
            )
        ):
            continue
        kept_apart = MatchCandidate.objects.filter(
            status=MatchCandidate.Status.KEPT_APART,
            person_id__in=[person.pk, candidate.person_id],
            candidate_id__in=[person.pk, candidate.person_id],
        ).exists()
        other = Person.objects.filter(pk=candidate.person_id).first()
        if kept_apart or other is None or person_retired(other.pk):
            continue
        person_merge(
            actor=actor,
            survivor=person,
            merged=other,
            reason="Automatic: a new record links both persons (match probability "
            f"{candidate.score.match_probability:.3f})",
        )


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


def match_decision_problems(
    *, candidate: MatchCandidate, same_person: bool | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the match cannot be decided as given (None: nothing wrong); a decision
    not given (None) is not judged."""
    from sightline.linkage.merges import current_person_id

    problems = Problems()
    if candidate.status != MatchCandidate.Status.PENDING:
        problems.add(None, "This match has already been decided.")
    elif same_person is False and current_person_id(
        candidate.record.person_id
    ) == current_person_id(candidate.candidate_id):
        problems.add(
            None, "These records are on the same person now: split them from the merges page."
        )
    return problems.error()


@transaction.atomic
def match_candidate_decide(
    *, actor: User, candidate: MatchCandidate, same_person: bool, note: str = ""
) -> MatchCandidate:
    """Link the two (merge the record's person into the candidate) or keep them apart.

    The decision binds later rebuilds between the record and the candidate's source records.
    """
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    refuse(match_decision_problems(candidate=candidate, same_person=same_person))
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


@transaction.atomic
def match_candidate_reopen(*, actor: User, candidate: MatchCandidate) -> MatchCandidate:
    """Undo a keep-apart decision: the match waits for a decision again, and later rebuilds
    are no longer bound to keep the records apart. (A link is undone from the merges page.)"""
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status == MatchCandidate.Status.PENDING:
        raise ValidationError("This match is already waiting for a decision.")
    if candidate.status != MatchCandidate.Status.KEPT_APART:
        raise ValidationError(
            "Only a keep-apart decision is undone here: undo a link from the merges page."
        )
    was = {
        "decided_by": candidate.decided_by_id,
        "decided_at": candidate.decided_at.isoformat() if candidate.decided_at else None,
        "note": candidate.note,
    }
    candidate.status = MatchCandidate.Status.PENDING
    candidate.decided_by = None
    candidate.decided_at = None
    candidate.note = ""
    candidate.other_record_ids = []
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note", "other_record_ids"])
    audit.record_change(
        actor=actor,
        action="linkage.keep_apart_undone",
        target=candidate,
        person_id=candidate.candidate_id,
        detail={"record": candidate.record_id, "decision": was},
    )
    return candidate
