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
from sightline.linkage.features import (
    FEATURE_SQL,
    HOUSE_SQL,
    STREET_SQL,
    address_key,
    nickname_pairs,
)
from sightline.linkage.scoring import SHARED_IDENTIFIER, TWIN_FIRST_NAMES, complete_model

logging.getLogger("splink").setLevel(logging.WARNING)

BLOCKING_RULES = (
    "l.dob = r.dob AND substr(l.given, 1, 1) = substr(r.given, 1, 1)",
    "l.dob = r.dob AND substr(l.family, 1, 1) = substr(r.family, 1, 1)",
    "l.family = r.family AND l.given = r.given",
    "l.postcode = r.postcode AND l.given = r.given",
    "l.family = r.family AND l.postcode = r.postcode",
    "l.dob = r.dob AND l.postcode = r.postcode",  # names the wrong way round, or mangled
    # names the wrong way round without a postcode (the per-event blocking's "same birthday")
    "l.dob = r.dob AND substr(l.given, 1, 1) = substr(r.family, 1, 1)",
    "l.dob = r.dob AND substr(l.family, 1, 1) = substr(r.given, 1, 1)",
    # a slip in the birthday (the per-event blocking's "same family and year of birth")
    "l.family = r.family AND substr(l.dob, 1, 4) = substr(r.dob, 1, 4)",
    # no birthday or postcode and a slip in a name: the same street line (house and street)
    "l.addr = r.addr AND substr(l.given, 1, 1) = substr(r.given, 1, 1)",
    "l.addr = r.addr AND l.family = r.family",
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
    if not con.sql(
        "SELECT 1 FROM duckdb_functions() WHERE function_name = 'sightline_address_key'"
    ).fetchall():
        con.create_function(
            "sightline_address_key", address_key, ["VARCHAR"], "VARCHAR", side_effects=False
        )
    con.sql(f"CREATE OR REPLACE TABLE _features AS {FEATURE_SQL.format(table=raw_table)}")
    enrich(con, "_features", out)
    con.sql("DROP TABLE _features")


def enrich(con: duckdb.DuckDBPyConnection, table: str, out: str = "records") -> None:
    """Add the nickname groups of first names (`given_variants`) and the house number and
    street of the address key (`house`, `street`) to a feature table."""
    pairs = nickname_pairs()
    con.sql("CREATE OR REPLACE TABLE _nicknames (name VARCHAR, variant VARCHAR)")
    con.executemany("INSERT INTO _nicknames VALUES (?, ?)", pairs)
    con.sql(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT f.*, coalesce(v.variants, CASE WHEN f.given IS NULL THEN NULL
                                              ELSE [f.given] END) AS given_variants,
               nullif({HOUSE_SQL.format(addr="f.addr")}, '') AS house,
               nullif({STREET_SQL.format(addr="f.addr")}, '') AS street
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
        f" AND ({is_level(GIVEN.name, *(TWIN_FIRST_NAMES - {''}))} OR {g[GIVEN.name]} = -1)"
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


@dataclass
class _Held:
    """What each record holds that a link must agree with: arrays aligned with the sorted
    record ids, '' where a record has no such value."""

    record: np.ndarray
    nhs: np.ndarray
    upn: np.ndarray
    dob: np.ndarray

    @classmethod
    def of(
        cls,
        ids: Iterable[int],
        identifiers: Mapping[int, tuple[str, str]],
        birthdays: Mapping[int, str],
    ) -> _Held:
        record = np.unique(np.fromiter(ids, dtype=np.int64))
        column = {name: np.full(len(record), "", dtype=object) for name in ("nhs", "upn", "dob")}
        for name, values in (
            ("nhs", {r: v[0] for r, v in identifiers.items()}),
            ("upn", {r: v[1] for r, v in identifiers.items()}),
            ("dob", birthdays),
        ):
            at = _positions(record, np.fromiter(values, dtype=np.int64, count=len(values)))
            found = at >= 0
            column[name][at[found]] = np.asarray(list(values.values()), dtype=object)[found]
            column[name][column[name] == None] = ""  # noqa: E711 (elementwise)
        return cls(record, column["nhs"], column["upn"], column["dob"])

    def identifiers(self, where: np.ndarray) -> dict[int, tuple[str, str]]:
        return {
            r: (n, u)
            for r, n, u in zip(
                self.record[where].tolist(),
                self.nhs[where].tolist(),
                self.upn[where].tolist(),
                strict=True,
            )
            if n or u
        }

    def birthdays(self, where: np.ndarray) -> dict[int, str]:
        return {
            r: d
            for r, d in zip(self.record[where].tolist(), self.dob[where].tolist(), strict=True)
            if d
        }


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
    records kept apart.

    Most groups of linked records can never meet a refusal: the NHS numbers, UPNs and dates
    of birth their records carry are all alike, and nobody recorded a decision about them.
    Such a group is simply a connected component of the links (found with numpy). Only the
    other groups go through the greedy loop, edge by edge; the answer is the same as the loop
    over every edge (`_greedy`), in a fraction of the time.
    """
    held = _Held.of(ids, identifiers or {}, birthdays or {})
    return _cluster(
        held,
        edges,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        constraints=constraints or Constraints(),
    )


def _cluster(
    held: _Held,
    edges: Edges,
    *,
    link_threshold: float,
    review_threshold: float,
    constraints: Constraints,
) -> Clustering:
    record = held.record
    n = len(record)
    left, right = _positions(record, edges.left), _positions(record, edges.right)
    if (left < 0).any() or (right < 0).any():
        raise ValueError("An edge joins a record that is not among the ids.")
    kept = edges.probability >= review_threshold
    link = kept & (edges.probability >= link_threshold) & ~edges.guarded
    must = _pair_positions(record, constraints.must_link)
    apart = _pair_positions(record, constraints.cannot_link)
    component = _components(
        n, np.concatenate([left[link], must[:, 0]]), np.concatenate([right[link], must[:, 1]])
    )
    hard = _disagreeing(held, component)
    hard.update(component[must[:, 0]].tolist())
    together = component[apart[:, 0]] == component[apart[:, 1]]
    hard.update(component[apart[together, 0]].tolist())
    root = record[component]  # the smallest record id of each record's component
    refused = 0
    if hard:
        in_hard = np.isin(component, np.fromiter(hard, dtype=np.int64))
        hard_links = link & in_hard[left]
        greedy = _greedy(
            record[in_hard].tolist(),
            Edges(
                left=edges.left[hard_links],
                right=edges.right[hard_links],
                probability=edges.probability[hard_links],
                guarded=edges.guarded[hard_links],
            ),
            link_threshold=link_threshold,
            review_threshold=review_threshold,
            identifiers=held.identifiers(in_hard),
            birthdays=held.birthdays(in_hard),
            constraints=constraints,
        )
        root[in_hard] = [greedy.cluster_of[r] for r in record[in_hard].tolist()]
        refused = greedy.refused
    cluster_of = dict(zip(record.tolist(), root.tolist(), strict=True))
    # uncertain pairs (and twins-pattern pairs), strongest first, left in different clusters
    uncertain = np.flatnonzero(kept & ~link)
    uncertain = uncertain[np.argsort(-edges.probability[uncertain], kind="stable")]
    uncertain = uncertain[root[left[uncertain]] != root[right[uncertain]]]
    below_link = np.minimum(edges.probability[uncertain], math.nextafter(link_threshold, 0))
    review = list(
        zip(
            edges.left[uncertain].tolist(),
            edges.right[uncertain].tolist(),
            below_link.tolist(),
            strict=True,
        )
    )
    return Clustering(cluster_of=cluster_of, review=review, refused=refused)


def _positions(record: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each id's position in the sorted array `record`, or -1 when it is not there."""
    ids = np.asarray(ids, dtype=np.int64)
    if not len(record):
        return np.full(len(ids), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(record, ids), len(record) - 1)
    return np.where(record[at] == ids, at, -1)


def _pair_positions(record: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Positions of the pairs whose two records are both in `record` (an array n x 2)."""
    at = _positions(record, np.asarray(pairs, dtype=np.int64).reshape(-1)).reshape(-1, 2)
    return at[(at >= 0).all(axis=1)]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph on 0..n-1 with edges a-b: each node's label is the
    smallest node of its component (minimum label hooking and pointer jumping)."""
    label = np.arange(n, dtype=np.int64)
    while len(a):
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        new = label.copy()
        for nodes in (a, b, la, lb):
            np.minimum.at(new, nodes, low)
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            break
        label = new
    return label


def _disagreeing(held: _Held, component: np.ndarray) -> set[int]:
    """Components whose records hold two NHS numbers, UPNs or dates of birth that are not
    alike (where the greedy loop might refuse a link). Values one slip apart (a mistyped
    NHS number, a day and month swapped) never refuse a link."""
    several = np.bincount(component, minlength=len(component))[component] > 1
    disagreeing: set[int] = set()
    for values, alike in ((held.nhs, _id_alike), (held.upn, _id_alike), (held.dob, _dob_alike)):
        where = several & (values != "")
        keys, held_values = component[where], values[where].astype(str)
        order = np.lexsort((held_values, keys))
        keys, held_values = keys[order], held_values[order]
        first = np.ones(len(keys), dtype=bool)  # each (component, value) once
        first[1:] = (keys[1:] != keys[:-1]) | (held_values[1:] != held_values[:-1])
        keys, held_values = keys[first], held_values[first]
        repeated = np.zeros(len(keys), dtype=bool)  # components with two values or more
        repeated[1:] = keys[1:] == keys[:-1]
        repeated[:-1] |= repeated[1:]
        found: dict[int, list[str]] = {}
        for key, value in zip(keys[repeated].tolist(), held_values[repeated].tolist(), strict=True):
            found.setdefault(key, []).append(value)
        for key, distinct in found.items():
            if not all(alike(x, y) for i, x in enumerate(distinct) for y in distinct[i + 1 :]):
                disagreeing.add(key)
    return disagreeing


def _greedy(
    ids: Iterable[int],
    edges: Edges,
    *,
    link_threshold: float,
    review_threshold: float,
    identifiers: Mapping[int, tuple[str, str]] | None = None,
    birthdays: Mapping[int, str] | None = None,
    constraints: Constraints | None = None,
) -> Clustering:
    """`cluster`, edge by edge over every edge: the reference it must agree with."""
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
        if rb in apart:  # (a forced link may join two records also kept apart: it wins)
            others = apart.pop(rb) - {ra}
            mine = apart.setdefault(ra, set())
            mine.discard(rb)
            mine.update(others)
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
    held = con.sql(
        f"SELECT unique_id, coalesce(nhs, ''), coalesce(upn, ''), coalesce(dob, '') "
        f"FROM {table} ORDER BY unique_id"
    ).fetchnumpy()
    columns = [np.asarray(column) for column in held.values()]
    return _cluster(
        _Held(columns[0].astype(np.int64), *(c.astype(object) for c in columns[1:])),
        edges,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        constraints=constraints or Constraints(),
    )
