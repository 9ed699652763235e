"""Replay benchmark: every rule over 1 million synthetic events (about 50,000 children),
against a DuckDB scan that groups the same events by person, in the same run.

Run: `.venv/bin/python -m sightline.risk.bench [--quick]` (quick: 100,000 events). Prints a
markdown table. The database is a fresh SQLite file in a temporary directory; every person
and event is synthetic (seeded, so each run builds the same district).

The DuckDB baseline reads the same participant and event rows out of the same SQLite file
(DuckDB's SQLite scanner is an extension that needs a download, so the rows come through
Python's sqlite3 into an Arrow table) and groups them by person in time order. Its pure scan
time (over the Arrow table already in memory) is shown beside it. Both engines read the file
once before the timed runs, so neither pays for a cold page cache. The headline ratio is the
rules over all history (`engine.compute`, the per-person evaluation); storing the alerts
(`engine.replay`) is shown beside it, since the synthetic district raises many alerts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

SEED = 20251101
START = dt.datetime(2018, 1, 1)
SPAN_DAYS = 8 * 365

# (type, weight, roles) — the child is always named; some types name adults too.
MIX = [
    ("contact", 26),
    ("contact_decided", 6),
    ("ed_attendance", 9),
    ("appointment_not_brought", 9),
    ("injury_observed", 4),
    ("address_change", 4),
    ("domestic_abuse_incident", 10),
    ("assessment_started", 4),
    ("assessment_completed", 3),
    ("cin_plan_started", 1),
    ("cp_plan_started", 1),
    ("household_member_joined", 3),
    ("custody_release", 1),
    ("maternity_booking", 1),
    ("school_exclusion", 9),
    ("missing_episode", 9),
]


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def build(events: int, children: int) -> dict[str, int]:
    """Bulk-create the synthetic district straight into the tables (no per-row services)."""
    from django.db import connection, transaction

    from sightline.accounts.models import Agency
    from sightline.chronology.models import Event, Participant
    from sightline.people.models import Address, Person
    from sightline.testing import factories as f

    rng = random.Random(SEED)
    agencies = f.standard_agencies()
    agency_ids = [a.pk for a in agencies.values()]
    police = agencies["police"].pk
    types = [t for t, _ in MIX]
    weights = [w for _, w in MIX]
    person_table, event_table = Person._meta.db_table, Event._meta.db_table
    participant_table, address_table = Participant._meta.db_table, Address._meta.db_table
    now = _ts(dt.datetime(2026, 1, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        people = []
        for n in range(children):
            dob = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(18 * 365))
            people.append(("child", f"Child{n}", f"Family{n}", dob.isoformat(), now))
            people.append(("adult", f"Parent{n}", f"Family{n}", "1985-05-05", now))
            people.append(("adult", f"Partner{n}", f"Other{n}", "1983-03-03", now))
        cursor.executemany(
            f"INSERT INTO {person_table} (kind, given_name, family_name, date_of_birth, "  # noqa: S608
            "created_at, expected_date_of_birth, sex, nhs_number, upn, ethnicity, "
            "date_of_death, given_name_key, family_name_key, disabilities) "
            "VALUES (%s, %s, %s, %s, %s, NULL, 'U', '', '', '', NULL, '', '', '[]')",
            people,
        )
        first = Person.objects.order_by("pk").values_list("pk", flat=True).first() or 1
        family = [(first + 3 * n, first + 3 * n + 1, first + 3 * n + 2) for n in range(children)]
        addresses = []
        for n, (child, parent, partner) in enumerate(family):
            line, postcode = f"{n} Bench Street", f"BD{n % 99} {n % 9}AA"
            addresses += [
                (child, line, postcode, "2006-01-01"),
                (parent, line, postcode, "2006-01-01"),
            ]
            if n % 5 == 0:
                addresses.append((partner, line, postcode, "2006-01-01"))
        cursor.executemany(
            f"INSERT INTO {address_table} (person_id, line, town, postcode, moved_in, "  # noqa: S608
            "moved_out, source_id, created_at) VALUES (%s, %s, '', %s, %s, NULL, NULL, %s)",
            [(*a, now) for a in addresses],
        )
        next_id = (Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        participants = 0
        batch_events, batch_participants = [], []
        for number in range(events):
            child, parent, partner = family[number % children]
            kind = rng.choices(types, weights)[0]
            moment = START + dt.timedelta(minutes=rng.randrange(SPAN_DAYS * 1440))
            at = _ts(moment)
            details: dict[str, object] = {}
            people_in = [(child, "child")]
            if kind == "contact":
                details = {
                    "referral_source": rng.choice(["1A", "2A", "3E", "6", "9"]),
                    "outcome": rng.choice(["nfa", "nfa", "advice", "early_help", "referral"]),
                }
            elif kind == "domestic_abuse_incident":
                details = {
                    "child_present": rng.random() < 0.5,
                    "dash_yes_count": rng.randrange(0, 20),
                    "risk_level": rng.choice(["standard", "medium", "high"]),
                }
                people_in = [(parent, "victim"), (partner, "perpetrator")]
                if rng.random() < 0.5:
                    people_in.append((child, "child"))
            elif kind == "injury_observed":
                details = {"injury": "bruise", "independently_mobile": rng.random() < 0.8}
            elif kind == "household_member_joined":
                people_in.append((partner, "member"))
            elif kind == "custody_release":
                details = {
                    "release_address": {
                        "line": f"{number % children} Bench Street",
                        "postcode": f"BD{(number % children) % 99} {(number % children) % 9}AA",
                    }
                }
                people_in = [(partner, "subject")]
            elif kind == "maternity_booking":
                people_in = [(child, "mother")]
            event_id = next_id + number
            batch_events.append(
                (
                    event_id,
                    kind,
                    at,
                    moment.date().isoformat(),
                    now,
                    f"Synthetic {kind}",
                    json.dumps(details),
                    rng.choice(agency_ids if kind != "domestic_abuse_incident" else [police]),
                    f"B-{number}",
                    "Bench feed",
                )
            )
            batch_participants += [(event_id, pid, role, at) for pid, role in people_in]
            if len(batch_events) >= 20000 or number == events - 1:
                cursor.executemany(
                    f"INSERT INTO {event_table} (id, type, occurred_at, occurred_on, "  # noqa: S608
                    "recorded_at, summary, details, source_id, source_event_id, "
                    "recorded_by_label, recorded_by_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)",
                    batch_events,
                )
                cursor.executemany(
                    f"INSERT INTO {participant_table} (event_id, person_id, role, occurred_at) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s)",
                    batch_participants,
                )
                participants += len(batch_participants)
                batch_events, batch_participants = [], []
    del Agency
    return {"events": events, "participants": participants, "people": 3 * children}


def duckdb_group(database: Path) -> tuple[float, float, int, int]:
    """Read the same rows from the SQLite file and group them by person with DuckDB.

    Returns (read + group seconds, group-only seconds, groups, rows read)."""
    import duckdb
    import pyarrow as pa

    duckdb.connect().close()  # imports and start-up are not part of the scan
    start = time.perf_counter()
    source = sqlite3.connect(database)
    rows = source.execute(
        "SELECT p.person_id, e.id, e.type, e.occurred_at, p.role, e.details "
        "FROM chronology_participant p JOIN chronology_event e ON e.id = p.event_id"
    ).fetchall()
    source.close()
    read = len(rows)
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {
            "person_id": pa.array(columns[0], pa.int64()),
            "event_id": pa.array(columns[1]),
            "type": pa.array(columns[2]),
            "occurred_at": pa.array(columns[3]),
            "role": pa.array(columns[4]),
            "details": pa.array(columns[5]),
        }
    )
    del rows, columns
    grouped = time.perf_counter()
    con = duckdb.connect()
    con.register("events", table)
    groups = con.sql(
        "SELECT count(*) FROM (SELECT person_id, list(struct_pack(event_id, type, occurred_at, "
        "role, details) ORDER BY occurred_at, event_id) AS stream FROM events "
        "GROUP BY person_id)"
    ).fetchall()[0][0]
    end = time.perf_counter()
    con.close()
    return end - start, end - grouped, groups, read


def run(quick: bool) -> str:
    events = 100_000 if quick else 1_000_000
    children = 5_000 if quick else 50_000
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "bench.sqlite3"
        _setup(database)
        from sightline.risk import engine
        from sightline.risk.models import Alert

        started = time.perf_counter()
        sizes = build(events, children)
        built = time.perf_counter() - started

        # Read the file once with each engine first, so both run on a warm page cache.
        duckdb_group(database)
        engine.compute()

        started = time.perf_counter()
        computed = engine.compute()
        compute_seconds = time.perf_counter() - started

        started = time.perf_counter()
        result = engine.replay()
        replay_seconds = time.perf_counter() - started
        alerts = Alert.objects.count()

        started = time.perf_counter()
        again = engine.replay()
        rerun_seconds = time.perf_counter() - started

        duck_total, duck_scan, groups, read = min(duckdb_group(database) for _ in range(2))
        # The baseline reads the rows the replay's streams read: every participation with its
        # event, grouped into one stream per person who has events.
        from sightline.chronology.models import Participant

        assert read == Participant.objects.count() == sizes["participants"], read
        assert groups == Participant.objects.values("person_id").distinct().count(), groups
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = compute_seconds / duck_total
    lines = [
        f"### Rule replay ({'quick' if quick else 'full'}: {sizes['events']:,} events, "
        f"{sizes['participants']:,} participations, {sizes['people']:,} people)",
        "",
        "| measure | seconds | note |",
        "| --- | ---: | --- |",
        f"| build the synthetic district (bulk insert) | {built:.1f} | not part of the ratio |",
        f"| evaluate every rule, all history (no writes) | {compute_seconds:.1f} | "
        f"{len(computed):,} alert instances |",
        f"| replay: evaluate and store the alerts | {replay_seconds:.1f} | "
        f"{alerts:,} alerts ({result.counts()['raised']:,} raised) |",
        f"| replay again (alerts already in step) | {rerun_seconds:.1f} | "
        f"{again.counts()['raised']} raised, {again.counts()['removed']} removed |",
        f"| DuckDB: read the same rows and group them by person | {duck_total:.1f} | "
        f"{groups:,} people |",
        f"| DuckDB: group by person only (rows in memory) | {duck_scan:.2f} | |",
        f"| **rules over all history / DuckDB read and group** | **{ratio:.1f}x** | "
        "target: within 10x |",
        f"| replay with alerts stored / DuckDB read and group | "
        f"{replay_seconds / duck_total:.1f}x | target: within 10x |",
        f"| replay again / DuckDB read and group | {rerun_seconds / duck_total:.1f}x | |",
        f"| rules over all history / DuckDB group only | {compute_seconds / duck_scan:.0f}x | |",
        f"| peak memory (MB) | {peak:,.0f} | whole process |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 events instead of 1M")
    args = parser.parse_args()
    sys.stdout.write(run(args.quick) + "\n")


if __name__ == "__main__":
    main()
