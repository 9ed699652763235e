"""Feed to inbox benchmark: how long after a feed line is accepted its notifications are in the
recipients' inboxes, while a feed of 200 events a second is imported with a worker running;
and ingest's events a second with the rules in the worker beside the rules on feed commit.

The district is the ingest bench's (`sightline.feeds.bench`: people in households of four,
each with a source record and an address), with a front door (two IFD managers) and a DRAM
coordinator to be told. Three runs follow one another in one database:

1. Rules on feed commit (as before the worker took them): the chronology's batch listener
   evaluates the rules in the importing process; the hub's tasks wait for the worker.
2. Rules in the worker: the same feed size, imported as fast as it goes with one worker
   (`sightline worker`, a separate process) running beside the import.
3. Latency: a feed paced at `--rate` events a second (200), in batches of `--batch` lines
   (5 commits a second), with the worker running. A line is accepted when its batch has
   committed (the import reports it). A notification is in the inbox when its row exists
   (`created_at`, written by the worker); its e-mail, a link only, is handed to the mail
   backend after that (also shown). Each notification is timed from the acceptance of the
   line that raised its alert (the alert's `raised_by`).

Target (issue 15): p95 under 5 seconds. Run: `.venv/bin/python -m sightline.sharing.bench
[--quick] [--database-url URL]`; SQLite in a temporary directory unless a URL is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sightline.feeds import bench as ingest

BATCH_LINES = 200  # lines a transaction when a feed is imported as fast as it goes


@dataclass
class Run:
    label: str
    events: int
    seconds: float
    accepted: int
    drain_seconds: float = 0.0  # after the import ended, until the worker had caught up

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


@dataclass
class Latency:
    rate: float  # events a second asked for
    workers: int
    achieved: float  # events a second the import kept up
    events: int
    accepted_lag: list[float] = field(default_factory=list)  # line offered -> accepted
    inbox: list[float] = field(default_factory=list)  # accepted -> in the inbox
    emailed: list[float] = field(default_factory=list)  # accepted -> e-mail handed over
    alerts: int = 0
    drain_seconds: float = 0.0
    seconds: float = 0.0  # from the first line offered until the worker had caught up
    importer_cpu: float = 0.0
    worker_cpu: float = 0.0
    tasks: dict[str, tuple[int, float]] = field(default_factory=dict)  # name: (count, seconds)


def _p95(samples: list[float]) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else 0.0


def _recipients() -> None:
    """The people the district's alerts go to: the front door and a DRAM coordinator."""
    from sightline.accounts.models import Agency, User
    from sightline.testing import factories as f

    if User.objects.filter(username__startswith="bench.").exists():
        return
    csc, _ = Agency.objects.get_or_create(
        code="csc", defaults={"name": "Bench csc", "kind": "social_care"}
    )
    police, _ = Agency.objects.get_or_create(
        code="police", defaults={"name": "Bench police", "kind": "police"}
    )
    door = f.team(csc, "Integrated Front Door")
    f.user(csc, "ifd_manager", "social_worker", username="bench.ifdone", team=door)
    f.user(csc, "ifd_manager", "social_worker", username="bench.ifdtwo", team=door)
    f.user(police, "dram_coordinator", "police_officer", username="bench.dram")


class Worker:
    """`sightline worker` processes beside the import (started and stopped by their pids)."""

    def __init__(self, count: int = 1) -> None:
        self.count = count
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        env = {
            **os.environ,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_DEBUG": "0",
        }
        for _ in range(self.count):
            self.processes.append(
                subprocess.Popen(  # noqa: S603 (our own command)
                    [sys.executable, "-m", "sightline.manage", "worker"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def cpu_seconds(self) -> float:
        """The worker processes' CPU time so far (user and system), from /proc."""
        total = 0.0
        for process in self.processes:
            try:
                stat = Path(f"/proc/{process.pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []


def _waiting() -> int:
    """Tasks ready to run, and rule evaluations not yet made."""
    from django_tasks_db.models import DBTaskResult

    from sightline.risk.tasks import evaluations_waiting

    tasks = DBTaskResult.objects.ready() | DBTaskResult.objects.running()
    return tasks.count() + evaluations_waiting()


def drain(timeout: float = 600.0) -> float:
    """Wait until the worker has run every task due; the seconds it took."""
    started = time.perf_counter()
    while _waiting():
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"the worker did not catch up within {timeout:.0f} seconds")
        time.sleep(0.1)
    return time.perf_counter() - started


def _import(lines: list[str], *, batch: int, paced: float | None = None) -> tuple[Any, dict]:
    """Import `lines` through `feed_import`; with `paced`, offer them at that many a second.
    Returns the summary and, per event id, (offered, accepted) as datetimes."""
    import json

    from sightline.feeds.services import LineResult, feed_import

    ids = [json.loads(line)["event_id"] for line in lines]
    offered: dict[int, dt.datetime] = {}
    times: dict[str, tuple[dt.datetime, dt.datetime]] = {}

    def numbered() -> Iterator[tuple[int, str]]:
        start = time.perf_counter()
        for index, line in enumerate(lines):
            if paced:
                wait = start + index / paced - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            offered[index + 1] = dt.datetime.now(dt.UTC)
            yield index + 1, line

    def seen(result: LineResult) -> None:
        if result.status == "rejected":
            raise SystemExit(f"benchmark line {result.line} was rejected: {result.problems}")
        times[ids[result.line - 1]] = (offered[result.line], dt.datetime.now(dt.UTC))

    summary = feed_import(numbered(), on_line=seen, actor="bench", batch_lines=batch)
    return summary, times


def rules_on_commit(persons: int, events: int, *, seed: int) -> Run:
    """Run 1: the rules evaluated in the importing process as each batch commits."""
    from sightline.chronology import listeners
    from sightline.risk import engine, tasks

    lines = ingest.feed_lines(events, persons, seed=seed, mix=ingest.GO_LIVE)
    saved = list(listeners._batch_listeners)
    listeners._batch_listeners[:] = [
        engine.events_arrived if callback is tasks.events_recorded else callback
        for callback in saved
    ]
    started = time.perf_counter()
    try:
        summary, _ = _import(lines, batch=BATCH_LINES)
    finally:
        listeners._batch_listeners[:] = saved
    return Run("rules on feed commit", events, time.perf_counter() - started, summary.accepted)


def rules_in_worker(persons: int, events: int, *, seed: int) -> Run:
    """Run 2: the rules in the worker (running); the import as fast as it goes."""
    lines = ingest.feed_lines(events, persons, seed=seed, mix=ingest.GO_LIVE)
    started = time.perf_counter()
    summary, _ = _import(lines, batch=BATCH_LINES)
    seconds = time.perf_counter() - started
    run = Run("rules in the worker", events, seconds, summary.accepted)
    run.drain_seconds = drain()
    return run


def _task_times(since: dt.datetime) -> dict[str, tuple[int, float]]:
    """Per task, how many ran since `since` and the seconds they took in all."""
    from django_tasks_db.models import DBTaskResult

    found: dict[str, tuple[int, float]] = {}
    rows = DBTaskResult.objects.filter(enqueued_at__gte=since, finished_at__isnull=False)
    for path, started, finished in rows.values_list("task_path", "started_at", "finished_at"):
        if started is None or finished is None:
            continue
        name = path.rsplit(".", 1)[-1]
        count, seconds = found.get(name, (0, 0.0))
        found[name] = (count + 1, seconds + (finished - started).total_seconds())
    return found


def latency(
    persons: int, *, rate: float, seconds: float, batch: int, seed: int, worker: Worker
) -> Latency:
    """Run 3: a feed paced at `rate` events a second, with the worker running."""
    from sightline.risk.models import Alert
    from sightline.sharing.models import NetworkNotification

    events = int(rate * seconds)
    lines = ingest.feed_lines(events, persons, seed=seed, mix=ingest.STEADY)
    since = dt.datetime.now(dt.UTC)
    worker_cpu, cpu = worker.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    _, times = _import(lines, batch=batch, paced=rate)
    took = time.perf_counter() - started
    importer_cpu = time.process_time() - cpu
    result = Latency(
        rate=rate, workers=worker.count, achieved=events / took if took else 0.0, events=events
    )
    result.drain_seconds = drain()
    result.seconds = time.perf_counter() - started
    result.importer_cpu = importer_cpu
    result.worker_cpu = worker.cpu_seconds() - worker_cpu
    result.tasks = _task_times(since)
    result.accepted_lag = [(a - o).total_seconds() for o, a in times.values()]
    raised_by = dict(
        Alert.objects.filter(raised_by__source_event_id__in=list(times)).values_list(
            "pk", "raised_by__source_event_id"
        )
    )
    result.alerts = len(raised_by)
    rows = NetworkNotification.objects.filter(
        alert_id__in=list(raised_by), escalation_of__isnull=True
    ).values_list("alert_id", "created_at", "email__sent_at")
    for alert_id, created, sent in rows:
        event_id = raised_by.get(alert_id or 0)
        if event_id is None:
            continue
        accepted = times[event_id][1]
        result.inbox.append((created - accepted).total_seconds())
        if sent is not None:
            result.emailed.append((sent - accepted).total_seconds())
    return result


def markdown(runs: list[Run], found: Latency, *, target: float = 5.0) -> str:
    rows = [
        "| rules | events | seconds | events per second | worker caught up after (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        drained = f"{run.drain_seconds:.1f}" if run.label != runs[0].label else "n/a"
        rows.append(
            f"| {run.label} | {run.events:,} | {run.seconds:.1f} | {run.rate:.0f} | {drained} |"
        )
    p95 = _p95(found.inbox)
    per_event = found.worker_cpu / max(found.events, 1)
    cores = per_event * found.rate
    workers = f"{found.workers} worker process{'es' if found.workers > 1 else ''}"
    verdict = "meets" if found.inbox and p95 < target else "MISSES"
    rows += [
        "",
        "| feed to inbox | notifications | median s | p95 s | max s |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| line accepted to notification in the inbox | {len(found.inbox):,} | "
        f"{_median(found.inbox):.2f} | {p95:.2f} | {max(found.inbox, default=0):.2f} |",
        f"| line accepted to its e-mail handed to the mail backend | {len(found.emailed):,} | "
        f"{_median(found.emailed):.2f} | {_p95(found.emailed):.2f} | "
        f"{max(found.emailed, default=0):.2f} |",
        f"| line offered to accepted (its batch committed) | {len(found.accepted_lag):,} | "
        f"{_median(found.accepted_lag):.2f} | {_p95(found.accepted_lag):.2f} | "
        f"{max(found.accepted_lag, default=0):.2f} |",
        "",
        f"- Feed to inbox {verdict} the target of a p95 under {target:.0f} seconds "
        f"({p95:.2f} s), with a feed offered at {found.rate:.0f} events a second "
        f"({found.events:,} events; the import kept up {found.achieved:.0f} a second) and "
        f"{workers}; {found.alerts:,} alerts raised by those lines; the workers had caught "
        f"up {found.drain_seconds:.1f} s after the last line.",
        f"- CPU time for the paced feed: the import {found.importer_cpu:.1f} s, the workers "
        f"{found.worker_cpu:.1f} s, over {found.seconds:.1f} s from the first line to the "
        f"workers caught up. The workers need {per_event * 1000:.1f} ms of CPU an event, "
        f"{cores:.2f} of a core at the feed's rate, and the import "
        f"{found.importer_cpu / max(found.events, 1) * found.rate:.2f} of a core: "
        + (
            "one worker keeps up on a machine with a core to spare for it"
            if cores < 1
            else f"at least {math.ceil(cores)} workers on as many free cores would keep up"
        )
        + ". Its tasks (count, seconds from start to finish in all): "
        + ", ".join(
            f"{name} {count:,} ({spent:.1f} s)"
            for name, (count, spent) in sorted(found.tasks.items(), key=lambda t: -t[1][1])
        )
        + ". The machine's load when the run ended: "
        + " ".join(f"{v:.1f}" for v in os.getloadavg())
        + f" (1, 5 and 15 minutes) on {os.cpu_count()} cores.",
        "- The ingest rows import the same number of events of a new feed as fast as they go: "
        "rules on feed commit is the earlier way (evaluated in the importing process as each "
        "batch of 200 commits); rules in the worker is now (the import queues one evaluation "
        f"per batch; {workers} beside it "
        f"{'evaluate and notify' if found.workers > 1 else 'evaluates and notifies'}).",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 persons, 10 s of feed")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--events", type=int, help="events in each ingest run")
    parser.add_argument("--rate", type=float, default=200.0, help="events a second (200)")
    parser.add_argument("--seconds", type=float, help="seconds of paced feed")
    parser.add_argument("--batch", type=int, default=40, help="lines a batch when paced (40)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    args = parser.parse_args(argv)
    persons = args.persons or (10_000 if args.quick else 100_000)
    events = args.events or (300 if args.quick else 2000)
    seconds = args.seconds or (10.0 if args.quick else 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/inbox.sqlite3"
        # Tasks wait in the database for the worker, as in production.
        ingest._setup_django(url, tasks_backend="django_tasks_db.DatabaseBackend")
        ingest.populate(persons)
        ingest.linkage_index_ready()
        ingest._calendar_ready()
        _recipients()
        worker = Worker(args.workers)
        try:
            first = rules_on_commit(persons, events, seed=11)
            worker.start()
            drain()  # the hub's tasks run 1 queued
            second = rules_in_worker(persons, events, seed=12)
            found = latency(
                persons, rate=args.rate, seconds=seconds, batch=args.batch, seed=13, worker=worker
            )
        finally:
            worker.stop()
        print(markdown([first, second], found))


if __name__ == "__main__":
    main()
