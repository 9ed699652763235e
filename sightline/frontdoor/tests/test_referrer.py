"""Who referred: what the chronology keeps, who may know, and what a public referrer is told."""

from __future__ import annotations

import importlib

import pytest
from django.core import mail

from sightline.chronology.models import Event
from sightline.frontdoor.models import NeedLevel, Outcome
from sightline.frontdoor.referrer import referrer_shown_to
from sightline.frontdoor.services.contacts import contact_create
from sightline.frontdoor.services.decisions import contact_decide
from sightline.testing import factories as f

RATIONALE = "Mother is struggling after the baby's birth; health visitor to increase visits."
# Words that would tell a member of the public what is happening to the family.
FAMILY_SITUATION = (
    "social care",
    "assess",
    "early help",
    "strategy",
    "further action",
    "advice",
    "signpost",
    "partner",
    "level",
    "Universal",
)


def _public_contact(child, **fields):  # type: ignore[no-untyped-def]
    return contact_create(
        actor="public",
        channel="public",
        concern="The baby next door cries all night and nobody comes.",
        child=child,
        referrer_name=fields.pop("referrer_name", "Ottilie Nearby"),
        referrer_relationship="acquaintance",
        referrer_email=fields.pop("referrer_email", "ottilie.nearby@example.org"),
        **fields,
    )


@pytest.mark.parametrize("outcome", list(Outcome))
def test_a_public_referrer_is_told_only_that_their_concern_was_considered_and_acted_on(
    outcome, ifd_manager, django_capture_on_commit_callbacks
):
    child = f.child(given_name="Wrenna", family_name="Baybrook")
    contact = _public_contact(child)
    with django_capture_on_commit_callbacks(execute=True):
        contact_decide(
            actor=ifd_manager,
            contact=contact,
            level=NeedLevel.L4 if outcome in (Outcome.STRATEGY, Outcome.REFERRAL) else NeedLevel.L2,
            outcome=outcome,
            rationale=RATIONALE,
        )

    [message] = [m for m in mail.outbox if m.to == ["ottilie.nearby@example.org"]]
    assert contact.reference in message.subject
    assert "We have considered your concern and acted on it." in message.body
    assert "call 999" in message.body
    for words in (*FAMILY_SITUATION, "Wrenna", "Baybrook", RATIONALE):
        assert words.lower() not in message.body.lower(), words


def test_a_practitioner_referrer_is_still_told_the_outcome(
    police_officer, ifd_manager, django_capture_on_commit_callbacks
):
    child = f.child()
    contact = contact_create(
        actor=police_officer,
        channel="practitioner",
        concern="Bruising seen on the child's arm.",
        child=child,
        referrer_user=police_officer,
        referrer_agency=police_officer.agency,
        referrer_email=police_officer.email,
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_decide(
            actor=ifd_manager,
            contact=contact,
            level=NeedLevel.L4,
            outcome=Outcome.REFERRAL,
            rationale=RATIONALE,
        )
    [message] = [m for m in mail.outbox if m.to == [police_officer.email]]
    assert "Children's social care will assess the child's needs." in message.body


def test_the_contact_event_names_no_member_of_the_public(agencies):
    contact = _public_contact(f.child())
    assert contact.event is not None
    assert "Ottilie" not in contact.event.summary
    assert "acquaintance" not in contact.event.summary.lower()
    assert contact.event.summary.startswith("Contact from a member of the public:")
    assert contact.event.recorded_by_label == "A member of the public"


def test_an_anonymous_contact_reads_the_same_as_a_named_one_to_partners(agencies):
    contact = contact_create(
        actor="public", channel="public", concern="Shouting every night.", anonymous=True
    )
    assert contact.event is not None
    assert contact.event.summary == "Contact from a member of the public: Shouting every night."


def test_only_the_front_door_and_social_care_are_told_who_referred(
    ifd_practitioner,
    ifd_manager,
    social_worker,
    health_visitor,
    police_officer,
    school_dsl,
    ig_officer,
    analyst,
    partnership_officer,
):
    contact = _public_contact(f.child())
    for user in (ifd_practitioner, ifd_manager, social_worker):
        assert "Ottilie Nearby" in referrer_shown_to(user, contact)
    for user in (health_visitor, police_officer, school_dsl, ig_officer, analyst):
        assert referrer_shown_to(user, contact) == "A member of the public"
    assert referrer_shown_to(partnership_officer, contact) == "A member of the public"


def test_contacts_recorded_before_the_fix_are_rewritten_without_the_referrer(agencies):
    from django.apps import apps

    migration = importlib.import_module(
        "sightline.frontdoor.migrations.0002_public_referrer_off_the_chronology"
    )
    contact = _public_contact(f.child())
    assert contact.event is not None
    Event.objects.filter(pk=contact.event_id).update(  # as intake used to write it
        summary="Contact from Ottilie Nearby (Individual: acquaintance): The baby next door",
        recorded_by_label="Ottilie Nearby",
    )
    migration.forwards(apps, None)
    event = Event.objects.get(pk=contact.event_id)
    assert "Ottilie" not in event.summary + event.recorded_by_label
    assert event.summary.startswith("Contact from a member of the public:")
