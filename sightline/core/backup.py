"""Backing up and restoring Sightline's database (`sightline backup`, `sightline restore`).

SQLite: the `sqlite3` module's online backup (`Connection.backup`) copies a consistent
snapshot page by page while Sightline keeps serving (WAL lets writers carry on). The copy is
written beside the output under a temporary name and renamed into place only when whole, so a
failed backup (a full disk) never leaves a half-written file under the backup's name.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` (Debian's
`postgresql-client` package; the tools must be the server's major version or newer). The
restore runs in one transaction: it is whole or nothing.

A restore replaces everything in the target database, so it is refused when the target holds
data unless the caller forces it; `database_contents` says what would be replaced.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, given argument lists, never a shell)
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

Database = str | BaseDatabaseWrapper  # an alias of settings.DATABASES, or a connection

# Tables `sightline migrate` fills by itself: a database holding rows only here is empty.
MADE_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "core_theme",
        "sharing_notificationkind",
        "sharing_audience",
        "sharing_referralcriterion",
        "insight_benchmark",
        "sightline_cache",
        "sqlite_sequence",
    }
)
SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
DEBIAN_CLIENT = "install the PostgreSQL client tools (on Debian: apt-get install postgresql-client)"


class BackupError(Exception):
    """A backup or restore that could not be done, with a message an operator can act on."""


@dataclass(frozen=True)
class TableFingerprint:
    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class Holding:
    """Rows of one kind of record in a database (`database_contents`)."""

    label: str
    rows: int


# --- reading a database -----------------------------------------------------------------


def _connection(using: Database) -> BaseDatabaseWrapper:
    return connections[using] if isinstance(using, str) else using


def _tables(using: Database) -> list[str]:
    connection = _connection(using)
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _quoted(using: Database, name: str) -> str:
    return _connection(using).ops.quote_name(name)


def _order_by(using: Database, table: str) -> str:
    """The primary key, or every column when a table has none, so rows come in one order."""
    connection = _connection(using)
    with connection.cursor() as cursor:
        key = connection.introspection.get_primary_key_column(cursor, table)
        if key:
            return _quoted(using, key)
        columns = connection.introspection.get_table_description(cursor, table)
    return ", ".join(_quoted(using, column.name) for column in columns)


def table_fingerprints(using: Database = "default") -> list[TableFingerprint]:
    """Every table's row count and a SHA-256 of all its rows in primary-key order."""
    fingerprints = []
    connection = _connection(using)
    for table in _tables(using):
        digest = hashlib.sha256()
        rows = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM {_quoted(using, table)} "  # noqa: S608 (names from the catalogue)
                f"ORDER BY {_order_by(using, table)}"
            )
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    digest.update(repr(tuple(row)).encode())
                    digest.update(b"\n")
                rows += len(batch)
        fingerprints.append(TableFingerprint(table, rows, digest.hexdigest()))
    return fingerprints


def _labels() -> dict[str, str]:
    return {
        model._meta.db_table: str(model._meta.verbose_name_plural)
        for model in apps.get_models(include_auto_created=True)
    }


def database_contents(using: Database = "default") -> list[Holding]:
    """What a restore would replace: rows per kind of record, largest first (empty if none)."""
    labels = _labels()
    holdings = []
    with _connection(using).cursor() as cursor:
        for table in _tables(using):
            if table in MADE_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_quoted(using, table)}")  # noqa: S608
            rows = cursor.fetchone()[0]
            if rows:
                holdings.append(Holding(labels.get(table, table), rows))
    return sorted(holdings, key=lambda holding: (-holding.rows, holding.label))


def describe_contents(holdings: list[Holding], shown: int = 6) -> str:
    """'1,204 audit entries, 96 people, ... and 310 rows of 12 other kinds'."""
    parts = [f"{holding.rows:,} {holding.label}" for holding in holdings[:shown]]
    rest = holdings[shown:]
    if rest:
        parts.append(f"{sum(h.rows for h in rest):,} rows of {len(rest)} other kinds of record")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def database_label(using: Database = "default") -> str:
    settings = _connection(using).settings_dict
    if _connection(using).vendor == "sqlite":
        return f"the SQLite database {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    return f"the PostgreSQL database {settings['NAME']} on {host}"


# --- errors an operator can act on ----------------------------------------------------


def _os_problem(error: OSError, doing: str, where: Path) -> BackupError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "the disk is full; free some space or choose another place"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "Sightline may not write there; choose another place or fix its permissions"
    elif error.errno == errno.ENOENT:
        why = "the folder does not exist"
    else:
        why = error.strerror or str(error)
    return BackupError(f"Could not {doing} {where}: {why}.")


def _sqlite_problem(error: sqlite3.Error, doing: str, where: Path) -> BackupError:
    text = str(error)
    if "full" in text:
        text = "the disk is full; free some space or choose another place"
    return BackupError(f"Could not {doing} {where}: {text}.")


def _ready_to_write(output: Path) -> Path:
    folder = output.parent
    if not folder.is_dir():
        raise BackupError(
            f"Could not write the backup to {output}: the folder {folder} does not exist."
        )
    if output.is_dir():
        raise BackupError(f"Could not write the backup to {output}: it is a folder; name a file.")
    return output.with_name(f".{output.name}.partial")


def _ready_to_read(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.read(16)
    except FileNotFoundError:
        raise BackupError(f"There is no backup file at {source}.") from None
    except IsADirectoryError:
        raise BackupError(f"{source} is a folder, not a backup file.") from None
    except OSError as error:
        raise _os_problem(error, "read the backup", source) from error


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


# --- PostgreSQL client tools ---------------------------------------------------------


def client_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else Debian's versioned folders (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    versioned = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if versioned:
        return versioned[-1]
    raise BackupError(f"{name} was not found: {DEBIAN_CLIENT}.")


def _pg_environment(using: Database) -> dict[str, str]:
    settings = _connection(using).settings_dict
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            environment[variable] = str(settings[key])
    options = settings.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            environment[f"PG{option.upper()}"] = str(options[option])
    return environment


def _run(command: list[str], using: Database, doing: str) -> None:
    try:
        finished = subprocess.run(  # noqa: S603 (an argument list, no shell)
            command, env=_pg_environment(using), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(
            f"Could not run {command[0]}: {error.strerror}. {DEBIAN_CLIENT}."
        ) from error
    if finished.returncode != 0:
        said = finished.stderr.strip() or f"it stopped with status {finished.returncode}"
        if "No space left" in said:
            said += " (the disk is full; free some space or choose another place)"
        raise BackupError(f"Could not {doing}: {Path(command[0]).name} said: {said}")


# --- backup ------------------------------------------------------------------------------


def backup_create(*, output: Path, using: Database = "default") -> Path:
    """Write a backup of the database to `output` (replaced only once the new one is whole)."""
    output = Path(output).absolute()
    partial = _ready_to_write(output)
    connection = _connection(using)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(using, partial, output)
        elif connection.vendor == "postgresql":
            _run(
                [
                    client_tool("pg_dump"),
                    "--format=custom",
                    f"--file={partial}",
                    f"--dbname={connection.settings_dict['NAME']}",
                ],
                using,
                f"write the backup to {output}",
            )
        else:
            raise BackupError(f"Backing up a {connection.vendor} database is not supported.")
        os.replace(partial, output)
    except OSError as error:
        _remove(partial)
        raise _os_problem(error, "write the backup to", output) from error
    except BaseException:
        _remove(partial)
        raise
    return output


def _sqlite_backup(using: Database, partial: Path, output: Path) -> None:
    connection = _connection(using)
    connection.ensure_connection()
    source = connection.connection
    _remove(partial)
    try:
        target = sqlite3.connect(partial)
    except sqlite3.Error as error:
        raise _sqlite_problem(error, "write the backup to", output) from error
    try:
        source.backup(target)  # the whole database in one step: a consistent snapshot
        # A self-contained file: no -wal or -shm beside it, readable from read-only media.
        target.execute("PRAGMA journal_mode=DELETE")
        target.commit()
    except sqlite3.Error as error:
        raise _sqlite_problem(error, "write the backup to", output) from error
    finally:
        target.close()


# --- restore -----------------------------------------------------------------------------


def backup_restore(
    *, source: Path, using: Database = "default", force: bool = False
) -> list[Holding]:
    """Replace the database's contents with a backup; refused over data unless `force`.

    Returns what was replaced (empty when the database was empty). Raises BackupError.
    """
    source = Path(source).absolute()
    header = _ready_to_read(source)
    connection = _connection(using)
    if connection.vendor == "sqlite" and not header.startswith(SQLITE_HEADER):
        raise BackupError(
            f"{source} is not a backup of a SQLite database made by `sightline backup`."
        )
    if connection.vendor == "postgresql" and not header.startswith(PG_CUSTOM_HEADER):
        raise BackupError(
            f"{source} is not a PostgreSQL backup made by `sightline backup` (pg_dump's "
            "custom format)."
        )
    replaced = database_contents(using)
    if replaced and not force:
        raise BackupError(
            f"{database_label(using)[0].upper()}{database_label(using)[1:]} already holds "
            f"{describe_contents(replaced)}. Restoring replaces all of it with the backup. "
            "Run again with --force to replace it (back it up first if you may need it)."
        )
    if connection.vendor == "sqlite":
        _sqlite_restore(using, source)
    elif connection.vendor == "postgresql":
        connection.close()  # pg_restore drops the tables: hold no locks or prepared statements
        _run(
            [
                client_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            using,
            f"restore {source}",
        )
    else:
        raise BackupError(f"Restoring a {connection.vendor} database is not supported.")
    connection.close()
    return replaced


def _sqlite_restore(using: Database, source: Path) -> None:
    try:
        backup = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise _sqlite_problem(error, "read the backup", source) from error
    try:
        checked = backup.execute("PRAGMA quick_check").fetchone()
        migrations = backup.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
        if not checked or checked[0] != "ok" or not migrations:
            raise BackupError(f"{source} is damaged or is not a backup of Sightline's database.")
        connection = _connection(using)
        connection.close()
        connection.ensure_connection()
        backup.backup(connection.connection)  # one write transaction: whole or nothing
    except sqlite3.DatabaseError as error:
        raise _sqlite_problem(error, "restore", source) from error
    finally:
        backup.close()
