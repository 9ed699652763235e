"""`sightline backup` and `sightline restore`: a round trip on the database the suite runs on
(SQLite, and PostgreSQL under `DATABASE_URL=postgres://...`), and clear refusals and errors."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from sightline.core import audit
from sightline.core.backup import (
    PG_CUSTOM_HEADER,
    TableFingerprint,
    backup_restore,
    table_fingerprints,
)
from sightline.people.models import Person
from sightline.testing import chronology as c
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

SIGHTLINE = str(Path(sys.executable).with_name("sightline"))


def small_world() -> None:
    """Agencies, staff, families, contacts, chronology events and reads of the records."""
    agencies = f.standard_agencies()
    officer = f.user(agencies["police"], "practitioner", "police_officer", username="pc.ash")
    f.user(agencies["csc"], "social_worker", "social_worker", username="sw.elm")
    for number in range(4):
        child = f.child(given_name=f"Robin{number}", family_name="Testfamily")
        carer = f.adult(given_name=f"Sam{number}", family_name="Testfamily")
        c.household(child, carer, name=f"Testfamily {number}", joined=dt.date(2020, 1, 1))
        c.events(child, 3, source=agencies["police"], recorded_by=officer)
        fd.contact(child=child, referrer=officer, concern=f"Synthetic concern ‘{number}’ — é")
        audit.record_read(actor=officer, target=child, person_id=child.pk)


def restored_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    source = connection.settings_dict
    credentials = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
    host = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{source['NAME']}_restored"


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[tuple[str, BaseDatabaseWrapper]]:
    """A new, empty database (a file on SQLite, a second database on PostgreSQL): its URL and
    a connection to it of its own (not one of the suite's aliases)."""
    url = restored_url(tmp_path)
    name = dj_database_url.parse(url)["NAME"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    handler = ConnectionHandler({DEFAULT_DB_ALIAS: dj_database_url.parse(url)})
    try:
        yield url, handler[DEFAULT_DB_ALIAS]
    finally:
        handler.close_all()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sightline(*arguments: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """The real command line, as an operator runs it against the restored database."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
        "AUDIT_CHAIN_UNKEYED_UNTIL": str(settings.AUDIT_CHAIN_UNKEYED_UNTIL),
        "AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.log"),
    }
    environment.pop("DJANGO_PRODUCTION", None)
    return subprocess.run(  # noqa: S603
        [SIGHTLINE, *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def by_table(fingerprints: list[TableFingerprint]) -> dict[str, tuple[int, str]]:
    return {item.table: (item.rows, item.checksum) for item in fingerprints}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_holds_every_row_and_a_whole_audit_trail(
    tmp_path,
):
    small_world()
    before = by_table(table_fingerprints())
    assert before["people_person"][0] == Person.objects.count() == 8
    assert before["core_auditentry"][0] > 10
    backup = tmp_path / "sightline.backup"

    call_command("backup", "--output", str(backup), stdout=StringIO())

    with empty_database(tmp_path) as (url, restored_database):
        assert by_table(table_fingerprints(restored_database)) == {}
        assert backup_restore(source=backup, using=restored_database) == []

        after = by_table(table_fingerprints(restored_database))
        assert after.keys() == before.keys()
        differing = [table for table in before if before[table] != after[table]]
        assert differing == []

        verified = sightline("audit", "verify", database_url=url, tmp_path=tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert "The audit trail is intact" in verified.stdout


@pytest.mark.django_db(transaction=True)
def test_the_checksums_tell_a_changed_row_apart(tmp_path):
    small_world()
    before = by_table(table_fingerprints())
    Person.objects.filter(given_name="Robin2").update(given_name="Robyn2")
    after = by_table(table_fingerprints())
    assert after["people_person"][0] == before["people_person"][0]
    assert after["people_person"][1] != before["people_person"][1]
    assert after["core_auditentry"] == before["core_auditentry"]


def a_file_that_looks_like_a_backup(tmp_path: Path) -> Path:
    path = tmp_path / "looks-like.backup"
    if connection.vendor == "sqlite":
        sqlite3.connect(path).execute(
            "CREATE TABLE django_migrations (id integer)"
        ).connection.close()
    else:
        path.write_bytes(PG_CUSTOM_HEADER + b"\x01" * 64)
    return path


@pytest.mark.django_db
def test_it_refuses_to_restore_over_a_database_that_holds_data_and_says_what_it_holds(
    tmp_path, police_officer
):
    f.child()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(a_file_that_looks_like_a_backup(tmp_path)))
    message = str(refused.value)
    assert "already holds" in message
    assert "1 persons" in message and "users" in message and "audit entries" in message
    assert "--force" in message
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_it_says_there_is_no_backup_file_at_a_missing_path(tmp_path):
    missing = tmp_path / "nowhere.backup"
    with pytest.raises(CommandError, match=f"There is no backup file at {missing}"):
        call_command("restore", str(missing))


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_backup(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    with pytest.raises(CommandError, match="is not a .* made by `sightline backup`"):
        call_command("restore", str(notes))


@pytest.mark.django_db
def test_it_names_a_backup_folder_that_does_not_exist(tmp_path):
    output = tmp_path / "missing-folder" / "sightline.backup"
    with pytest.raises(CommandError, match=f"the folder {output.parent} does not exist"):
        call_command("backup", "--output", str(output))


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_is_reported_with_the_place_and_leaves_no_half_written_backup(
    tmp_path, monkeypatch
):
    output = tmp_path / "sightline.backup"
    output.write_bytes(b"yesterday's backup")

    def disk_full(source, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr("sightline.core.backup.os.replace", disk_full)
    with pytest.raises(CommandError) as failed:
        call_command("backup", "--output", str(output))

    assert str(failed.value) == (
        f"Could not write the backup to {output}: the disk is full; free some space or "
        "choose another place."
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sightline.backup"]
    assert output.read_bytes() == b"yesterday's backup"
