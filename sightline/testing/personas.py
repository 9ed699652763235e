"""Shared personas and builders for every test (CONVENTIONS.md: a police officer, a health
visitor, a school DSL, a social worker, an IFD practitioner and manager, an outsider)."""

from __future__ import annotations

import importlib

import pytest

from sightline.testing import factories as f


@pytest.fixture(autouse=True)
def _fast_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TWO_FACTOR_REQUIRED = False
    # Background tasks run as they are queued (after commit); worker tests use the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Rows that data migrations load (learning themes, notification audiences). A test that uses
# a live server or `transactional_db` ends by emptying every table, so the next test on the
# same worker would find none: each database test puts them back first when they are missing.
REFERENCE_ROWS = [
    ("core", "Theme", "sightline.core.migrations.0003_theme", "add_themes"),
    (
        "sharing",
        "NotificationKind",
        "sightline.sharing.migrations.0003_notification_audiences",
        "load",
    ),
    ("sharing", "ReferralCriterion", "sightline.sharing.migrations.0005_risk_meetings", "load"),
    (
        "insight",
        "Benchmark",
        "sightline.insight.migrations.0002_shipped_dfe_benchmarks_2025",
        "load",
    ),
]


@pytest.fixture(autouse=True)
def _reference_rows(request):  # type: ignore[no-untyped-def]
    names = request.fixturenames
    database = next((name for name in ("transactional_db", "db") if name in names), None)
    marker = request.node.get_closest_marker("django_db")
    if database is None and marker is not None:  # `@pytest.mark.django_db` rather than a fixture
        database = "transactional_db" if marker.kwargs.get("transaction") else "db"
    if database is None:
        return
    request.getfixturevalue(database)
    from django.apps import apps

    for app, model, module, function in REFERENCE_ROWS:
        if not apps.get_model(app, model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def agencies(db):  # type: ignore[no-untyped-def]
    return f.standard_agencies()


@pytest.fixture
def police_officer(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["police"], "practitioner", "police_officer", username="pc.ash")


@pytest.fixture
def health_visitor(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["health"], "practitioner", "health_visitor", username="hv.birch")


@pytest.fixture
def school_dsl(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["school"], "practitioner", "dsl", username="dsl.cedar")


@pytest.fixture
def social_worker(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["csc"], "social_worker", "social_worker", username="sw.elm")


@pytest.fixture
def ifd_practitioner(agencies):  # type: ignore[no-untyped-def]
    return f.user(
        agencies["csc"],
        "ifd_practitioner",
        "social_worker",
        username="ifd.fir",
        team=f.team(agencies["csc"], "Integrated Front Door"),
    )


@pytest.fixture
def ifd_manager(agencies):  # type: ignore[no-untyped-def]
    return f.user(
        agencies["csc"],
        "ifd_manager",
        "social_worker",
        username="ifd.hazel",
        team=f.team(agencies["csc"], "Integrated Front Door"),
    )


@pytest.fixture
def ig_officer(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["csc"], "information_governance", "other", username="ig.juniper")


@pytest.fixture
def partnership_officer(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "partnership_officer", "other", username="po.larch")


@pytest.fixture
def outsider(agencies):  # type: ignore[no-untyped-def]
    """A housing officer with no relationship to anyone in the tests."""
    return f.user(agencies["housing"], "practitioner", "housing_officer", username="ho.maple")


@pytest.fixture
def unscheduled_care(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["hospital"], "unscheduled_care", "ed_clinician", username="ed.oak")


@pytest.fixture
def analyst(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "analyst", "other", username="an.rowan")
