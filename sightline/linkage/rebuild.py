"""`sightline linkage rebuild` and `sightline linkage train`: batch re-linkage of every source
record, and re-estimating the model from the partnership's own records."""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from tqdm import tqdm

from sightline.core import audit
from sightline.linkage import conf
from sightline.linkage.batch import (
    Constraints,
    cluster_records,
    connect,
    enrich,
    model_from_splink,
    splink_settings,
)
from sightline.linkage.changes import Actor, person_merge, person_split
from sightline.linkage.index import index_rebuild, record_features
from sightline.linkage.model_versions import (
    active_link_threshold,
    active_parameters,
    review_labels,
)
from sightline.linkage.models import LinkageRecord, MatchCandidate, ModelVersion
from sightline.linkage.scoring import score
from sightline.people.models import Person, SourceRecord

EXPORT_SQL = """
CREATE OR REPLACE TABLE _exported AS
SELECT unique_id, nullif(given, '') AS given, nullif(family, '') AS family,
       nullif(dob, '') AS dob, nullif(sex, '') AS sex, nullif(nhs, '') AS nhs,
       nullif(upn, '') AS upn, nullif(postcode, '') AS postcode,
       CASE WHEN length(postcode) >= 5 THEN substr(postcode, 1, length(postcode) - 2) END
         AS sector,
       CASE WHEN length(postcode) >= 5 THEN substr(postcode, 1, length(postcode) - 3)
            WHEN length(postcode) BETWEEN 2 AND 4 THEN postcode END AS district,
       nullif(addr, '') AS addr
FROM _export_df
"""


def _export(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Every indexed source record into DuckDB table `records`; returns record -> person."""
    rows = list(
        LinkageRecord.objects.filter(source_record__isnull=False).values_list(
            "source_record_id",
            "person_id",
            "given",
            "family",
            "dob",
            "sex",
            "nhs",
            "upn",
            "postcode",
            "addr",
        )
    )
    frame = pd.DataFrame(
        [r[:1] + r[2:] for r in rows],
        columns=["unique_id", "given", "family", "dob", "sex", "nhs", "upn", "postcode", "addr"],
    )
    con.register("_export_df", frame)
    con.sql(EXPORT_SQL)
    con.unregister("_export_df")
    enrich(con, "_exported", "records")
    return {r[0]: r[1] for r in rows}


def _constraints() -> Constraints:
    constraints = Constraints()
    decided = MatchCandidate.objects.filter(
        status__in=[MatchCandidate.Status.LINKED, MatchCandidate.Status.KEPT_APART]
    ).values_list("record_id", "other_record_ids", "status")
    for record_id, others, status in decided:
        pairs = [(record_id, int(other)) for other in others]
        if status == MatchCandidate.Status.LINKED:
            constraints.must_link.extend(pairs)
        else:
            constraints.cannot_link.extend(pairs)
    return constraints


@dataclass
class RebuildSummary:
    records: int
    persons_before: int
    persons_after: int
    merges: int
    splits: int
    queued_for_review: int
    refused_by_rules: int
    # seconds per step: index (the linkage index rebuilt from source records), export (into
    # DuckDB), cluster (Splink predict and constrained clustering), apply (merges, splits and
    # the review queue, written to the database)
    seconds: dict[str, float] = field(default_factory=dict)


def _progress(items: Iterable[Any], *, total: int, desc: str) -> Iterable[Any]:
    return tqdm(items, total=total, desc=desc, disable=not sys.stderr.isatty(), unit="person")


def _on_terminal() -> bool:
    """Someone is watching: DuckDB's progress bar (drawn on standard output) may show."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def linkage_rebuild(*, actor: Actor, say: Callable[[str], None] = lambda _: None) -> RebuildSummary:
    """Re-link every source record in batch (Splink), respecting recorded review decisions.

    Records the model puts together end on one person (merges), records of one person it
    puts apart are split off, and uncertain pairs join the review queue. Every change is a
    merge or split that can be undone.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    say("Indexing source records")
    index_rebuild()
    seconds["index"] = time.perf_counter() - started
    started = time.perf_counter()
    con = connect(progress=_on_terminal())
    person_of = _export(con)
    seconds["export"] = time.perf_counter() - started
    started = time.perf_counter()
    say(f"Scoring {len(person_of)} source records with Splink")
    clustering = cluster_records(
        con,
        "records",
        active_parameters(),
        link_threshold=active_link_threshold(),
        review_threshold=conf.review_threshold(),
        constraints=_constraints(),
        tf_min_records=getattr(settings, "LINKAGE_TF_MIN_RECORDS", 2000),
    )
    con.close()
    seconds["cluster"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = _apply(actor=actor, person_of=person_of, clustering=clustering)
    seconds["apply"] = time.perf_counter() - started
    summary.seconds = seconds
    return summary


@transaction.atomic
def _apply(*, actor: Actor, person_of: dict[int, int], clustering: Any) -> RebuildSummary:
    persons_before = len(set(person_of.values()))
    members: dict[int, list[int]] = defaultdict(list)
    for record, root in clustering.cluster_of.items():
        members[root].append(record)
    clusters = sorted(members.values(), key=lambda rs: (-len(rs), min(rs)))
    home_of: dict[int, int | None] = {}
    taken: set[int] = set()
    for index, records in enumerate(clusters):
        counts = Counter(person_of[r] for r in records)
        ranked = sorted(counts, key=lambda p: (-counts[p], p))
        home = next((p for p in ranked if p not in taken), None)
        home_of[index] = home
        if home is not None:
            taken.add(home)
    remaining = Counter(person_of.values())
    merges = splits = 0
    changing = [
        (i, rs) for i, rs in enumerate(clusters) if any(person_of[r] != home_of[i] for r in rs)
    ]
    for index, records in _progress(changing, total=len(changing), desc="Re-linking"):
        home_id = home_of[index]
        by_person: dict[int, list[int]] = defaultdict(list)
        for record in records:
            if person_of[record] != home_id:
                by_person[person_of[record]].append(record)
        home_person: Person | None = Person.objects.get(pk=home_id) if home_id is not None else None
        for person_id, moving in sorted(by_person.items()):
            person = Person.objects.get(pk=person_id)
            if remaining[person_id] == len(moving) and person_id not in taken and home_person:
                person_merge(
                    actor=actor,
                    survivor=home_person,
                    merged=person,
                    reason="Rebuild: the model links these records",
                )
                merges += 1
            else:
                if remaining[person_id] == len(moving):
                    # all of them leave a person that is nobody's home_person: it becomes this one
                    home_of[index] = home_id = person_id
                    home_person = person
                    taken.add(person_id)
                    continue
                change = person_split(
                    actor=actor,
                    person=person,
                    records=list(SourceRecord.objects.filter(pk__in=moving)),
                    reason="Rebuild: the model puts these records apart",
                )
                splits += 1
                if home_person is None:
                    home_person = change.to_person
                    home_of[index] = home_person.pk
                else:
                    person_merge(
                        actor=actor,
                        survivor=home_person,
                        merged=change.to_person,
                        reason="Rebuild: the model links these records",
                    )
                    merges += 1
            remaining[person_id] -= len(moving)
            for record in moving:
                person_of[record] = home_person.pk
    queued = _queue_review(actor=actor, person_of=person_of, review=clustering.review)
    summary = RebuildSummary(
        records=len(person_of),
        persons_before=persons_before,
        persons_after=len(set(person_of.values())),
        merges=merges,
        splits=splits,
        queued_for_review=queued,
        refused_by_rules=clustering.refused,
    )
    audit.record(
        actor=actor,
        kind=audit.Kind.CHANGE,
        action="linkage.rebuilt",
        detail={k: v for k, v in asdict(summary).items() if k != "seconds"},
    )
    return summary


def _queue_review(
    *, actor: Actor, person_of: dict[int, int], review: list[tuple[int, int, float]]
) -> int:
    asked = {
        frozenset((r, c))
        for r, c in MatchCandidate.objects.filter(candidate_record__isnull=False).values_list(
            "record_id", "candidate_record_id"
        )
    }
    decided_apart = set(_constraints().cannot_link)
    queued = 0
    seen_persons: set[frozenset[int]] = set()
    for a, b, _p in sorted(review, key=lambda x: -x[2]):
        pa, pb = person_of[a], person_of[b]
        persons = frozenset((pa, pb))
        if pa == pb or persons in seen_persons or frozenset((a, b)) in asked:
            continue
        if (a, b) in decided_apart or (b, a) in decided_apart:
            continue
        seen_persons.add(persons)
        record, other = SourceRecord.objects.get(pk=a), SourceRecord.objects.get(pk=b)
        from sightline.linkage.services import active_model

        scored = score(record_features(record), record_features(other), active_model())
        queued_match = MatchCandidate.objects.create(
            record=record,
            person_id=pa,
            candidate_id=pb,
            candidate_record=other,
            match_probability=min(scored.match_probability, math.nextafter(1.0, 0)),
            match_weight=scored.match_weight,
            fields=[f.as_dict() for f in scored.fields],
            reason=scored.guard or "Found by a rebuild",
        )
        audit.record_change(
            actor=actor,
            action="linkage.match_queued",
            target=queued_match,
            person_id=pa,
            detail={"candidate": pb},
        )
        queued += 1
    return queued


# --- Training ------------------------------------------------------------------------------


@transaction.atomic
def _store_model(
    *,
    actor: Actor,
    parameters: dict[str, Any],
    records: int,
    note: str,
    expected: dict[str, Any] | None = None,
) -> ModelVersion:
    expected = expected or {}
    version = ModelVersion.objects.create(
        parameters=parameters,
        created_by_label=audit._label(actor)[:200],
        record_count=records,
        note=note,
        link_threshold=expected.get("threshold"),
        threshold_basis=expected.get("basis", ""),
        expected_precision=expected.get("precision"),
        expected_recall=expected.get("recall"),
        pairs_scored=expected.get("pairs", 0),
        labelled_pairs=expected.get("labelled", 0),
    )
    audit.record_change(
        actor=actor,
        action="linkage.model_trained",
        target=version,
        detail={
            "records": records,
            "note": note,
            "link_threshold": version.link_threshold,
            "previous": ModelVersion.objects.filter(rolled_back_at__isnull=True, id__lt=version.pk)
            .order_by("-id")
            .values_list("id", flat=True)
            .first(),
        },
    )
    from sightline.linkage.index import forget_term_frequencies

    forget_term_frequencies()
    return version


# Rules that almost only ever hold for one person: what Splink's prior estimate counts.
DETERMINISTIC_RULES = (
    "l.given = r.given AND l.family = r.family AND l.dob = r.dob",
    "l.nhs = r.nhs",
    "l.upn = r.upn",
)
DETERMINISTIC_RECALL = 0.7  # the share of true pairs those rules are taken to find
# Expectation maximisation on each of these in turn: every comparison is free in at least one.
# (Not on the street line: families share it, and EM then learns siblings as one person.)
EM_RULES = ("l.dob = r.dob", "l.family = r.family AND l.given = r.given")
TARGET_PRECISION = 0.999


def train_on(
    con: duckdb.DuckDBPyConnection,
    table: str,
    base: dict[str, Any],
    *,
    max_pairs: float = 2e6,
    seed: int = 42,
    labels: dict[tuple[int, int], bool] | None = None,
) -> dict[str, Any]:
    """Splink: the prior (the chance two random records match) from deterministic rules, u by
    random sampling, then m by expectation maximisation on each of `EM_RULES`; with the
    threshold that holds precision at `TARGET_PRECISION` by the model's own estimate (review
    decisions, `labels`, counted as they were decided) and the precision and recall expected
    there (`expected`)."""
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI(con).register(table), splink_settings(base), log_level=None)
    with contextlib.suppress(Exception):  # too few records to count: the base's prior stays
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in EM_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except Exception:  # noqa: BLE001,S112 (a blocking with too few pairs teaches nothing)
            continue
    model = model_from_splink(linker.misc.save_model_to_json(), base=base)
    model["estimated_probability_two_random_records_match"] = model[
        "probability_two_random_records_match"
    ]
    model["expected"] = expected_quality(con, table, model, labels)
    return model


# The model's own probabilities are overconfident where fields depend on each other (a family
# shares its surname and street; a name and birthday can recur in another family): calibrated
# on them alone, the threshold must hold a 30 times smaller share of false links than the
# target (on the generator's records a tenfold margin still linked 1.7 wrong pairs in
# 1,000). Review decisions are labels that need no such margin once there are enough.
MODEL_ONLY_MARGIN = 30.0
MIN_LABELS = 20
THRESHOLD_FLOOR = 0.9


def expected_quality(
    con: duckdb.DuckDBPyConnection,
    table: str,
    model: dict[str, Any],
    labels: dict[tuple[int, int], bool] | None = None,
) -> dict[str, Any]:
    """The model's estimate of its precision and recall, and the lowest link threshold (never
    below `THRESHOLD_FLOOR`) at which the estimated precision holds at `TARGET_PRECISION`.

    Every blocked pair scored at p >= 0.01 counts as p of a true pair, unless a review
    decision labels it (1 linked, 0 kept apart): estimated precision at a threshold is the
    mean of those values over the pairs at or above it that would be linked (not the twins
    pattern), estimated recall their sum over the sum of all. With fewer than `MIN_LABELS`
    labelled pairs the estimate is the model's alone and must hold at an error rate
    `MODEL_ONLY_MARGIN` times smaller than the target's."""
    from sightline.linkage.batch import predict

    edges = predict(con, table, model, threshold=0.01, term_frequencies=False)
    labels = labels or {}
    value = edges.probability.copy()
    labelled = np.zeros(len(value), dtype=bool)
    if labels and len(value):
        low = np.minimum(edges.left, edges.right)
        high = np.maximum(edges.left, edges.right)
        for i in np.flatnonzero(np.isin(low, np.fromiter((a for a, _ in labels), np.int64))):
            label = labels.get((int(low[i]), int(high[i])))
            if label is not None:
                labelled[i] = True
                value[i] = 1.0 if label else 0.0
    count = int(labelled.sum())
    basis = ModelVersion.ThresholdBasis.REVIEW if count >= MIN_LABELS else "model"
    target = (
        TARGET_PRECISION
        if basis == ModelVersion.ThresholdBasis.REVIEW
        else 1 - (1 - TARGET_PRECISION) / MODEL_ONLY_MARGIN
    )
    linkable = ~edges.guarded
    order = np.argsort(-edges.probability[linkable], kind="stable")
    p = edges.probability[linkable][order]
    v = value[linkable][order]
    total = float(value.sum())
    result: dict[str, Any] = {"pairs": int(len(value)), "labelled": count, "basis": str(basis)}
    if not len(p) or total <= 0:
        return {**result, "threshold": conf.link_threshold(), "precision": 1.0, "recall": 1.0}
    precision = np.cumsum(v) / np.arange(1, len(v) + 1)
    recall = np.cumsum(v) / total
    # a threshold is a score: pairs tied with the last one linked are linked too
    last_of_tie = np.r_[p[1:] != p[:-1], True]
    ok = np.flatnonzero((precision >= target) & (p >= THRESHOLD_FLOOR) & last_of_tie)
    if len(ok):
        at = int(ok[-1])
        threshold = float(p[at])
    else:  # no threshold holds: link nothing the model is less sure of than its best pair
        at, threshold = 0, float(np.nextafter(p[0], 2.0))
    return {
        **result,
        "threshold": math.floor(threshold * 1e6) / 1e6 if len(ok) else threshold,
        "precision": round(float(precision[at]), 6),
        "recall": round(float(recall[at]) if len(ok) else 0.0, 6),
        "target": target,
    }


def linkage_train(*, actor: Actor, max_pairs: float = 2e6, seed: int = 42) -> ModelVersion:
    """Re-estimate the model from the partnership's own records, calibrate its link threshold,
    and use it from now on (the previous version is kept to roll back to)."""
    index_rebuild()
    con = connect(progress=_on_terminal())
    person_of = _export(con)
    labels = review_labels()
    parameters = train_on(
        con, "records", active_parameters(), max_pairs=max_pairs, seed=seed, labels=labels
    )
    con.close()
    expected = parameters["expected"]
    basis = (
        "review decisions on "
        f"{expected['labelled']} of the pairs and the model's own probabilities for the rest"
        if expected["basis"] == ModelVersion.ThresholdBasis.REVIEW
        else "the model's own probabilities"
    )
    return _store_model(
        actor=actor,
        parameters=parameters,
        records=len(person_of),
        expected=expected,
        note=(
            f"Splink: the prior from deterministic rules "
            f"({parameters['probability_two_random_records_match']:.2g}), u by random sampling "
            f"({max_pairs:.0f} pairs), m by EM on {len(EM_RULES)} blockings. Link threshold "
            f"{expected['threshold']:.4f}, from {basis}: expected precision "
            f"{expected['precision']:.4f} and recall {expected['recall']:.4f} over "
            f"{expected['pairs']} scored pairs."
        ),
    )
