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
def police_lead(agencies):  # type: ignore[no-untyped-def]
    """The police's named agency lead: answers for the police to the partnership."""
    lead = f.user(agencies["police"], "practitioner", "police_officer", username="di.hawthorn")
    lead.is_agency_lead = True
    lead.job_title = "Detective Inspector, safeguarding"
    lead.save(update_fields=["is_agency_lead", "job_title"])
    return lead


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


# --- The second half: risk log, audits, self-assessment, business plan, subgroups, finances --


@pytest.fixture
def s11_standards(partnership_officer):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import self_assessment

    titles = [
        "Senior management commitment to safeguarding",
        "A clear line of accountability",
        "Safer recruitment",
    ]
    return [
        self_assessment.standard_create(
            actor=partnership_officer, framework="s11", number=number, title=title
        )
        for number, title in enumerate(titles, start=1)
    ]


@pytest.fixture
def s175_standards(partnership_officer):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import self_assessment

    titles = ["Designated safeguarding lead in post", "Staff training is current"]
    return [
        self_assessment.standard_create(
            actor=partnership_officer, framework="s175", number=number, title=title
        )
        for number, title in enumerate(titles, start=1)
    ]


@pytest.fixture
def s11_returns(partnership_officer, agencies, s11_standards):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import self_assessment

    created = self_assessment.self_assessment_request(
        actor=partnership_officer,
        framework="s11",
        year=2025,
        agencies=[agencies["police"], agencies["health"]],
        due_on=dt.date(2030, 6, 30),
    )
    return {item.agency.code: item for item in created}


@pytest.fixture
def police_risk(partnership_officer, agencies, subgroup):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import risk

    return risk.risk_log_entry_create(
        actor=partnership_officer,
        raised_by_subgroup=subgroup,
        against_agency=agencies["police"],
        concern="Strategy discussions are held without health in a third of cases.",
        assurance_requested="An audit of 20 strategy discussions and who attended.",
        assurance_due_on=dt.date(2030, 2, 28),
        raised_on=dt.date(2025, 5, 1),
    )


@pytest.fixture
def audit_programme(partnership_officer, themes, subgroup):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import audits

    return audits.audit_programme_create(
        actor=partnership_officer,
        title="Neglect case audit, spring",
        kind="case_audit",
        theme=themes["neglect"],
        subgroup=subgroup,
        planned_on=dt.date(2025, 5, 14),
        questions=["Was neglect recognised early?", "Did agencies share information?"],
    )


@pytest.fixture
def case_audit(partnership_officer, audit_programme, police_officer, social_worker):  # type: ignore[no-untyped-def]
    from sightline.partnership.services import audits

    return audits.case_audit_add(
        actor=partnership_officer,
        programme=audit_programme,
        case_reference="Case N1",
        auditors=[police_officer, social_worker],
    )
