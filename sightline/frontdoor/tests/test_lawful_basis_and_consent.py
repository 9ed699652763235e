"""Consent is a lawful basis for sharing only when the family gave it.

Every way a contact arrives is held by the service: a practitioner's form, an agency's system
through the API, the feeds.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from sightline.accounts.services import api_token_issue
from sightline.frontdoor.models import Channel, Consent, Contact, LawfulBasis
from sightline.frontdoor.services.contacts import contact_create
from sightline.frontdoor.tests.test_api_contacts import a_contact

pytestmark = pytest.mark.django_db


def create(actor, **sharing):  # type: ignore[no-untyped-def]
    return contact_create(
        actor=actor,
        channel=Channel.PRACTITIONER,
        concern="Child arrived at school hungry with a bruise on the cheek.",
        child_details={"given_name": "Ava", "family_name": "Testchild"},
        referrer_user=actor,
        referrer_agency=actor.agency,
        **sharing,
    )


@pytest.mark.parametrize(
    ("consent", "said"),
    [
        (Consent.REFUSED, "the family refused consent"),
        (Consent.NOT_SOUGHT, "you did not ask the family for consent"),
        (Consent.NOT_APPLICABLE, "you said consent does not apply"),
    ],
)
def test_it_refuses_consent_as_the_lawful_basis_when_the_family_did_not_give_it(
    agencies, police_officer, consent, said
):
    with pytest.raises(ValidationError) as caught:
        create(
            police_officer,
            lawful_basis=LawfulBasis.CONSENT,
            consent=consent,
            consent_detail="The parent said no when asked on the doorstep.",
        )
    [message] = caught.value.message_dict["lawful_basis"]
    assert message.startswith("Consent cannot be your lawful basis")
    assert said in message
    assert not Contact.objects.exists()


def test_it_accepts_consent_as_the_lawful_basis_when_the_family_agreed(agencies, police_officer):
    contact = create(police_officer, lawful_basis=LawfulBasis.CONSENT, consent=Consent.GIVEN)
    assert contact.lawful_basis == LawfulBasis.CONSENT


def test_it_accepts_sharing_without_consent_on_a_safeguarding_basis(agencies, police_officer):
    contact = create(
        police_officer,
        lawful_basis=LawfulBasis.SAFEGUARDING,
        consent=Consent.REFUSED,
        consent_detail="The parent refused; the child may be at risk of harm.",
    )
    assert contact.consent == Consent.REFUSED


def test_the_api_refuses_it_naming_the_lawful_basis(client, agencies):
    _, secret = api_token_issue(actor="test", agency=agencies["police"], name="Niche RMS")
    body = a_contact(
        lawful_basis="consent", consent="refused", consent_detail="Mum refused consent."
    )
    response = client.post(
        "/api/v1/contacts",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 422
    [problem] = [item for item in response.json()["detail"] if item["loc"][-1] == "lawful_basis"]
    assert "Consent cannot be your lawful basis" in problem["msg"]
    assert Contact.objects.count() == 0
