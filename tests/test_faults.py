"""Faults survived, with the real processes, databases and servers (no mocks).

- A feed import killed with SIGKILL part way, then run again: exactly the missing lines are
  added, none twice (each batch is one transaction; a resend is recognised).
- The database out of reach during an import: the import waits, says why, and carries on
  where it was when the database answers again; past its wait it stops and says from which
  line nothing was imported. During page use: a clear 503 page, nothing half-written.
  On PostgreSQL the database goes away for real (a TCP relay between Sightline and the server
  is cut); on SQLite "out of reach" is another writer holding the file past the busy wait.
- A full disk while an export is written: a clear error naming the file.

(The mail server down is proved in sightline/core/tests/test_mail_server_down.py.)

Each test works on a scratch database of its own, migrated once for the module by the real
`sightline migrate`, because the processes under test are separate from pytest's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection

from sightline.feeds.tests.lines import a_line

SIGHTLINE = str(Path(sys.executable).with_name("sightline"))
LINES = 400  # two batches of 200


# --- a scratch database and the command line against it -----------------------------------


class Scratch:
    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.parsed = dj_database_url.parse(url)

    @property
    def postgres(self) -> bool:
        return self.parsed["ENGINE"].endswith("postgresql")

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {
            **os.environ,
            "DATABASE_URL": self.url,
            "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
            "AUDIT_ANCHOR_FILE": str(self.folder / "anchors.log"),
            **extra,
        }
        environment.pop("DJANGO_PRODUCTION", None)
        return environment

    def run(
        self, *arguments: str, timeout: float = 300, **extra: str
    ) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [SIGHTLINE, *arguments],
            env=self.environment(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *arguments: str, url: str | None = None, **extra: str) -> subprocess.Popen:
        environment = self.environment(**extra)
        if url:
            environment["DATABASE_URL"] = url
        return subprocess.Popen(  # noqa: S603
            [SIGHTLINE, *arguments],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.postgres:
            with psycopg.connect(self.dsn(), autocommit=True) as db:
                return list(db.execute(sql).fetchall())
        with contextlib.closing(sqlite3.connect(self.parsed["NAME"])) as db:
            return db.execute(sql).fetchall()

    def dsn(self, port: int | None = None) -> str:
        p = self.parsed
        return (
            f"host={p['HOST'] or '127.0.0.1'} port={port or p['PORT'] or 5432} "
            f"user={p['USER']} dbname={p['NAME']}"
            + (f" password={p['PASSWORD']}" if p["PASSWORD"] else "")
        )

    def url_through(self, port: int) -> str:
        p = self.parsed
        credentials = p["USER"] + (f":{p['PASSWORD']}" if p["PASSWORD"] else "")
        return f"postgres://{credentials}@127.0.0.1:{port}/{p['NAME']}"

    def events(self) -> tuple[int, int]:
        """(events received, distinct source event ids)."""
        rows = self.query(
            "SELECT COUNT(*), COUNT(DISTINCT source_event_id) FROM feeds_receivedevent"
        )
        return int(rows[0][0]), int(rows[0][1])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> Iterator[Scratch]:
    folder = tmp_path_factory.mktemp("faults")
    with django_db_blocker.unblock():
        vendor = connection.vendor
        source = dict(connection.settings_dict)
    if vendor == "postgresql":
        credentials = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
        host = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        name = f"sightline_faults_{os.getpid()}"
        admin = (
            f"host={source['HOST'] or '127.0.0.1'} port={source['PORT'] or 5432} "
            f"user={source['USER']} dbname=postgres"
        )
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{credentials}@{host}/{name}"
    else:
        url = f"sqlite:///{folder / 'faults.sqlite3'}"
    world = Scratch(url, folder)
    migrated = world.run("migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    for code, name, kind in (
        ("police", "Test Police", "police"),
        ("csc", "Test Children's Social Care", "social_care"),
    ):
        added = world.run("agency", "add", code, "--name", name, "--kind", kind)
        assert added.returncode == 0, added.stderr
    yield world
    if vendor == "postgresql":
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def feed_file(folder: Path, *, prefix: str, count: int = LINES) -> Path:
    """`count` police incidents, each about a family of its own (synthetic)."""
    path = folder / f"{prefix}.jsonl"
    with path.open("w") as out:
        for n in range(count):
            line = a_line(event_id=f"{prefix}-{n:05d}")
            for number, person in enumerate(line["people"]):
                born = dt.date(1975 + 15 * number, 1, 1) + dt.timedelta(days=n)
                person["record_id"] = f"{prefix}-{n}-{person['record_id']}"
                person["family_name"] = f"Testfam{prefix.title()}{n}"
                person["date_of_birth"] = born.isoformat()
            out.write(json.dumps(line) + "\n")
    return path


def counted(summary: str, label: str) -> int:
    found = re.search(rf"^{label}\b.*?(\d+)$", summary, re.M)
    assert found, summary
    return int(found.group(1))


def wait_until(condition: Any, *, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(message)


# --- kill -9 -------------------------------------------------------------------------------


def test_an_import_killed_part_way_then_run_again_adds_exactly_the_missing_lines(scratch):
    feed = feed_file(scratch.folder, prefix="kill")
    before, _ = scratch.events()

    process = scratch.start("import-events", "--no-progress", str(feed))
    wait_until(
        lambda: scratch.events()[0] - before >= 200 or process.poll() is not None,
        seconds=240,
        message="the import committed no batch",
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    kept = scratch.events()[0] - before
    assert 0 < kept < LINES
    assert kept % 200 == 0, f"{kept} events: a batch was kept in part"

    again = scratch.run("import-events", "--no-progress", str(feed))
    assert again.returncode == 0, again.stderr
    assert re.search(rf"Accepted\s+{LINES - kept}\b", again.stdout), again.stdout
    assert re.search(rf"Duplicates \(already received\)\s+{kept}\b", again.stdout), again.stdout
    total, distinct = scratch.events()
    assert total - before == LINES
    assert total == distinct  # none twice


# --- the database out of reach ---------------------------------------------------------------


class Relay:
    """A TCP relay from a local port to PostgreSQL that can be cut (every connection dropped,
    new ones refused) and restored on the same port: the database going away, for real."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for client, server in pairs:
            for end in (client, server):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def sqlite_held(scratch: Scratch) -> Iterator[None]:
    """Another writer holds the SQLite file (an exclusive transaction) until released."""
    db = sqlite3.connect(scratch.parsed["NAME"], isolation_level=None, timeout=600)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


def test_an_import_waits_while_the_database_is_away_and_carries_on_where_it_was(scratch):
    feed = feed_file(scratch.folder, prefix="away")
    before, _ = scratch.events()
    if scratch.postgres:
        relay = Relay((scratch.parsed["HOST"] or "127.0.0.1", int(scratch.parsed["PORT"] or 5432)))
        process = scratch.start(
            "import-events", "--no-progress", str(feed), url=scratch.url_through(relay.port)
        )
        wait_until(lambda: scratch.events()[0] - before >= 200, seconds=240, message="no batch")
        relay.down()
        time.sleep(6)  # away for a while: the import keeps trying
        relay.up()
    else:
        process = scratch.start(
            "import-events", "--no-progress", str(feed), SQLITE_BUSY_TIMEOUT="1"
        )
        wait_until(lambda: scratch.events()[0] - before >= 200, seconds=240, message="no batch")
        with sqlite_held(scratch):
            time.sleep(6)
    stdout, stderr = process.communicate(timeout=900)

    assert process.returncode == 0, stderr
    assert "The database is not answering" in stderr
    assert "trying again in" in stderr
    # A batch whose COMMIT reached the server but whose answer was cut is tried again and
    # found already received: a duplicate, never a second copy.
    assert counted(stdout, "Accepted") + counted(stdout, "Duplicates") == LINES, stdout
    total, distinct = scratch.events()
    assert total - before == LINES
    assert total == distinct


def test_an_import_that_waited_long_enough_stops_and_says_from_which_line_nothing_was_imported(
    scratch,
):
    # Five batches, so the database goes away between two of them, not after the last.
    feed = feed_file(scratch.folder, prefix="gone", count=1000)
    before, _ = scratch.events()
    if scratch.postgres:
        relay = Relay((scratch.parsed["HOST"] or "127.0.0.1", int(scratch.parsed["PORT"] or 5432)))
        process = scratch.start(
            "import-events",
            "--no-progress",
            str(feed),
            url=scratch.url_through(relay.port),
            DATABASE_WAIT_SECONDS="3",
        )
        wait_until(lambda: scratch.events()[0] - before >= 200, seconds=240, message="no batch")
        relay.down()
        stdout, stderr = process.communicate(timeout=900)
    else:
        process = scratch.start(
            "import-events",
            "--no-progress",
            str(feed),
            SQLITE_BUSY_TIMEOUT="1",
            DATABASE_WAIT_SECONDS="3",
        )
        wait_until(lambda: scratch.events()[0] - before >= 200, seconds=240, message="no batch")
        with sqlite_held(scratch):
            stdout, stderr = process.communicate(timeout=900)

    assert process.returncode == 2, stderr
    kept = scratch.events()[0] - before
    assert kept < 1000, "the database went away only after the last batch"
    first_missing = re.search(r"line (\d+) onwards were not", stderr)
    assert first_missing, stderr
    assert int(first_missing.group(1)) == kept + 1
    assert "did not answer for 3 seconds" in stderr
    # The command stops with its own message, never a crash of its own. (What is logged on
    # the way is the worker's evaluation request of the last committed batch, if it too could
    # not reach the database in time: named, and made good by `sightline alerts --rebuild`.)
    assert "manage.py" not in stderr

    again = scratch.run("import-events", "--no-progress", str(feed))
    assert again.returncode == 0, again.stderr
    assert re.search(rf"Accepted\s+{1000 - kept}\b", again.stdout), again.stdout
    total, distinct = scratch.events()
    assert total - before == 1000 and total == distinct


@pytest.fixture
def served(scratch: Scratch) -> Iterator[tuple[str, Relay | None]]:
    """Sightline served by Django's server against the scratch database (through the relay
    on PostgreSQL), with a signed-in practitioner's session; yields its address."""
    password = "a-long-synthetic-password-for-faults"  # noqa: S105
    created = scratch.run(
        "shell",
        "-c",
        "from sightline.testing import factories as f;"
        "a = f.standard_agencies();"
        "f.user(a['csc'], 'social_worker', 'social_worker', username='sw.fault',"
        f" password='{password}')",
    )
    assert created.returncode == 0 or "UNIQUE" in created.stderr or "duplicate" in created.stderr, (
        created.stderr
    )
    relay = None
    url = None
    if scratch.postgres:
        relay = Relay((scratch.parsed["HOST"] or "127.0.0.1", int(scratch.parsed["PORT"] or 5432)))
        url = scratch.url_through(relay.port)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = scratch.start(
        "runserver",
        "--noreload",
        "--insecure",
        f"127.0.0.1:{port}",
        url=url,
        SQLITE_BUSY_TIMEOUT="1",
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_DEBUG="0",
    )
    address = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{address}/healthz", timeout=2).status_code == 200
        return False

    wait_until(answering, seconds=120, message="the server did not start")
    try:
        yield address, relay
    finally:
        server.terminate()
        server.communicate(timeout=30)
        if relay is not None:
            relay.down()


def test_pages_say_the_service_is_unavailable_while_the_database_is_away_and_work_after(
    served, scratch
):
    address, relay = served
    session = requests.Session()
    sign_in = session.get(f"{address}/accounts/sign-in/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in.text).group(1)
    signed_in = session.post(
        f"{address}/accounts/sign-in/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "sw.fault",
            "password": "a-long-synthetic-password-for-faults",
        },
        headers={"Referer": f"{address}/accounts/sign-in/"},
        timeout=10,
    )
    assert signed_in.status_code == 200 and "Sign out" in signed_in.text, signed_in.text[:500]

    if relay is not None:
        relay.down()
        page = session.get(f"{address}/", timeout=30)
    else:
        with sqlite_held(scratch):  # reads go on under WAL; a write cannot
            page = session.post(
                f"{address}/accounts/sign-out/",
                data={"csrfmiddlewaretoken": session.cookies.get("csrftoken")},
                headers={"Referer": f"{address}/"},
                timeout=30,
            )
    assert page.status_code == 503, page.text[:500]
    assert "Sorry, the service is unavailable" in page.text
    assert "cannot reach its database" in page.text
    assert page.headers["Retry-After"] == "60"
    assert "Traceback" not in page.text

    if relay is not None:
        relay.up()
    back = session.get(f"{address}/", timeout=30)
    assert back.status_code == 200


# --- a full disk ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "export",
    [
        ("export-annex-a", "--from", "2024-04-01", "--to", "2025-03-31"),
        ("export-cin-census", "--year", "2024"),
    ],
    ids=["annex-a", "cin-census"],
)
def test_an_export_to_a_full_disk_says_so_and_names_the_file(scratch, export):
    ran = scratch.run(*export, "--output", "/dev/full")
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr, ran.stderr
    assert "Could not write /dev/full: the disk is full" in ran.stderr
