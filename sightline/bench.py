"""`make bench`: server-time and query-count benchmarks, written to docs/benchmarks.md.

Every figure is a ratio to a baseline measured in the same run on the same machine
(/healthz for page times, sampled before the pages and between each two of a page's
samples), so the numbers mean the same on a fast or a slow machine.
Run: `.venv/bin/python -m sightline.bench [--quick]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sightline.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.TWO_FACTOR_REQUIRED = False
    call_command("migrate", verbosity=0)


def _timings(fetch: Callable[[], int], repeat: int) -> list[float]:
    fetch()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        status = fetch()
        samples.append(time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"benchmark page answered {status}")
    return samples


def _paired_timings(
    fetch: Callable[[], int], baseline: Callable[[], int], repeat: int
) -> tuple[list[float], list[float]]:
    """Samples of `fetch` with a sample of `baseline` taken between each two, so the page and
    the baseline see the same load on the machine (a busy spell during one measurement
    otherwise skews the ratio either way)."""
    fetch()  # warm up
    samples: list[float] = []
    base: list[float] = []
    for _ in range(repeat):
        for series, page in ((base, baseline), (samples, fetch)):
            start = time.perf_counter()
            status = page()
            series.append(time.perf_counter() - start)
            if status != 200:
                raise SystemExit(f"benchmark page answered {status}")
    return samples, base


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _queries(fetch: Callable[[], int]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch()
    return len(captured)


def _make_contacts(count: int, ifd_user, agencies) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from sightline.core.working_days import working_day_deadline
    from sightline.frontdoor.models import Contact
    from sightline.people.models import Person
    from sightline.people.names import name_key

    now = timezone.now()
    existing = Contact.objects.count()
    people = Person.objects.bulk_create(
        Person(
            given_name=f"Child{n}",
            family_name=f"Bench{n % 97}",
            kind="child",
            date_of_birth=dt.date(2015, 1, 1) + dt.timedelta(days=n % 3000),
            given_name_key=name_key(f"Child{n}"),
            family_name_key=name_key(f"Bench{n % 97}"),
        )
        for n in range(existing, count)
    )
    contacts = []
    for offset, person in enumerate(people):
        received = now - dt.timedelta(minutes=7 * (existing + offset))
        contacts.append(
            Contact(
                reference=f"B-{existing + offset:08d}",
                channel="practitioner",
                received_at=received,
                decision_due_at=working_day_deadline(received, 1),
                child=person,
                concern="Benchmark concern text.",
                referral_source="6",
                referrer_agency=agencies["police"],
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=1000)


def _make_events(person, count: int, agencies) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from sightline.chronology.models import Event, Participant

    now = timezone.now()
    have = Participant.objects.filter(person=person).count()
    codes = list(agencies.values())
    events = Event.objects.bulk_create(
        Event(
            type="contact",
            occurred_at=now - dt.timedelta(hours=n),
            occurred_on=timezone.localdate(now - dt.timedelta(hours=n)),
            recorded_at=now,
            summary=f"Benchmark event {n}",
            source=codes[n % len(codes)],
            recorded_by_label="Bench Recorder",
            details={"outcome": "nfa"},
        )
        for n in range(have, count)
    )
    Participant.objects.bulk_create(
        Participant(event=event, person=person, role="child", occurred_at=event.occurred_at)
        for event in events
    )


def run(quick: bool) -> str:
    from django.test import Client

    from sightline.testing import factories as f

    agencies = f.standard_agencies()
    ifd = f.user(
        agencies["csc"],
        "ifd_practitioner",
        "social_worker",
        username="bench.ifd",
        team=f.team(agencies["csc"], "Integrated Front Door"),
    )
    client = Client()
    client.force_login(ifd)
    repeat = 15 if quick else 40
    sizes = (500, 5000) if not quick else (200, 1000)
    event_sizes = (100, 1000) if not quick else (50, 300)

    def get(path: str) -> Callable[[], int]:
        return lambda: client.get(path).status_code

    healthz = get("/healthz")
    baseline = _timings(healthz, repeat)
    rows = []
    queue_queries = {}
    for size in sizes:
        _make_contacts(size, ifd, agencies)
        queue_queries[size] = _queries(get("/front-door/"))
        samples, base = _paired_timings(get("/front-door/"), healthz, repeat)
        baseline += base
        rows.append((f"IFD queue, {size:,} open contacts", samples, queue_queries[size]))
    child = f.child(given_name="Benchmark", family_name="Child")
    page_queries = {}
    for size in event_sizes:
        _make_events(child, size, agencies)
        path = f"/people/{child.pk}/"
        page_queries[size] = _queries(get(path))
        samples, base = _paired_timings(get(path), healthz, repeat)
        baseline += base
        rows.append((f"Child page, {size:,} chronology entries", samples, page_queries[size]))

    base_median = statistics.median(baseline)
    base_p95 = _p95(baseline)
    lines = [
        "| measurement | median ms | p95 ms | median / healthz | p95 / healthz p95 | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| /healthz (baseline) | {base_median * 1000:.2f} | {base_p95 * 1000:.2f} "
        "| 1.0 | 1.0 | 1 |",
    ]
    verdicts = []
    for label, samples, queries in rows:
        median, p95 = statistics.median(samples), _p95(samples)
        ratio = p95 / base_p95
        lines.append(
            f"| {label} | {median * 1000:.2f} | {p95 * 1000:.2f} | "
            f"{median / base_median:.1f} | {ratio:.1f} | {queries} |"
        )
        verdicts.append((label, ratio))
    constant_queue = len(set(queue_queries.values())) == 1
    constant_page = len(set(page_queries.values())) == 1
    summary = [
        "",
        f"- Queries per queue page constant as contacts grow: "
        f"{'yes' if constant_queue else 'NO'} ({queue_queries}).",
        f"- Queries per child page constant as entries grow: "
        f"{'yes' if constant_page else 'NO'} ({page_queries}).",
    ]
    for label, ratio in verdicts:
        target = "meets" if ratio < 10 else "MISSES"
        summary.append(
            f"- {label}: p95 is {ratio:.1f} times /healthz p95 ({target} the target of "
            "under 10 times)."
        )
    return "\n".join(lines + summary)


SECTIONS = [
    ("pages.md", "Front door queue and the child's page"),
    ("ingest.md", "Feed ingest (events per second, with linkage and rules)"),
    ("inbox.md", "Feed to inbox (the rules and notifications in the worker)"),
    ("linkage.md", "Linkage quality and scale"),
    ("replay.md", "Rule replay over the whole chronology"),
    ("census.md", "CIN census export"),
    ("load.md", "Load: users at work together"),
]


def assemble(folder: Path, output: Path) -> str:
    """Join the sections `make bench` wrote into docs/benchmarks.md."""
    import platform

    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench`. Each figure is set against a baseline measured in the same "
        "run on the same machine, so the ratios hold on a faster or slower machine. Targets "
        "come from the issues; a target missed is marked as missed.",
        "",
        f"Run on {dt.date.today():%d %B %Y}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores.",
    ]
    for name, title in SECTIONS:
        path = folder / name
        if path.exists():
            parts += ["", f"## {title}", "", path.read_text().strip()]
    report = "\n".join(parts) + "\n"
    output.write_text(report)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--assemble",
        metavar="FOLDER",
        help="join the section files in FOLDER into --output and stop",
    )
    parser.add_argument(
        "--section", action="store_true", help="write only this benchmark's table to --output"
    )
    args = parser.parse_args(argv)
    if args.assemble:
        sys.stdout.write(assemble(Path(args.assemble), Path(args.output)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        started = time.perf_counter()
        table = run(args.quick)
        elapsed = time.perf_counter() - started
    import platform

    if args.section:
        Path(args.output).write_text(table + "\n")
        sys.stdout.write(table + "\n")
        return
    report = "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `make bench` (`python -m sightline.bench`). Server time is measured in "
            "process with Django's test client (the whole request: middleware, view, templates, "
            "SQL), on SQLite, against `/healthz` measured in the same run. Targets (issue "
            '"Foundation and the Integrated Front Door"): 95th percentile under 10 times '
            "/healthz, and a constant number of SQL queries per page as rows grow.",
            "",
            f"Run on {dt.date.today():%d %B %Y}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, {elapsed:.0f} s in all.",
            "",
            "## Front door queue and the child's page",
            "",
            table,
            "",
        ]
    )
    Path(args.output).write_text(report)
    sys.stdout.write(report)


if __name__ == "__main__":
    main()
