"""A sign-in never waits on the audit trail in a way that can deadlock (PostgreSQL row locks).

Under the load run, a user signing in (their row locked while the attempt is counted, then
the audit chain's turn awaited) and another request of the same user (holding the chain's
turn, then writing an entry that names the user) waited for each other. The sign-in's lock
now leaves the row free for the entries' foreign key check."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, transaction

from sightline.accounts.services import account_for_sign_in
from sightline.core import audit


@pytest.mark.django_db(transaction=True)
def test_an_audit_entry_naming_a_user_is_not_blocked_by_their_sign_in(police_officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks that can deadlock are PostgreSQL's; SQLite writes one at a time")
    with transaction.atomic():  # Django compiles a row lock only inside a transaction
        sql, params = account_for_sign_in(police_officer.username).query.sql_with_params()
    p = connection.settings_dict
    signing_in = psycopg.connect(
        host=p["HOST"] or "127.0.0.1",
        port=p["PORT"] or 5432,
        user=p["USER"],
        password=p["PASSWORD"] or None,
        dbname=p["NAME"],
    )
    try:
        signing_in.execute(sql, params)  # the sign-in's lock, held in its open transaction
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        audit.record(
            actor=police_officer,
            kind=audit.Kind.READ,
            action="person.viewed",
            detail={"while": "the same user signs in elsewhere"},
        )
    finally:
        signing_in.rollback()
        signing_in.close()
