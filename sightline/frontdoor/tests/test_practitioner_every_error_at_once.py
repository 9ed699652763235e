"""The practitioner's concern form shows every error at once: a missing answer and a
contradiction the front door's service refuses (consent as the lawful basis when the family
refused) appear together on the first submission (issue 14, "errors shown in stages")."""

from __future__ import annotations

import html

import pytest

from sightline.frontdoor.models import Contact
from sightline.frontdoor.tests.test_practitioner_contact_new import NEW, a_concern
from sightline.people.services import source_record_link
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_shows_a_missing_concern_and_consent_refused_as_the_lawful_basis_together(
    client, health_visitor
):
    child = f.child(given_name="Ava", family_name="Stagedchild")
    source_record_link(actor="test", person=child, agency=health_visitor.agency, record_id="HV-9")
    client.force_login(health_visitor)
    response = client.post(
        f"{NEW}?child={child.pk}",
        a_concern(
            concern="",
            lawful_basis="consent",
            consent="refused",
            consent_detail="Mum said no, but the bruising cannot wait.",
        ),
    )
    page = html.unescape(response.content.decode())
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    assert "Tell us what you are worried about" in summary
    assert "Consent cannot be your lawful basis" in summary
    assert 'href="#id_lawful_basis' in summary
    assert Contact.objects.count() == 0
