"""On PostgreSQL the application connects as a role that cannot rewrite the audit trail."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sightline.core import audit
from sightline.core.roles import app_role_grants

pytestmark = pytest.mark.django_db
ROLE = "sightline_app_role_test"


@pytest.fixture
def as_app_role(police_officer):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    audit.record(actor=police_officer, kind=audit.Kind.READ, action="person.viewed")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")  # rolled back with the test
        for statement in app_role_grants(role=ROLE):
            cursor.execute(statement)
        cursor.execute(f"SET ROLE {ROLE}")
        yield cursor
        cursor.execute("RESET ROLE")


def refused(cursor, sql: str) -> str:
    try:
        with transaction.atomic():
            cursor.execute(sql)
    except DatabaseError as error:
        return str(error)
    return ""


def test_the_application_role_appends_and_reads_the_trail(as_app_role, police_officer):
    entry = audit.record(actor=police_officer, kind=audit.Kind.READ, action="person.viewed.2")
    assert entry.pk and list(audit.verify_chain()) == []


@pytest.mark.parametrize(
    "sql, why",
    [
        ("TRUNCATE core_auditentry", "permission denied"),
        ("DELETE FROM core_auditentry", "permission denied"),
        ("UPDATE core_auditentry SET reason = 'x'", "permission denied"),
        ("ALTER TABLE core_auditentry DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER core_auditentry_append_only ON core_auditentry", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
    ],
)
def test_the_application_role_cannot_rewrite_the_trail(as_app_role, sql, why):
    assert why in refused(as_app_role, sql)


def test_the_grants_command_prints_the_statements(db):
    out = StringIO()
    call_command("audit", "grants", "--role", "sightline_app", stdout=out)
    assert "REVOKE UPDATE, DELETE, TRUNCATE ON core_auditentry FROM" in out.getvalue()
