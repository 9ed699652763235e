# ruff: noqa: S608 (table names in SQL here are internal identifiers, never user input)
"""Linkage in batch with Splink on DuckDB: the same comparisons and parameters as the
per-event scorer, then clustering that respects what people decided.

`cluster_records` is the engine (a DuckDB table of records in, a cluster per record out);
`sightline.linkage.rebuild` applies its answer to the database, `sightline.linkage.training`
re-estimates the model. Splink's plain connected components would chain twins together
through a record that matches both; here edges are added strongest first and an edge is
refused when it would put two different NHS numbers (or UPNs) in one person, join records a
person kept apart, or when it has the twins pattern.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import jellyfish
import numpy as np

from sightline.linkage.comparisons import COMPARISONS, DOB, FAMILY, GIVEN, NHS, UPN
from sightline.linkage.features import FEATURE_SQL, nickname_pairs
from sightline.linkage.scoring import SHARED_IDENTIFIER, complete_model

logging.getLogger("splink").setLevel(logging.WARNING)

BLOCKING_RULES = (
    "l.dob = r.dob AND substr(l.given, 1, 1) = substr(r.given, 1, 1)",
    "l.dob = r.dob AND substr(l.family, 1, 1) = substr(r.family, 1, 1)",
    "l.family = r.family AND l.given = r.given",
    "l.postcode = r.postcode AND l.given = r.given",
    "l.family = r.family AND l.postcode = r.postcode",
    "l.dob = r.dob AND l.postcode = r.postcode",  # names the wrong way round, or mangled
    "l.nhs = r.nhs",
    "l.upn = r.upn",
)

# (sightline level name) per gamma value: Splink numbers a comparison's levels from the
# least alike (0) upwards, and -1 for the null level.
GAMMA = {
    c.name: {len(c.levels) - 1 - i: level.name for i, level in enumerate(c.levels)}
    for c in COMPARISONS
}


def connect(*, progress: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the batch (Splink runs on the connection it is given).

    DuckDB draws a progress bar on standard output for long queries; it is off unless asked
    for (a person watching a terminal), so output redirected to a file stays clean.
    """
    con = duckdb.connect()
    con.sql(f"SET enable_progress_bar = {str(progress).lower()}")
    return con


def splink_settings(
    model: Mapping[str, Any],
    *,
    blocking_rules: Iterable[str] = BLOCKING_RULES,
    term_frequencies: bool = True,
) -> dict[str, Any]:
    """A Splink settings dictionary from a Sightline model JSON (same levels, same m and u).

    Without `term_frequencies` (too few records to tell how common a name is) exact name
    matches weigh by the model's u probability, as in the per-event scorer.
    """
    model = complete_model(model)
    tf_min = float(model.get("tf_minimum_u_value", 0.0005))
    comparisons = []
    for comparison in COMPARISONS:
        params = model["comparisons"][comparison.name]
        levels: list[dict[str, Any]] = [
            {
                "sql_condition": comparison.null_sql,
                "is_null_level": True,
                "label_for_charts": "null",
            }
        ]
        for i, level in enumerate(comparison.levels):
            entry: dict[str, Any] = {
                "sql_condition": level.sql,
                "label_for_charts": level.name,
                "m_probability": params[level.name]["m"],
                "u_probability": params[level.name]["u"],
            }
            if i == 0 and comparison.tf_column and term_frequencies:
                entry["tf_adjustment_column"] = comparison.tf_column
                entry["tf_adjustment_weight"] = 1.0
                entry["tf_minimum_u_value"] = tf_min
            levels.append(entry)
        comparisons.append({"output_column_name": comparison.name, "comparison_levels": levels})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": model["probability_two_random_records_match"],
        "blocking_rules_to_generate_predictions": list(blocking_rules),
        "comparisons": comparisons,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,  # the gamma columns
        "additional_columns_to_retain": [],
    }


def model_from_splink(settings: Mapping[str, Any], *, base: Mapping[str, Any]) -> dict[str, Any]:
    """A Sightline model JSON from a trained Splink settings dictionary."""
    base = complete_model(base)
    out = {
        **base,
        "probability_two_random_records_match": settings["probability_two_random_records_match"],
        "comparisons": {},
    }
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = {}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            fallback = base["comparisons"][name][level["label_for_charts"]]
            m = level.get("m_probability")
            u = level.get("u_probability")
            levels[level["label_for_charts"]] = {
                "m": float(m) if m is not None and not math.isnan(m) else fallback["m"],
                "u": float(u) if u is not None and not math.isnan(u) else fallback["u"],
            }
        out["comparisons"][name] = levels
    return out


def prepare(con: duckdb.DuckDBPyConnection, raw_table: str, out: str = "records") -> None:
    """Raw records (given_name, family_name, date_of_birth, sex, nhs_number, upn, postcode,
    address_line; NHS numbers and UPNs already checked) to the feature table `out`."""
    con.sql(f"CREATE OR REPLACE TABLE _features AS {FEATURE_SQL.format(table=raw_table)}")
    enrich(con, "_features", out)
    con.sql("DROP TABLE _features")


def enrich(con: duckdb.DuckDBPyConnection, table: str, out: str = "records") -> None:
    """Add the nickname groups of first names (`given_variants`) to a feature table."""
    pairs = nickname_pairs()
    con.sql("CREATE OR REPLACE TABLE _nicknames (name VARCHAR, variant VARCHAR)")
    con.executemany("INSERT INTO _nicknames VALUES (?, ?)", pairs)
    con.sql(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT f.*, coalesce(v.variants, CASE WHEN f.given IS NULL THEN NULL
                                              ELSE [f.given] END) AS given_variants
        FROM {table} f
        LEFT JOIN (SELECT name, list(variant ORDER BY variant) AS variants
                   FROM _nicknames GROUP BY name) v ON v.name = f.given
        """
    )


@dataclass
class Edges:
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    guarded: np.ndarray  # the twins pattern: never linked without a person deciding


def predict(
    con: duckdb.DuckDBPyConnection,
    table: str,
    model: Mapping[str, Any],
    *,
    threshold: float,
    term_frequencies: bool = True,
) -> Edges:
    """Scored pairs at or above `threshold` (Splink predict on DuckDB)."""
    from splink import DuckDBAPI, Linker

    settings = splink_settings(model, term_frequencies=term_frequencies)
    db_api = DuckDBAPI(con)
    records = db_api.register(table)
    linker = Linker(records, settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    name = predictions.physical_name
    g = {c.name: f"gamma_{c.name}" for c in COMPARISONS}

    def is_level(comparison: str, *levels: str) -> str:
        gammas = [k for k, v in GAMMA[comparison].items() if v in levels]
        return f"{g[comparison]} IN ({', '.join(str(x) for x in gammas)})"

    guard = (
        f"({is_level(DOB.name, 'exact', 'swapped')}) AND ({is_level(FAMILY.name, 'exact', 'typo')})"
        f" AND ({is_level(GIVEN.name, 'similar', 'different')})"
        f" AND NOT ({is_level(NHS.name, *SHARED_IDENTIFIER)})"
        f" AND NOT ({is_level(UPN.name, *SHARED_IDENTIFIER)})"
    )
    rows = con.sql(
        f"SELECT unique_id_l, unique_id_r, match_probability, {guard} AS guarded FROM {name}"
    ).fetchnumpy()
    predictions.drop_table_from_database_and_remove_from_cache()
    return Edges(
        left=np.asarray(rows["unique_id_l"], dtype=np.int64),
        right=np.asarray(rows["unique_id_r"], dtype=np.int64),
        probability=np.asarray(rows["match_probability"], dtype=np.float64),
        guarded=np.asarray(rows["guarded"], dtype=bool),
    )


@dataclass
class Constraints:
    """Decisions people recorded: pairs of records that must, or must not, be one person."""

    must_link: list[tuple[int, int]] = field(default_factory=list)
    cannot_link: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Clustering:
    cluster_of: dict[int, int]  # record id -> cluster id (the smallest record id in it)
    review: list[tuple[int, int, float]]  # uncertain pairs left in different clusters
    refused: int  # edges above the threshold refused by a constraint


def _id_alike(a: str, b: str) -> bool:
    """The same identifier, or one slip apart (a transposed pair of digits)."""
    return a == b or jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _dob_alike(a: str, b: str) -> bool:
    return a == b or _swapped(a, b) or jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _swapped(a: str, b: str) -> bool:
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


class _UnionFind:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root


def cluster(
    ids: Iterable[int],
    edges: Edges,
    *,
    link_threshold: float,
    review_threshold: float,
    identifiers: Mapping[int, tuple[str, str]] | None = None,
    birthdays: Mapping[int, str] | None = None,
    constraints: Constraints | None = None,
) -> Clustering:
    """Greedy constrained clustering: strongest edges first; refuse an edge that would put
    two different NHS numbers or UPNs, or two far-apart dates of birth, in one cluster (a
    record with no date of birth must not bridge a father and his namesake son), or join
    records kept apart."""
    constraints = constraints or Constraints()
    identifiers = identifiers or {}
    uf = _UnionFind(ids)
    nhs: dict[int, set[str]] = {}
    upn: dict[int, set[str]] = {}
    dobs: dict[int, set[str]] = {r: {d} for r, d in (birthdays or {}).items() if d}
    for record, (n, u) in identifiers.items():
        if n:
            nhs[record] = {n}
        if u:
            upn[record] = {u}
    size: dict[int, int] = {}
    apart: dict[int, set[int]] = {}  # root -> roots it must stay apart from (kept in step)
    for a, b in constraints.cannot_link:
        if a in uf.parent and b in uf.parent:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)

    def union(a: int, b: int, *, forced: bool = False) -> bool:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return True
        if not forced and rb in apart.get(ra, ()):
            return False
        # Two single records: their own score already weighed any disagreement. A record
        # joining a group must agree with all of it (no bridging a father and his son).
        if not forced and (size.get(ra, 1) > 1 or size.get(rb, 1) > 1):
            na, nb = nhs.get(ra), nhs.get(rb)
            if na and nb and not all(_id_alike(x, y) for x in na for y in nb):
                return False
            ua, ub = upn.get(ra), upn.get(rb)
            if ua and ub and not all(_id_alike(x, y) for x in ua for y in ub):
                return False
            da, db = dobs.get(ra), dobs.get(rb)
            if da and db and not all(_dob_alike(x, y) for x in da for y in db):
                return False
        if len(apart.get(ra, ())) < len(apart.get(rb, ())):
            ra, rb = rb, ra
        uf.parent[rb] = ra
        size[ra] = size.get(ra, 1) + size.pop(rb, 1)
        for store in (nhs, upn, dobs):
            if rb in store:
                store.setdefault(ra, set()).update(store.pop(rb))
        if rb in apart:
            others = apart.pop(rb)
            apart.setdefault(ra, set()).update(others)
            for other in others:
                peers = apart[other]
                peers.discard(rb)
                peers.add(ra)
        return True

    for a, b in constraints.must_link:
        if a in uf.parent and b in uf.parent:
            union(a, b, forced=True)
    order = np.argsort(-edges.probability, kind="stable")
    left, right, prob, guarded = edges.left, edges.right, edges.probability, edges.guarded
    refused = 0
    review: list[tuple[int, int, float]] = []
    for i in order.tolist():
        p = prob[i]
        if p < review_threshold:
            break
        a, b = int(left[i]), int(right[i])
        if p >= link_threshold and not guarded[i]:
            if not union(a, b):
                refused += 1
        else:
            review.append((a, b, float(min(p, math.nextafter(link_threshold, 0)))))
    cluster_of = {record: uf.find(record) for record in uf.parent}
    roots: dict[int, int] = {}
    for record in sorted(cluster_of):
        roots.setdefault(cluster_of[record], record)
    cluster_of = {record: roots[root] for record, root in cluster_of.items()}
    still_apart = [(a, b, p) for a, b, p in review if cluster_of[a] != cluster_of[b]]
    return Clustering(cluster_of=cluster_of, review=still_apart, refused=refused)


def cluster_records(
    con: duckdb.DuckDBPyConnection,
    table: str,
    model: Mapping[str, Any],
    *,
    link_threshold: float,
    review_threshold: float,
    constraints: Constraints | None = None,
    tf_min_records: int = 2000,
) -> Clustering:
    """Predict with Splink, then cluster with the constraints (the whole batch engine)."""
    count = con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    edges = predict(
        con, table, model, threshold=review_threshold, term_frequencies=count >= tf_min_records
    )
    ids = con.sql(f"SELECT unique_id FROM {table}").fetchnumpy()["unique_id"].tolist()
    ident = con.sql(
        f"SELECT unique_id, coalesce(nhs, ''), coalesce(upn, '') FROM {table} "
        "WHERE nhs IS NOT NULL OR upn IS NOT NULL"
    ).fetchall()
    # only records in some edge matter for the birthday rule
    birthdays = con.sql(f"SELECT unique_id, dob FROM {table} WHERE dob IS NOT NULL").fetchnumpy()
    return cluster(
        ids,
        edges,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        identifiers={int(r[0]): (r[1], r[2]) for r in ident},
        birthdays=dict(
            zip(birthdays["unique_id"].tolist(), birthdays["dob"].tolist(), strict=True)
        ),
        constraints=constraints,
    )
