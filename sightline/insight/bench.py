"""Census export benchmark: the CIN census XML for a district of Bradford's size, against a
plain SQL extraction of the same rows in the same run.

Bradford's children's social care takes about 9,000 referrals a year (DOMAIN.md section 8).
Three years of history are bulk-created in a scratch SQLite database (episodes, assessments,
strategy discussions and S47 enquiries, conferences, CP and CIN plans, reviews), then the
2025-26 return is written (to a null sink) and timed, with its peak Python memory
(tracemalloc), beside one SQL query per table reading the same rows. Target: the export
within 3 times the plain extraction.

`.venv/bin/python -m sightline.insight.bench [--quick]` prints a markdown table.
"""

# ruff: noqa: S608 (the extraction's SQL is fixed text; its dates go as parameters)

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TARGET_RATIO = 3.0
FIRST_YEAR = 2023
SOURCES = ["1A", "2A", "3A", "3B", "3E", "4", "5A", "5D", "6", "6", "6", "8", "9"]
NEEDS = ["N1", "N1", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"]
CATEGORIES = ["NEG", "NEG", "EMO", "PHY", "SAB", "MUL"]
FACTORS = ["3B", "4B", "2B", "1B", "16A", "17A", "18C", "10A", "24A", "6A", "14A", "20"]


@dataclass
class Timing:
    seconds: float
    peak_mb: float


@dataclass
class BenchResult:
    referrals_per_year: int
    children: int
    episodes: int
    assessments: int
    s47s: int
    cp_plans: int
    cin_plans: int
    exported_children: int
    exported_episodes: int
    export: Timing
    sql: Timing
    sql_rows: int

    @property
    def ratio(self) -> float:
        return self.export.seconds / self.sql.seconds if self.sql.seconds else 0.0


def _measure(work: Callable[[], Any]) -> tuple[Timing, Any]:
    """Time one run; peak Python memory from a second run under tracemalloc (which slows
    allocation-heavy code several times over, so it is never timed)."""
    gc.collect()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Timing(seconds=seconds, peak_mb=peak / 2**20), result


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def district_build(*, referrals_per_year: int, seed: int = 7) -> dict[str, int]:  # noqa: C901
    """Three census years of casework, written with bulk_create."""
    from sightline.accounts.models import Agency, Team, User
    from sightline.casework.models import (
        Assessment,
        Conference,
        Episode,
        Plan,
        S47Enquiry,
        StrategyDiscussion,
    )
    from sightline.core.working_days import add_working_days
    from sightline.people.models import Person, SourceRecord

    rng = random.Random(seed)
    agency = Agency.objects.create(code="csc", name="Bench Social Care", kind="social_care")
    team = Team.objects.create(agency=agency, name="Bench Team")
    worker = User.objects.create_user(
        username="bench.worker", agency=agency, team=team, role="social_worker"
    )
    years = 3
    total = referrals_per_year * years
    # About one child in six is referred again within the three years.
    child_count = int(total * 0.83)
    people = Person.objects.bulk_create(
        [
            Person(
                kind="child",
                given_name="Bench",
                family_name=f"Child{n}",
                date_of_birth=dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(6000)),
                sex=rng.choice("MF"),
                ethnicity=rng.choice(["WBRI", "APKN", "MWBC", "AIND", "NOBT"]),
            )
            for n in range(child_count)
        ],
        batch_size=2000,
    )
    SourceRecord.objects.bulk_create(
        [
            SourceRecord(agency=agency, person=p, record_id=f"LA{p.pk:08d}", given_name="Bench")
            for p in people
        ],
        batch_size=2000,
    )
    # Each child's referrals, spread over the three years, never overlapping.
    starts: dict[int, list[dt.date]] = {}
    first = dt.date(FIRST_YEAR, 4, 1)
    for n in range(total):
        person = people[n % child_count]
        day = first + dt.timedelta(days=rng.randrange(365 * years))
        starts.setdefault(person.pk, []).append(day)
    episodes: list[Episode] = []
    for child_id, days in starts.items():
        days.sort()
        for index, day in enumerate(days):
            following = days[index + 1] if index + 1 < len(days) else None
            nfa = rng.random() < 0.12
            length = 0 if nfa else rng.randrange(20, 500)
            closed: dt.date | None = day + dt.timedelta(days=length)
            if following is not None and closed is not None and closed >= following:
                closed = following - dt.timedelta(days=1)
            if following is None and not nfa and rng.random() < 0.35:
                closed = None
            if closed is not None and closed < day:
                closed = day
            if closed is not None and closed > dt.date(FIRST_YEAR + years, 3, 31):
                closed = None
            episodes.append(
                Episode(
                    child_id=child_id,
                    referral_date=day,
                    referral_source=rng.choice(SOURCES),
                    primary_need="" if nfa else rng.choice(NEEDS),
                    referral_nfa=nfa,
                    team=team,
                    lead_social_worker=worker,
                    closure_date=closed,
                    closure_reason=("RC8" if nfa else rng.choice(["RC7", "RC8", "RC9", "RC7"]))
                    if closed
                    else "",
                    created_by=worker,
                )
            )
    episodes = Episode.objects.bulk_create(episodes, batch_size=2000)
    assessments, discussions, plans = [], [], []
    s47_for: list[tuple[Episode, dt.date]] = []
    for episode in episodes:
        if episode.referral_nfa:
            continue
        end = episode.closure_date or dt.date(FIRST_YEAR + years, 3, 31)
        start = min(episode.referral_date + dt.timedelta(days=rng.randrange(0, 3)), end)
        authorised = min(start + dt.timedelta(days=rng.randrange(10, 60)), end)
        assessments.append(
            Assessment(
                episode=episode,
                start_date=start,
                due_date=add_working_days(episode.referral_date, 45),
                authorised_date=authorised,
                completed_date=authorised,
                factors=rng.sample(FACTORS, rng.randrange(1, 4)),
                created_by=worker,
            )
        )
        span = (end - authorised).days
        if episode.closure_reason in ("RC8", "RC9") or span < 30:
            continue
        if rng.random() < 0.18:
            s47_for.append((episode, start))
        elif rng.random() < 0.45:
            plans.append(
                Plan(
                    episode=episode,
                    kind="cin",
                    status="confirmed",
                    start_date=authorised + dt.timedelta(days=3),
                    end_date=episode.closure_date,
                    created_by=worker,
                )
            )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    for episode, start in s47_for:
        discussions.append(
            StrategyDiscussion(
                episode=episode,
                held_at=dt.datetime.combine(start, dt.time(10), tzinfo=dt.UTC),
                information_shared="Shared",
                s47_decided=True,
                chaired_by=worker,
            )
        )
    discussions = StrategyDiscussion.objects.bulk_create(discussions, batch_size=2000)
    enquiries = S47Enquiry.objects.bulk_create(
        [
            S47Enquiry(
                episode=d.episode,
                strategy_discussion=d,
                start_date=d.held_at.date(),
                icpc_target_date=add_working_days(d.held_at.date(), 15),
                created_by=worker,
            )
            for d in discussions
        ],
        batch_size=2000,
    )
    conferences, not_required = [], []
    for s47 in enquiries:
        if rng.random() < 0.6:
            day = _weekday(s47.start_date + dt.timedelta(days=rng.randrange(10, 21)))
            conferences.append(
                Conference(
                    episode=s47.episode,
                    kind="initial",
                    s47=s47,
                    conference_date=day,
                    due_date=s47.icpc_target_date,
                    decision="cp_plan",
                    category=rng.choice(CATEGORIES),
                    created_by=worker,
                )
            )
        else:
            s47.icpc_not_required = True
            s47.completed_date = s47.start_date + dt.timedelta(days=10)
            not_required.append(s47)
    S47Enquiry.objects.bulk_update(not_required, ["icpc_not_required", "completed_date"])
    conferences = Conference.objects.bulk_create(conferences, batch_size=2000)
    reviews = []
    for icpc in conferences:
        episode = icpc.episode
        ended = episode.closure_date
        plans.append(
            Plan(
                episode=episode,
                kind="cp",
                status="ended" if ended else "confirmed",
                start_date=icpc.conference_date,
                end_date=ended,
                icpc=icpc,
                initial_category=icpc.category,
                latest_category=icpc.category,
                created_by=worker,
            )
        )
        review = _weekday(icpc.conference_date + dt.timedelta(days=84))
        while review <= (ended or dt.date(FIRST_YEAR + years, 3, 31)):
            reviews.append(
                Conference(
                    episode=episode,
                    kind="review",
                    conference_date=review,
                    due_date=review,
                    decision="continue",
                    created_by=worker,
                )
            )
            review = _weekday(review + dt.timedelta(days=182))
    Plan.objects.bulk_create(plans, batch_size=2000)
    Conference.objects.bulk_create(reviews, batch_size=2000)
    return {
        "children": child_count,
        "episodes": len(episodes),
        "assessments": len(assessments),
        "s47s": len(enquiries),
        "cp_plans": len(conferences),
        "cin_plans": len(plans) - len(conferences),
    }


class _Sink:
    """Counts what it is given and keeps none of it (the export's own cost, not a disk's)."""

    def __init__(self) -> None:
        self.characters = 0

    def write(self, text: str, /) -> int:
        self.characters += len(text)
        return len(text)


def sql_extract(year: int) -> int:
    """The same rows and columns with plain SQL, as the export reads them: the return's
    children with the LA's record of each, their episodes in the year, those episodes'
    assessments, S47 enquiries (with their conference), plans (with the conference that began
    a CP plan) and conferences up to the reference date, and every CP plan each child has had
    (for NumberOfPreviousCPP). One query per table, in no particular order beyond the children
    and episodes (the export's own ordering is part of its cost)."""
    from django.db import connection

    from sightline.people.services import social_care_agency

    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    window = "e.referral_date <= %s AND (e.closure_date IS NULL OR e.closure_date >= %s)"
    in_year = [end, start]
    children = f"(SELECT e.child_id FROM casework_episode e WHERE {window})"
    # The queries are fixed text (no input reaches them); values go as parameters.
    queries: list[tuple[str, list[Any]]] = [
        (
            "SELECT p.id, p.kind, p.date_of_birth, p.expected_date_of_birth, p.sex, p.upn, "
            "p.ethnicity, p.date_of_death, s.record_id FROM people_person p "
            "LEFT JOIN people_sourcerecord s ON s.person_id = p.id AND s.agency_id = %s "
            f"WHERE p.id IN {children} ORDER BY p.id",
            [social_care_agency().pk, *in_year],
        ),
        (
            "SELECT e.id, e.child_id, e.referral_date, e.referral_source, e.primary_need, "
            "e.closure_date, e.closure_reason, e.referral_nfa FROM casework_episode e "
            f"WHERE {window} ORDER BY e.child_id, e.referral_date",
            in_year,
        ),
        (
            "SELECT a.episode_id, a.start_date, a.authorised_date, a.factors "
            "FROM casework_assessment a JOIN casework_episode e ON e.id = a.episode_id "
            f"WHERE {window} AND a.start_date <= %s",
            [*in_year, end],
        ),
        (
            "SELECT s.episode_id, s.start_date, s.icpc_target_date, s.completed_date, "
            "s.icpc_not_required, c.conference_date FROM casework_s47enquiry s "
            "JOIN casework_episode e ON e.id = s.episode_id "
            f"LEFT JOIN casework_conference c ON c.s47_id = s.id WHERE {window} "
            "AND s.start_date <= %s",
            [*in_year, end],
        ),
        (
            "SELECT pl.episode_id, pl.kind, pl.start_date, pl.end_date, pl.initial_category, "
            "pl.latest_category, c.category FROM casework_plan pl JOIN casework_episode e ON "
            "e.id = pl.episode_id LEFT JOIN casework_conference c ON c.id = pl.icpc_id "
            f"WHERE {window} AND pl.start_date <= %s",
            [*in_year, end],
        ),
        (
            "SELECT c.episode_id, c.kind, c.conference_date, c.s47_id FROM casework_conference c "
            f"JOIN casework_episode e ON e.id = c.episode_id WHERE {window} "
            "AND c.conference_date <= %s",
            [*in_year, end],
        ),
        (
            "SELECT pe.child_id, pl.start_date FROM casework_plan pl "
            "JOIN casework_episode pe ON pe.id = pl.episode_id "
            f"WHERE pl.kind = 'cp' AND pl.start_date <= %s AND pe.child_id IN {children}",
            [end, *in_year],
        ),
    ]
    rows = 0
    with connection.cursor() as cursor:
        for query, params in queries:
            cursor.execute(query, params)
            while batch := cursor.fetchmany(2000):
                rows += len(batch)
    return rows


def bench_census(*, referrals_per_year: int) -> BenchResult:
    from sightline.insight.census import CensusYear
    from sightline.insight.census_xml import census_xml_write

    built = district_build(referrals_per_year=referrals_per_year)
    census = CensusYear(FIRST_YEAR + 2)
    sql_extract(census.year)  # warm the page cache, as the export will find it
    sql, rows = _measure(lambda: sql_extract(census.year))
    export, summary = _measure(lambda: census_xml_write(census, _Sink()))
    return BenchResult(
        referrals_per_year=referrals_per_year,
        **built,
        exported_children=summary.children,
        exported_episodes=summary.episodes,
        export=export,
        sql=sql,
        sql_rows=rows,
    )


def markdown(result: BenchResult) -> str:
    verdict = "meets" if result.ratio <= TARGET_RATIO else "MISSES"
    return "\n".join(
        [
            "| step | rows | seconds | peak memory (MB) |",
            "| --- | ---: | ---: | ---: |",
            f"| plain SQL extraction of the same rows | {result.sql_rows:,} | "
            f"{result.sql.seconds:.2f} | {result.sql.peak_mb:.1f} |",
            f"| census XML export ({result.exported_children:,} children, "
            f"{result.exported_episodes:,} episodes) | | {result.export.seconds:.2f} | "
            f"{result.export.peak_mb:.1f} |",
            "",
            f"- District: {result.referrals_per_year:,} referrals a year for three years "
            f"({result.episodes:,} episodes of {result.children:,} children; "
            f"{result.assessments:,} assessments, {result.s47s:,} S47 enquiries, "
            f"{result.cp_plans:,} CP plans, {result.cin_plans:,} CIN plans), census year "
            f"{FIRST_YEAR + 2}-{(FIRST_YEAR + 3) % 100:02d}, SQLite.",
            f"- The export takes {result.ratio:.1f} times the plain extraction: it {verdict} "
            f"the target of {TARGET_RATIO:.0f} times.",
        ]
    )


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 referrals a year")
    parser.add_argument("--referrals", type=int, help="referrals a year (default 9,000)")
    args = parser.parse_args(argv)
    referrals = args.referrals or (1_000 if args.quick else 9_000)
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(f"sqlite:///{tmp}/census.sqlite3")
        print(markdown(bench_census(referrals_per_year=referrals)))


if __name__ == "__main__":
    main()
