"""Two people editing the same plan outcome: the second save is refused, shows the first
person's change, and keeps what the second person typed (sightline.core.versions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sightline.casework.services.plans import plan_outcome_add, plan_outcome_update
from sightline.casework.tests import test_protection_builders as b
from sightline.core.models import AuditEntry
from sightline.core.versions import StaleEdit
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(time_machine, agencies, social_worker):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-16 17:00 +01:00")
    child = f.child(given_name="Ivy", family_name="Versionchild")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    return b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13)))


@pytest.fixture
def manager(agencies):  # type: ignore[no-untyped-def]
    return f.user(
        agencies["csc"],
        "team_manager",
        "social_worker",
        username="tm.rowan",
        team=f.team(agencies["csc"], "Safeguarding Team North"),
    )


@pytest.fixture
def outcome(plan, social_worker, agencies):  # type: ignore[no-untyped-def]
    return plan_outcome_add(
        actor=social_worker,
        plan=plan,
        concern="Ivy misses school.",
        action="Walk Ivy to school every day.",
        responsible_person="Sam Parent",
        responsible_agency=agencies["school"],
        by_when=dt.date(2026, 5, 12),
        success_measure="Attendance above 95%.",
    )


def posted(outcome, version, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "concern": outcome.concern,
        "action": outcome.action,
        "responsible_person": outcome.responsible_person,
        "responsible_agency": str(outcome.responsible_agency_id),
        "by_when_day": str(outcome.by_when.day),
        "by_when_month": str(outcome.by_when.month),
        "by_when_year": str(outcome.by_when.year),
        "success_measure": outcome.success_measure,
        "version": str(version),
    }
    data.update(overrides)
    return data


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_second_of_two_people_saving_an_outcome_is_refused_with_the_first_change_shown(
    plan, outcome, social_worker, manager
):
    url = f"/casework/plans/{plan.pk}/outcomes/{outcome.pk}/"
    worker, boss = signed_in(social_worker), signed_in(manager)
    for client in (worker, boss):
        page = client.get(url).content.decode()
        assert 'name="version" value="1"' in page

    saved = worker.post(url, posted(outcome, 1, by_when_day="19"))
    assert saved.status_code == 302
    refused = boss.post(url, posted(outcome, 1, action="Walk Ivy to school; call at 9am."))

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record while you were editing" in page
    assert "changed By when from 12 May 2026 to 19 May 2026" in page
    assert "Your changes are below; check them and save again." in page
    assert "Walk Ivy to school; call at 9am." in page  # what the manager typed is kept
    assert 'name="version" value="2"' in page
    outcome.refresh_from_db()
    assert outcome.by_when == dt.date(2026, 5, 19)
    assert outcome.action == "Walk Ivy to school every day."

    again = boss.post(url, posted(outcome, 2, action="Walk Ivy to school; call at 9am."))
    assert again.status_code == 302
    outcome.refresh_from_db()
    assert (outcome.action, outcome.by_when, outcome.version) == (
        "Walk Ivy to school; call at 9am.",
        dt.date(2026, 5, 19),
        3,
    )


def test_it_refuses_a_service_save_over_a_newer_version_naming_who_changed_what(
    outcome, social_worker, manager, agencies
):
    values = dict(
        concern=outcome.concern,
        action=outcome.action,
        responsible_person=outcome.responsible_person,
        responsible_agency=agencies["school"],
        by_when=outcome.by_when,
        success_measure=outcome.success_measure,
    )
    plan_outcome_update(actor=social_worker, outcome=outcome, version=1, **values)
    with pytest.raises(StaleEdit) as refused:
        plan_outcome_update(
            actor=manager, outcome=outcome, version=1, **{**values, "action": "Other."}
        )
    assert isinstance(refused.value, ValidationError)
    assert refused.value.current == 2


def test_the_audit_entry_of_an_outcome_edit_records_old_and_new_values(
    outcome, social_worker, agencies
):
    plan_outcome_update(
        actor=social_worker,
        outcome=outcome,
        version=1,
        concern=outcome.concern,
        action=outcome.action,
        responsible_person="Alex Parent",
        responsible_agency=agencies["health"],
        by_when=dt.date(2026, 5, 19),
        success_measure=outcome.success_measure,
    )
    entry = AuditEntry.objects.filter(action="plan.outcome_updated").get()
    assert entry.detail["changes"] == {
        "responsible_person": ["Sam Parent", "Alex Parent"],
        "responsible_agency": [str(agencies["school"]), str(agencies["health"])],
        "by_when": ["2026-05-12", "2026-05-19"],
    }
    assert entry.detail["version"] == 2
