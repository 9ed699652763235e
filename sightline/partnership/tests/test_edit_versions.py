"""Two partnership users editing the same recommendation or action: the second save is refused
with the first person's change shown, and what the second person typed is kept
(sightline.core.versions)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from sightline.core.models import AuditEntry, Theme
from sightline.core.versions import StaleEdit
from sightline.partnership.models import Recommendation
from sightline.partnership.services import plan, plan_changes

pytestmark = pytest.mark.django_db


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def recommendation_data(recommendation, version, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "source": recommendation.source,
        "source_reference": recommendation.source_reference,
        "number": recommendation.number,
        "text": recommendation.text,
        "themes": [theme.pk for theme in recommendation.themes.all()],
        "agencies": [agency.pk for agency in recommendation.agencies.all()],
        "reason": "",
        "version": str(version),
    }
    data.update(overrides)
    return data


def test_the_second_of_two_partnership_users_saving_a_recommendation_is_refused_with_the_first_change(  # noqa: E501
    recommendation, partnership_officer, subgroup_chair
):
    url = reverse("partnership:recommendation-edit", args=[recommendation.pk])
    officer, chair = signed_in(partnership_officer), signed_in(subgroup_chair)
    for client in (officer, chair):
        assert 'name="version" value="1"' in client.get(url).content.decode()

    first = officer.post(url, recommendation_data(recommendation, 1, number="2"))
    assert first.status_code == 302
    refused = chair.post(
        url, recommendation_data(recommendation, 1, text="Every agency tells the others.")
    )

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record while you were editing" in page
    assert "changed Number in the source from “1” to “2”" in page
    assert "Your changes are below; check them and save again." in page
    assert "Every agency tells the others." in page
    assert 'name="version" value="2"' in page
    recommendation.refresh_from_db()
    assert (recommendation.number, recommendation.version) == ("2", 2)
    assert recommendation.text.startswith("Health professionals")

    again = chair.post(
        url, recommendation_data(recommendation, 2, text="Every agency tells the others.")
    )
    assert again.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.number, recommendation.text, recommendation.version) == (
        "2",
        "Every agency tells the others.",
        3,
    )


def test_it_refuses_a_recommendation_service_save_over_a_newer_version(
    recommendation, partnership_officer, subgroup_chair, themes, agencies
):
    values = dict(
        source=recommendation.source,
        source_reference=recommendation.source_reference,
        text=recommendation.text,
        themes=list(recommendation.themes.all()),
        agencies=list(recommendation.agencies.all()),
    )
    plan_changes.recommendation_update(
        actor=partnership_officer, recommendation=recommendation, version=1, number="2", **values
    )
    with pytest.raises(StaleEdit) as refused:
        plan_changes.recommendation_update(
            actor=subgroup_chair, recommendation=recommendation, version=1, number="3", **values
        )
    assert "Partnership" in str(refused.value) or "changed Number from" in str(refused.value)
    assert "from “1” to “2”" in refused.value.messages[0]


def test_the_audit_entry_of_a_recommendation_edit_records_old_and_new_values(
    recommendation, partnership_officer
):
    plan_changes.recommendation_update(
        actor=partnership_officer,
        recommendation=recommendation,
        version=1,
        source=recommendation.source,
        source_reference=recommendation.source_reference,
        number="1",
        text="Every agency tells the others when a family moves.",
        themes=list(recommendation.themes.all()),
        agencies=list(recommendation.agencies.all()),
    )
    entry = AuditEntry.objects.filter(action="recommendation.edited").get()
    assert entry.detail["changes"] == {
        "text": [
            "Health professionals tell every professional when a family moves home.",
            "Every agency tells the others when a family moves.",
        ]
    }
    assert entry.detail["version"] == 2


def test_the_second_of_two_saves_of_an_action_is_refused_with_the_first_change(
    police_action, partnership_officer, subgroup_chair, agencies
):
    url = reverse("partnership:action-edit", args=[police_action.pk])
    officer, chair = signed_in(partnership_officer), signed_in(subgroup_chair)
    assert 'name="version" value="1"' in chair.get(url).content.decode()
    data = {
        "description": police_action.description,
        "owner_agency": agencies["police"].pk,
        "lead_person": police_action.lead_person,
        "due_on_day": "31",
        "due_on_month": "3",
        "due_on_year": "2030",
        "version": "1",
    }
    assert officer.post(url, {**data, "due_on_day": "30", "due_on_month": "4"}).status_code == 302
    refused = chair.post(url, {**data, "lead_person": "Chief Inspector"})
    page = refused.content.decode()
    assert "changed Due date from 31 March 2030 to 30 April 2030" in page
    assert "Chief Inspector" in page and 'name="version" value="2"' in page
    police_action.refresh_from_db()
    assert police_action.due_on == dt.date(2030, 4, 30)
    assert police_action.lead_person == "Detective Inspector, safeguarding"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_of_two_saves_at_the_same_moment_from_the_same_version_exactly_one_is_kept(
    partnership_officer, subgroup_chair
):
    """Two connections save the same recommendation at once, both read at version 1: one
    wins, the other waits for it, then is refused with its change named; nothing is lost."""
    item = plan.recommendation_create(
        actor=partnership_officer,
        source="local_review",
        source_reference="Child T practice review",
        number="1",
        text="Tell every professional when a family moves home.",
        themes=list(Theme.objects.filter(code="think-family")),
        for_partnership=True,
    )
    start = threading.Barrier(2)
    kept: list[str] = []
    refused: list[StaleEdit] = []
    failures: list[BaseException] = []

    def save(actor, number: str) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            plan_changes.recommendation_update(
                actor=actor,
                recommendation=Recommendation.objects.get(pk=item.pk),
                version=1,
                source=item.source,
                source_reference=item.source_reference,
                text=item.text,
                themes=list(Theme.objects.filter(code="think-family")),
                for_partnership=True,
                number=number,
            )
            kept.append(number)
        except StaleEdit as error:
            refused.append(error)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(partnership_officer, "2")),
        threading.Thread(target=save, args=(subgroup_chair, "3")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(kept) == 1 and len(refused) == 1
    item.refresh_from_db()
    assert (item.number, item.version) == (kept[0], 2)
    assert f"from “1” to “{kept[0]}”" in refused[0].messages[0]
    assert refused[0].current == 2
