"""The database role Sightline's application connects as on PostgreSQL.

The tables' owner (the role that runs `sightline migrate`) can truncate any table and switch
any trigger off, so the application must not connect as the owner. It connects as a role that
may read and write the tables but may not UPDATE, DELETE or TRUNCATE the audit trail, and, not
owning the table, cannot disable its append-only trigger or change its definition.
`sightline audit grants --role NAME` prints these statements for the owner to run (after
creating the role), and docs/security.md says how to set up both connections.
"""

from __future__ import annotations

from django.db import connection

AUDIT_TABLE = "core_auditentry"


def app_role_grants(*, role: str, schema: str = "public") -> list[str]:
    """SQL, run by the tables' owner, that lets `role` run Sightline but not rewrite the trail."""
    quoted = connection.ops.quote_name(role)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
        # Tables and sequences that later migrations add get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {quoted}",
        # The audit trail: read and append only.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {quoted}",
    ]
