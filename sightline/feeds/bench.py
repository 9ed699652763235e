"""Ingest benchmark: feed events per second into a database already holding many people.

The database is first given `persons` people (100,000 by default), bulk-created in households
of four, each with a source record, an address and, for most, an NHS number. Then `events`
synthetic feed lines
(2,000 by default) are imported through `feed_import`, the path of `sightline import-events`
(check, resolve every person through linkage, record on the chronology, addresses and
households, the front door for pending contacts): a transaction per batch of lines, a
savepoint per line; the chronology listeners run once per batch after it commits, so the rule
catalogue is included in the time. The median and 95th percentile are per line. Two mixes are
run one after the other: the headline, a new feed (half the people in the events already known
by the sending agency's record id, a fifth known to another agency under the same NHS number,
the rest new), then a running feed (80%, 10%, 10%).

Target (issue "Agency feeds, Think Family linkage and the cumulative-risk rule catalogue"):
at least 200 events per second on SQLite. Run alone:
`.venv/bin/python -m sightline.feeds.bench [--quick]`; `make bench` calls `bench_ingest`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Synthetic names, made up from syllables (never real people's), drawn with a long-tailed
# frequency like real names: the commonest family name is held by under 1% of people and the
# commonest given name by about 2%, as in England's population.
_ONSETS = ["B", "D", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "oo"]
_CODAS = ["", "n", "r", "l", "s", "th", "x", "ck", "m", "ny"]
_ENDS = ["ley", "ton", "wick", "by", "more", "dale", "ford", "ham", "well", "croft"]
_STREET_KINDS = ["Road", "Lane", "Street", "Avenue", "Close", "Grove", "Way", "Row"]


def _given_pool() -> list[str]:
    return [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS][:800]


def _family_pool() -> list[str]:
    return ["Test" + (o + v + e).lower() for o in _ONSETS for v in _VOWELS for e in _ENDS][:1200]


def _long_tail(rng: random.Random, pool: list[str], flat: int, count: int) -> list[str]:
    """`count` draws from `pool`, the name of rank r drawn with weight 1 / (r + flat)."""
    weights = [1 / (rank + flat) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=count)


HOUSEHOLD = 4  # people per household in the bench district: two adults, two children
GIVEN = _given_pool()
FAMILY = _family_pool()
STREETS = [
    f"{o}{v}{e} {k}"
    for o in _ONSETS
    for v in _VOWELS[:4]
    for e in _ENDS[:4]
    for k in _STREET_KINDS[:2]
]
CODES = ["police", "health", "hospital", "school", "housing", "csc"]


@dataclass(frozen=True)
class District:
    """Who the bench's bulk-created people are: person n lives in household n // HOUSEHOLD,
    which shares one family name and one address."""

    given: list[str]
    family: list[str]
    born: list[dt.date]

    @classmethod
    def of(cls, persons: int, seed: int = 5) -> District:
        rng = random.Random(seed)
        households = persons // HOUSEHOLD + 1
        given = _long_tail(rng, GIVEN, 10, persons)
        family = _long_tail(rng, FAMILY, 40, households)
        born = [
            dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
            if cls.adult(n)
            else dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 16))
            for n in range(persons)
        ]
        return cls(given=given, family=family, born=born)

    def name(self, n: int) -> tuple[str, str]:
        return self.given[n], self.family[n // HOUSEHOLD]

    @staticmethod
    def adult(n: int) -> bool:
        return n % HOUSEHOLD < 2

    @staticmethod
    def address(n: int) -> tuple[str, str]:
        """The household's address: each household its own (house number, street, postcode)."""
        household = n // HOUSEHOLD
        street = STREETS[household % len(STREETS)]
        number = household // len(STREETS) + 1
        return f"{number} {street}", _postcode(household)


@dataclass(frozen=True)
class Mix:
    """Who the events name: the share of people named by a record the sending agency already
    holds, the share known to another agency by NHS number, and (the rest) new people."""

    label: str
    known: float
    by_nhs: float


GO_LIVE = Mix("a new feed: 50% known, 20% by NHS number, 30% new", 0.5, 0.2)
STEADY = Mix("a running feed: 80% known, 10% by NHS number, 10% new", 0.8, 0.1)


@dataclass
class IngestResult:
    persons_before: int
    events: int
    mix: Mix
    seconds: float
    per_event: list[float]
    accepted: int
    rejected: int
    persons_created: int
    persons_linked: int
    alerts_raised: int | None
    listeners: int
    linkage_seconds: float = 0.0
    rules_seconds: float = 0.0
    batch_lines: int = 1
    cpu_seconds: float = 0.0  # this process's CPU time: steadier than the clock on a busy host

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.per_event)
        return 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.per_event)


def _postcode(n: int) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"BD{n % 20 + 1} {n % 9 + 1}{letters[n % 20]}{letters[n // 20 % 20]}"


def _nhs(n: int) -> str:
    from sightline.people.identifiers import nhs_number_with_check_digit

    for offset in range(20):
        number = nhs_number_with_check_digit(f"{(400_000_000 + n * 7 + offset) % 10**9:09d}")
        if number:
            return number
    return ""


def _agencies() -> dict[str, Any]:
    from sightline.accounts.models import Agency

    kinds = {
        "police": "police",
        "health": "community_health",
        "hospital": "hospital",
        "school": "school",
        "housing": "housing",
        "csc": "social_care",
    }
    return {
        code: Agency.objects.get_or_create(
            code=code, defaults={"name": f"Bench {code}", "kind": kind}
        )[0]
        for code, kind in kinds.items()
    }


def populate(persons: int, *, seed: int = 5) -> None:
    """Bulk-create people up to `persons`, in households of four (two adults, two children)
    sharing a family name and an address; each has a source record with one of the agencies
    and, for most, an NHS number."""
    from sightline.people.models import Address, Person, SourceRecord
    from sightline.people.names import name_key

    agencies = _agencies()
    district = District.of(persons, seed)
    have = Person.objects.count()
    batch = 5000
    for start in range(have, persons, batch):
        stop = min(start + batch, persons)
        people = []
        for n in range(start, stop):
            given, family = district.name(n)
            born = district.born[n]
            people.append(
                Person(
                    kind="child" if born.year >= 2007 else "adult",
                    given_name=given,
                    family_name=family,
                    date_of_birth=born,
                    sex="FM"[n % 2],
                    nhs_number=_nhs(n) if n % 5 else "",
                    given_name_key=name_key(given),
                    family_name_key=name_key(family),
                )
            )
        people = Person.objects.bulk_create(people)
        SourceRecord.objects.bulk_create(
            SourceRecord(
                agency=agencies[CODES[n % len(CODES)]],
                record_id=f"B-{n}",
                person=p,
                given_name=p.given_name,
                family_name=p.family_name,
                date_of_birth=p.date_of_birth,
                sex=p.sex,
                nhs_number=p.nhs_number,
                address_line=district.address(n)[0],
                postcode=district.address(n)[1],
            )
            for n, p in zip(range(start, stop), people, strict=True)
        )
        Address.objects.bulk_create(
            Address(
                person=p,
                line=district.address(n)[0],
                postcode=district.address(n)[1],
                moved_in=dt.date(2015, 1, 1),
            )
            for n, p in zip(range(start, stop), people, strict=True)
        )


def linkage_index_ready() -> None:
    """Bring the linkage engine's matching index up to date with the bulk-created records, as
    it is in a running system (rows written by services are indexed as they are written)."""
    try:
        from sightline.linkage.index import index_rebuild
    except ImportError:  # an engine without an index
        return
    index_rebuild()


def _calendar_ready() -> None:
    """Load the bank holiday calendar, as a running server has (loading it takes a moment,
    once per process: the first front-door contact would otherwise pay for it)."""
    from sightline.core.working_days import is_working_day

    is_working_day(dt.date(2024, 1, 1))


def feed_lines(count: int, persons: int, *, seed: int = 11, mix: Mix = GO_LIVE) -> list[str]:
    """Synthetic feed lines about the bulk-created households and some new people.

    Each event concerns one household: of the people it names, half are records the sending
    agency already holds, a fifth are known to another agency under the same NHS number, and
    the rest are new to Sightline (a new partner or baby, say), half of them at the
    household's address."""
    district = District.of(persons)
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    lines = []
    new = 0
    households = max(persons // HOUSEHOLD, 1)
    household = 0

    def someone(role: str, adult: bool) -> dict[str, Any]:
        nonlocal new
        roll = rng.random()
        n = min(household * HOUSEHOLD + (0 if adult else 2) + rng.randrange(2), persons - 1)
        given, family = district.name(n)
        if roll < mix.known:  # a record the sending agency already has
            return {
                "role": role,
                "record_id": f"B-{n}",
                "given_name": given,
                "family_name": family,
                "_source": CODES[n % len(CODES)],
            }
        if roll < mix.known + mix.by_nhs and n % 5:  # known elsewhere: same NHS number
            return {
                "role": role,
                "record_id": f"X-{n}-{rng.randrange(10**6)}",
                "given_name": given,
                "family_name": family,
                "nhs_number": _nhs(n),
            }
        new += 1
        born = dt.date(1985, 1, 1) if adult else dt.date(2016, 1, 1)
        if rng.random() < 0.5:
            line, postcode = district.address(n)
        else:
            line = f"{rng.randrange(100, 400)} {rng.choice(STREETS)}"
            postcode = _postcode(rng.randrange(10**6))
        return {
            "role": role,
            "record_id": f"NEW-{seed}-{new}",
            "given_name": _long_tail(rng, GIVEN, 10, 1)[0],
            "family_name": family if not adult else _long_tail(rng, FAMILY, 40, 1)[0],
            "date_of_birth": (born + dt.timedelta(days=rng.randrange(2500))).isoformat(),
            "address": {"line": line, "postcode": postcode},
        }

    kinds = [
        (
            "domestic_abuse_incident",
            [("victim", True), ("perpetrator", True), ("child", False)],
            lambda: {
                "child_present": rng.random() < 0.5,
                "dash_yes_count": rng.randrange(0, 20),
                "risk_level": rng.choice(["standard", "medium", "high"]),
            },
        ),
        (
            "contact",
            [("child", False)],
            lambda: {
                "referral_source": rng.choice(["6", "2A", "3B", "1A"]),
                "concern": "Worried.",
                "outcome": rng.choice(["nfa", "nfa", "advice", "referral", "pending"]),
            },
        ),
        (
            "ed_attendance",
            [("child", False)],
            lambda: {"site": "Northmoor General", "reason": "Fall", "injury": True},
        ),
        (
            "appointment_not_brought",
            [("child", False), ("mother", True)],
            lambda: {"service": "Health visiting", "appointment_type": "Review"},
        ),
        ("missing_episode", [("child", False)], dict),
        (
            "address_change",
            [("child", False), ("carer", True)],
            lambda: {
                "address": {
                    "line": f"{rng.randrange(100, 400)} {rng.choice(STREETS)}",
                    "postcode": _postcode(rng.randrange(10**6)),
                }
            },
        ),
        ("household_member_joined", [("child", False), ("member", True)], dict),
    ]
    for index in range(count):
        type_, roles, details = kinds[index % len(kinds)]
        household = rng.randrange(households)
        source = CODES[index % len(CODES)]
        people = [someone(role, adult) for role, adult in roles]
        for person in people:  # a known record must come from the agency that holds it
            if "_source" in person:
                source = person.pop("_source")
        for person in people:
            if person["record_id"].startswith("B-"):
                n = int(person["record_id"][2:])
                if source != CODES[n % len(CODES)]:
                    # Another agency's record of someone known: the sender's own record of
                    # them, as full as agencies' records are (no NHS number: by name, date of
                    # birth and address).
                    line, postcode = district.address(n)
                    person["record_id"] = f"Y-{n}-{index}"
                    person["date_of_birth"] = district.born[n].isoformat()
                    person["address"] = {"line": line, "postcode": postcode}
        occurred = start + dt.timedelta(minutes=37 * index)
        lines.append(
            json.dumps(
                {
                    "feed": "1",
                    "source": source,
                    "event_id": f"BENCH-{seed}-{index}",
                    "type": type_,
                    "occurred_at": occurred.isoformat(),
                    "summary": f"Benchmark {type_}",
                    "people": people,
                    "details": details(),
                }
            )
        )
    return lines


class _Stopwatch:
    """Adds up the time spent inside a wrapped function."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            tick = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - tick

        return timed


def bench_ingest(
    *,
    persons: int = 100_000,
    events: int = 2000,
    batch_lines: int | None = None,
    mix: Mix = GO_LIVE,
    seed: int = 11,
) -> IngestResult:
    """Fill the configured (migrated) database to `persons` people, then import `events`
    feed lines through `feed_import` (the path of `sightline import-events`: batches of
    lines, a savepoint per line), timing each line. Returns the measurements, with the time
    spent in linkage (resolving people) and in the rules (the chronology listeners, once per
    batch after it commits) apart."""
    from sightline.chronology import listeners
    from sightline.feeds import services
    from sightline.people.models import Person

    populate(persons)
    linkage_index_ready()
    _calendar_ready()
    persons_before = Person.objects.count()
    lines = feed_lines(events, persons, seed=seed, mix=mix)
    per_event: list[float] = []
    linkage, rules = _Stopwatch(), _Stopwatch()
    resolve = services.source_record_resolve
    single, batched = list(listeners._listeners), list(listeners._batch_listeners)
    services.source_record_resolve = linkage.wrap(resolve)  # type: ignore[assignment]
    listeners._listeners[:] = [rules.wrap(callback) for callback in single]
    listeners._batch_listeners[:] = [rules.wrap(callback) for callback in batched]

    def seen(result: services.LineResult) -> None:
        per_event.append(result.seconds)
        if result.status == "rejected":
            raise SystemExit(f"benchmark line {result.line} was rejected: {result.problems}")

    started, cpu = time.perf_counter(), time.process_time()
    try:
        summary = services.feed_import(
            enumerate(lines, start=1),
            on_line=seen,
            actor="bench",
            batch_lines=batch_lines or services.BATCH_LINES,
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    finally:
        services.source_record_resolve = resolve  # type: ignore[assignment]
        listeners._listeners[:] = single
        listeners._batch_listeners[:] = batched
    return IngestResult(
        persons_before=persons_before,
        events=events,
        mix=mix,
        seconds=seconds,
        per_event=per_event,
        accepted=summary.accepted,
        rejected=summary.rejected,
        persons_created=summary.persons_created,
        persons_linked=summary.persons_linked,
        alerts_raised=summary.alerts_raised,
        listeners=len(single) + len(batched),
        linkage_seconds=linkage.seconds,
        rules_seconds=rules.seconds,
        batch_lines=batch_lines or services.BATCH_LINES,
        cpu_seconds=cpu,
    )


def markdown(results: list[IngestResult], *, target: float = 200.0) -> str:
    """A row per mix of people; the first (a new feed, the hardest) is the headline."""
    rows = [
        "| events name | persons already held | events | seconds | events per second "
        "| median ms per event | p95 ms per event | persons created | persons linked "
        "| alerts raised |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        alerts = "n/a" if r.alerts_raised is None else f"{r.alerts_raised:,}"
        rows.append(
            f"| {r.mix.label} | {r.persons_before:,} | {r.events:,} | {r.seconds:.1f} | "
            f"{r.rate:.0f} | {r.median_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.persons_created:,} | {r.persons_linked:,} | {alerts} |"
        )
    head = results[0]
    verdict = "meets" if head.rate >= target else "MISSES"
    notes = [
        "",
        f"- Ingest {verdict} the target of at least {target:.0f} events per second for "
        f"{head.mix.label} ({head.rate:.0f}); chronology listeners (rules) registered: "
        f"{head.listeners}.",
    ]
    for r in results:
        per = 1000 / r.events if r.events else 0.0
        rest = r.seconds - r.linkage_seconds - r.rules_seconds
        notes.append(
            f"- {r.mix.label[0].upper()}{r.mix.label[1:]}: per event, linkage (resolving each "
            f"person) {r.linkage_seconds * per:.2f} ms, rules (once per batch after it "
            f"commits, in the importing process) {r.rules_seconds * per:.2f} ms, the rest "
            f"(checking the line, the chronology, audit, addresses, households, front door, "
            f"commits) {rest * per:.2f} "
            f"ms; CPU time {r.cpu_seconds:.1f} s, "
            f"{r.events / r.cpu_seconds if r.cpu_seconds else 0:.0f} events per CPU second "
            f"(the rate an otherwise idle machine would show, disk waits aside)."
        )
    notes += [
        f"- Lines are imported {head.batch_lines} to a transaction, each in its own savepoint; "
        f"a batch's events, receipts and audit entries are written together at its end. The "
        f"median and p95 are each line's own time (checking, linkage and writing its people), "
        f"without its batch's event writes, commit and rules, which are in the rate.",
        "- The district: people in households of four (two adults, two children) sharing a "
        "family name and an address, names drawn from invented pools with a long tail like "
        "England's (the commonest family name held by under 1%). Each event concerns one "
        "household. The second run follows the first in the same database.",
    ]
    return "\n".join(rows + notes)


IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


def _setup_django(database_url: str, *, tasks_backend: str = IMMEDIATE_TASKS) -> None:
    """Django on `database_url`. The ingest bench runs background tasks as they are queued
    (the rules in the importing process, as each batch commits), so its figure stays
    comparable run to run; `sightline.sharing.bench` measures ingest with the rules in a
    worker beside it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["SIGHTLINE_TASKS_BACKEND"] = tasks_backend
    os.environ["DJANGO_DEBUG"] = "0"  # as in production: no query log, no debug cursor
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 persons and 300 events")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--batch", type=int, help="lines per transaction (default 200)")
    args = parser.parse_args(argv)
    persons = args.persons or (10_000 if args.quick else 100_000)
    events = args.events or (300 if args.quick else 2000)
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(f"sqlite:///{tmp}/ingest.sqlite3")
        results = [
            bench_ingest(persons=persons, events=events, batch_lines=args.batch, mix=mix, seed=seed)
            for mix, seed in ((GO_LIVE, 11), (STEADY, 12))
        ]
        print(markdown(results))


if __name__ == "__main__":
    main()
