"""Who a notification goes to: the audience rows of its kind, resolved for one child."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.people.models import Involvement
from sightline.sharing.models import Audience, Due, NotificationKind
from sightline.sharing.network.audiences import recipients_for
from sightline.sharing.tests.hub import involve, network
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def usernames(kind: str, person_id: int) -> set[str]:
    return {r.user.username for r in recipients_for(kind=kind, person_id=person_id)}


def test_the_catalogue_audiences_are_loaded_as_rows_naming_roles():
    kind = NotificationKind.objects.get(code="address-change-open-case")
    assert set(kind.audiences.values_list("role", "value")) == {
        (Audience.Role.LEAD_SOCIAL_WORKER, ""),
        (Audience.Role.LEAD_MANAGER, ""),
        (Audience.Role.INVOLVED, ""),
    }
    assert NotificationKind.objects.get(code="injury-non-mobile-baby").due == Due.SAME_DAY
    assert NotificationKind.objects.get(code="was-not-brought").due == Due.NEXT_WORKING_DAY


def test_an_address_change_reaches_the_lead_worker_their_manager_and_the_team_around_the_child(
    agencies, health_visitor, school_dsl, outsider
):
    net = network(agencies)
    involve(net.child, health_visitor)
    involve(net.child, school_dsl, "designated safeguarding lead")
    assert usernames("address-change-open-case", net.child.pk) == {
        "sw.rowan",
        "tm.alder",
        "hv.birch",
        "dsl.cedar",
    }


def test_a_professional_whose_involvement_ended_is_no_longer_told(agencies, health_visitor):
    net = network(agencies)
    involve(net.child, health_visitor, ended=dt.date(2025, 6, 1))
    assert "hv.birch" not in usernames("household-change-on-plan", net.child.pk)


def test_every_member_of_a_team_named_as_involved_is_told(agencies):
    team = f.team(agencies["school"], "Northmoor Primary safeguarding")
    dsl = f.user(agencies["school"], "practitioner", "dsl", username="dsl.yew", team=team)
    net = network(agencies)
    Involvement.objects.create(
        person=net.child,
        team=team,
        agency=agencies["school"],
        role="school",
        started=dt.date(2025, 9, 1),
    )
    assert dsl.username in usernames("address-change-open-case", net.child.pk)


def test_a_child_with_no_open_work_goes_to_the_front_door(agencies, ifd_manager, social_worker):
    child = f.child(given_name="Nova", family_name="Testnowork")
    assert usernames("address-change-open-case", child.pk) == {"ifd.hazel"}


def test_a_front_door_rule_about_a_child_with_open_work_goes_to_the_lead_social_worker(
    agencies, ifd_manager
):
    net = network(agencies)
    assert usernames("contacts-without-assessment", net.child.pk) == {"sw.rowan", "tm.alder"}
    child = f.child(given_name="Nova", family_name="Testnowork")
    assert usernames("contacts-without-assessment", child.pk) == {"ifd.hazel"}


def test_a_profession_audience_names_only_the_childs_professionals_of_that_kind(
    agencies, health_visitor
):
    other = f.user(agencies["health"], "practitioner", "health_visitor", username="hv.spruce")
    net = network(agencies)
    involve(net.child, health_visitor)
    found = usernames("was-not-brought", net.child.pk)
    assert "hv.birch" in found and other.username not in found


def test_a_sightline_role_audience_names_everyone_with_that_role(agencies):
    coordinator = f.user(agencies["csc"], "dram_coordinator", "other", username="dc.holly")
    net = network(agencies)
    assert usernames("domestic-abuse-high-risk", net.child.pk) == {coordinator.username}


def test_the_audience_follows_the_rows_when_they_change(agencies, health_visitor):
    net = network(agencies)
    involve(net.child, health_visitor)
    kind = NotificationKind.objects.get(code="address-change-open-case")
    kind.audiences.filter(role=Audience.Role.INVOLVED).delete()
    assert usernames("address-change-open-case", net.child.pk) == {"sw.rowan", "tm.alder"}


def test_an_inactive_lead_social_worker_is_not_told(agencies):
    net = network(agencies)
    net.worker.is_active = False
    net.worker.save()
    assert usernames("address-change-open-case", net.child.pk) == {"tm.alder"}
