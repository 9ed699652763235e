"""Personas for the partnership area: the business unit, a subgroup chair and the scrutineer
(the partnership officer persona is shared: sightline/testing/personas.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.core.models import Theme
from sightline.partnership.services import plan, reviews
from sightline.testing import factories as f


@pytest.fixture
def subgroup_chair(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "subgroup_chair", "other", username="sc.rowan")


@pytest.fixture
def scrutineer(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "scrutineer", "other", username="is.willow")


@pytest.fixture
def analyst(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "analyst", "other", username="an.poplar")


@pytest.fixture
def themes(db):  # type: ignore[no-untyped-def]
    return {theme.code: theme for theme in Theme.objects.all()}


@pytest.fixture
def subgroup(partnership_officer):  # type: ignore[no-untyped-def]
    return plan.subgroup_create(
        actor=partnership_officer, name="Case Review Subgroup", terms_of_reference="Reviews."
    )


@pytest.fixture
def recommendation(partnership_officer, agencies, themes):  # type: ignore[no-untyped-def]
    return plan.recommendation_create(
        actor=partnership_officer,
        source="local_review",
        source_reference="Child T practice review",
        number="1",
        text="Health professionals tell every professional when a family moves home.",
        themes=[themes["information-sharing"], themes["think-family"]],
        agencies=[agencies["health"], agencies["police"]],
    )


@pytest.fixture
def police_action(partnership_officer, recommendation, agencies):  # type: ignore[no-untyped-def]
    return plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Audit address-change notifications in police systems.",
        owner_agency=agencies["police"],
        lead_person="Detective Inspector, safeguarding",
        due_on=dt.date(2030, 3, 31),
    )


@pytest.fixture
def incident(partnership_officer):  # type: ignore[no-untyped-def]
    return reviews.serious_incident_create(
        actor=partnership_officer,
        summary="A baby of eight weeks was admitted with a head injury.",
        child_description="Baby T, 8 weeks",
        aware_on=dt.date(2025, 4, 30),
    )
