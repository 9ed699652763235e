"""Loading the demo district: Northmoor, an invented English district, and a year of its front
door. The same seed gives the same people on every run with the same date; dates are anchored
on the day of loading, so the queue always has contacts due today.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from sightline.accounts.models import Agency, ApiToken, User
from sightline.accounts.services import api_token_issue
from sightline.chronology import listeners
from sightline.core import audit
from sightline.core.working_days import LONDON
from sightline.demo.casework import casework_history_load
from sightline.demo.clock import DemoClock, clock_set
from sightline.demo.history import contacts_per_year, history_replay
from sightline.demo.organisations import DEMO_USERNAMES, LOADER, agencies_create, staff_create
from sightline.demo.population import PopulationBuilder, district_write
from sightline.demo.synthetic import Synthetic
from sightline.frontdoor.models import Contact
from sightline.people.models import Person

DEMO_TOKEN_NAME = "Demo police system"

# Further parts of the demo, written by the apps they show through their own services once the
# district's agencies and people exist: (what it is, the loader to call).
FURTHER_DEMOS = (
    ("partnership reviews and action plan", "sightline.demo.partnership.load_partnership_demo"),
    ("training calendar", "sightline.demo.learning.load_learning_demo"),
    ("school calendars and Operation Encompass", "sightline.demo.encompass.load_encompass_demo"),
    (
        "child population by age (the dashboard's rates)",
        "sightline.demo.insight.load_population_demo",
    ),
    # The year's events were recorded without waking the chronology's listeners (see
    # _history_unannounced); the rules engine reads the whole history once instead.
    ("alerts from the rule catalogue over the whole year", "sightline.risk.engine.replay"),
    # After the alerts: each DRAM's agenda lists the domestic abuse alerts of its window.
    ("DRAM and MARAC meetings", "sightline.demo.meetings.load_meetings_demo"),
)


@dataclass(frozen=True)
class Size:
    children: int
    contacts_per_year: int
    queue: int  # contacts left waiting for a decision
    every_kind: bool = False  # casework history shows every kind of record


SIZES = {
    "full": Size(children=2000, contacts_per_year=contacts_per_year(2000), queue=40),
    # Small enough for tests, with more contacts per child so every screen has something.
    "small": Size(children=60, contacts_per_year=48, queue=8, every_kind=True),
}


@dataclass
class LoadResult:
    counts: dict[str, int]
    api_token: str
    seconds: float
    further: list[str] = field(default_factory=list)


def district_loaded() -> bool:
    return User.objects.filter(username__in=DEMO_USERNAMES).exists()


def database_is_empty() -> bool:
    return not (Person.objects.exists() or Agency.objects.exists() or User.objects.exists())


def migrations_pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def demo_api_token_issue() -> str:
    """A fresh token for the police demo system; earlier demo tokens are revoked."""
    police = Agency.objects.get(code="police")
    with transaction.atomic():
        for token in ApiToken.objects.filter(
            agency=police, name=DEMO_TOKEN_NAME, revoked_at__isnull=True
        ):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record_change(actor=LOADER, action="api_token.revoked", target=token)
        _, secret = api_token_issue(actor=LOADER, agency=police, name=DEMO_TOKEN_NAME)
    return secret


def district_load(
    *, size: str = "full", as_of: dt.date | None = None, further: bool = True
) -> LoadResult:
    """Load the district into an empty database (the commands check that first)."""
    started = time.monotonic()
    spec = SIZES[size]
    now = timezone.now()
    if as_of is not None:
        now = min(now, dt.datetime.combine(as_of, dt.time(12, 0), tzinfo=LONDON))
    today = timezone.localtime(now, LONDON).date()
    synthetic = Synthetic()
    with _fast_sqlite_commits():
        return _load(spec, now, today, synthetic, started, further=further)


@contextmanager
def _fast_sqlite_commits() -> Iterator[None]:
    """On SQLite in WAL mode, commit without waiting for the disk while the district loads.

    The services commit once per notification they deliver; with the default FULL
    synchronous setting each commit waits for an fsync, which doubles the load time. NORMAL
    keeps the database consistent (WAL), at worst losing the last commits on power loss,
    which only means loading the demo again.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(before)}")


@contextmanager
def _history_unannounced() -> Iterator[None]:
    """Record a year of history without calling the chronology's listeners for each event.

    Listeners react to something that has just happened (raise an alert, tell someone); a
    year replayed in one go has not just happened. Evaluating the rules after each of the
    year's 2,000-odd events took over a minute; the risk engine's replay of the whole history
    afterwards (a further demo step) takes seconds and gives the same alerts.
    """
    with listeners.suspended():
        yield


def _load(
    spec: Size,
    now: dt.datetime,
    today: dt.date,
    synthetic: Synthetic,
    started: float,
    *,
    further: bool,
) -> LoadResult:
    # Notifications are stored as the services queue them; delivering a year of old e-mails
    # to the console would bury the sign-ins, so they are marked delivered without sending.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        _history_unannounced(),
        transaction.atomic(),
    ):
        with clock_set(DemoClock(now - dt.timedelta(days=366))):
            agencies, teams = agencies_create()
            staff = staff_create(synthetic, agencies, teams)
            district = PopulationBuilder(synthetic, staff, today).build(children=spec.children)
            district_write(district, synthetic, staff)
        history = history_replay(
            synthetic=synthetic,
            staff=staff,
            district=district,
            now=now,
            per_year=spec.contacts_per_year,
            queue=spec.queue,
        )
        # Two census years and more of casework, from the year's referral decisions and before.
        casework = casework_history_load(
            synthetic=synthetic, staff=staff, district=district, now=now, every_kind=spec.every_kind
        )
        counts = {"agencies": len(agencies), "users": User.objects.count(), **district.counts}
        counts.update(sorted(history.items()))
        counts.update(sorted(casework.items()))
        counts["contacts awaiting a decision"] = Contact.objects.filter(
            status=Contact.Status.AWAITING_DECISION
        ).count()
        counts["of them overdue"] = Contact.objects.filter(
            status=Contact.Status.AWAITING_DECISION, decision_due_at__lt=timezone.now()
        ).count()
        audit.record_change(
            actor=LOADER, action="demo.district_loaded", target=agencies["csc"], detail=counts
        )
        secret = demo_api_token_issue()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        loaded = _further_demos_load() if further else []
    return LoadResult(
        counts=counts, api_token=secret, seconds=time.monotonic() - started, further=loaded
    )


def _further_demos_load() -> list[str]:
    loaded = []
    for label, path in FURTHER_DEMOS:
        try:
            load = import_string(path)
        except ImportError:  # that part of the product is not installed
            continue
        load()
        loaded.append(label)
    return loaded
