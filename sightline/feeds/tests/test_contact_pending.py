"""A contact that arrives by feed still awaiting a decision joins the front door queue."""

from __future__ import annotations

import json

import pytest

from sightline.chronology.models import Event
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import a_line
from sightline.frontdoor.models import Channel, Contact

pytestmark = pytest.mark.django_db


def contact_line(outcome: str, **overrides):  # type: ignore[no-untyped-def]
    return a_line(
        event_id=f"C-{outcome}",
        type="contact",
        occurred_at="2024-03-08T10:00:00+00:00",
        recorded_at=None,
        summary="Child present at a domestic incident.",
        details={"referral_source": "6", "concern": "Poppy hid under the bed.", "outcome": outcome},
        **overrides,
    )


def test_a_pending_contact_joins_the_queue_linked_to_the_child_on_one_chronology_event(agencies):
    summary = feed_import([(1, json.dumps(contact_line("pending")))])
    assert summary.accepted == 1
    event = Event.objects.get(source_event_id="C-pending")
    contact = Contact.objects.get()
    assert contact.status == Contact.Status.AWAITING_DECISION
    assert contact.channel == Channel.API
    assert contact.child == event.participants.get(role="child").person
    assert contact.event == event
    assert (contact.referrer_agency, contact.external_id) == (agencies["police"], "C-pending")
    assert contact.referral_source == "6"
    assert contact.concern == "Poppy hid under the bed."
    assert contact.received_at == event.occurred_at
    assert Event.objects.filter(type="contact").count() == 1


@pytest.mark.parametrize("outcome", ["nfa", "advice", "early_help", "referral"])
def test_a_contact_already_decided_by_the_agency_is_only_history(agencies, outcome):
    assert feed_import([(1, json.dumps(contact_line(outcome)))]).accepted == 1
    assert not Contact.objects.exists()


def test_a_resent_pending_contact_does_not_join_the_queue_twice(agencies):
    feed_import([(1, json.dumps(contact_line("pending")))])
    assert feed_import([(1, json.dumps(contact_line("pending")))]).duplicates == 1
    assert Contact.objects.count() == 1


def test_a_pending_contact_about_an_unnamed_child_still_reaches_the_queue(agencies):
    line = contact_line("pending")
    line["people"] = [
        {
            "role": "referrer",
            "record_id": "R-1",
            "given_name": "Pat",
            "family_name": "Testneighbour",
        }
    ]
    assert feed_import([(1, json.dumps(line))]).accepted == 1
    assert Contact.objects.get().child is None


def test_the_social_care_record_a_pending_contact_adds_is_indexed_by_the_next_line(agencies):
    from sightline.linkage.models import LinkageRecord
    from sightline.people.models import SourceRecord

    later = a_line(event_id="DA-later", occurred_at="2024-03-09T10:00:00+00:00", recorded_at=None)
    later["people"] = later["people"][:1]
    later["people"][0]["record_id"] += "-later"  # one new record: resolving it catches up
    lines = [(1, json.dumps(contact_line("pending"))), (2, json.dumps(later))]
    assert feed_import(lines).accepted == 2
    child = Contact.objects.get().child
    social_care = SourceRecord.objects.get(person=child, agency__kind="social_care")
    assert LinkageRecord.objects.filter(source_record=social_care, person=child).exists()
