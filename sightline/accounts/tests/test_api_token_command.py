"""`sightline api-token issue AGENCY_CODE --name NAME` and `sightline api-token revoke PREFIX`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sightline.accounts.models import ApiToken
from sightline.accounts.services import api_token_agency, api_token_issue, api_token_revoke
from sightline.core.models import AuditEntry


def api_token(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def issued_secret(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_issuing_prints_the_secret_once_and_keeps_only_its_hash(agencies):
    output = api_token("issue", "police", "--name", "Niche RMS")
    secret = issued_secret(output)
    token = ApiToken.objects.get(agency=agencies["police"])
    assert secret.startswith(f"sl_{token.prefix}_")
    assert "it will not be shown again" in output
    assert token.token_hash == ApiToken.hash(secret)
    assert secret not in {token.name, token.prefix, token.token_hash}
    assert api_token_agency(secret=secret) == agencies["police"]


def test_issuing_for_an_unknown_agency_is_refused(db):
    with pytest.raises(CommandError, match="no agency with the code 'nowhere'"):
        api_token("issue", "nowhere", "--name", "Test")
    assert not ApiToken.objects.exists()


def test_issuing_for_an_inactive_agency_is_refused(agencies):
    agencies["housing"].active = False
    agencies["housing"].save()
    with pytest.raises(CommandError, match="not active"):
        api_token("issue", "housing", "--name", "Test")


def test_a_revoked_token_stops_working(agencies):
    secret = issued_secret(api_token("issue", "police", "--name", "Niche RMS"))
    prefix = ApiToken.objects.get().prefix
    output = api_token("revoke", prefix)
    assert f"Revoked token {prefix} (Niche RMS) of Northmoor Police" in output
    assert api_token_agency(secret=secret) is None
    assert ApiToken.objects.get().revoked_at is not None


def test_a_pasted_whole_token_is_revoked_by_its_prefix(agencies):
    secret = issued_secret(api_token("issue", "health", "--name", "SystmOne"))
    api_token("revoke", secret)
    assert api_token_agency(secret=secret) is None


def test_revoking_an_unknown_prefix_is_an_error(db):
    with pytest.raises(CommandError, match="no token with the prefix 'deadbeef'"):
        api_token("revoke", "deadbeef")


def test_revoking_one_token_leaves_the_agencys_other_tokens_working(agencies):
    first, first_secret = api_token_issue(actor="test", agency=agencies["police"], name="Old")
    _, second_secret = api_token_issue(actor="test", agency=agencies["police"], name="New")
    api_token_revoke(actor="test", prefix=first.prefix)
    assert api_token_agency(secret=first_secret) is None
    assert api_token_agency(secret=second_secret) == agencies["police"]


def test_issuing_and_revoking_are_audited_but_the_secret_is_not(agencies):
    secret = issued_secret(api_token("issue", "police", "--name", "Niche RMS"))
    api_token("revoke", ApiToken.objects.get().prefix)
    api_token("revoke", ApiToken.objects.get().prefix)  # twice: nothing more to record
    entries = AuditEntry.objects.filter(object_type="accounts.apitoken").order_by("id")
    assert [(e.actor_label, e.action) for e in entries] == [
        ("command line", "api_token.issued"),
        ("command line", "api_token.revoked"),
    ]
    assert all(secret not in entry.canonical() for entry in entries)


def test_an_unknown_token_finds_no_agency(agencies):
    assert api_token_agency(secret="sl_00000000_not-a-real-token") is None
