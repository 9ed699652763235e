"""Shared personas and builders for every test (CONVENTIONS.md: a police officer, a health
visitor, a school DSL, a social worker, an IFD practitioner and manager, an outsider)."""

from __future__ import annotations

import pytest

from sightline.testing import factories as f


@pytest.fixture(autouse=True)
def _fast_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TWO_FACTOR_REQUIRED = False
    # Background tasks run as they are queued (after commit); worker tests use the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
