"""Production mode: `sightline check --deploy` is clean, and the secure settings are on."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SETTINGS_PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.TWO_FACTOR_REQUIRED, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
)


def production_environment(**changes: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TWO_FACTOR", "SECURE_", "AUDIT_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="sightline.settings",
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45)[:60],
        DJANGO_ALLOWED_HOSTS="sightline.example",
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(40),
    )
    environment.update(changes)
    return environment


def run(*args: str, **changes: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=REPO,
        env=production_environment(**changes),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deployment_check_is_clean_in_production_mode():
    result = run("-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_requires_two_factor_sign_in_and_secure_cookies():
    result = run("-c", SETTINGS_PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "False"]


def test_production_mode_refuses_to_start_without_a_real_secret_key():
    result = run("-c", SETTINGS_PROBE, DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
