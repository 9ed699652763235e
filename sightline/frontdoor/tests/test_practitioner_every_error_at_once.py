"""The practitioner's concern form shows every error at once: a missing answer and a
contradiction the front door's service refuses (consent as the lawful basis when the family
refused) appear together on the first submission (issue 14, "errors shown in stages")."""

from __future__ import annotations

import html

import pytest

from sightline.frontdoor.models import Contact
from sightline.frontdoor.tests.test_practitioner_contact_new import NEW, a_concern, a_new_child
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


def test_a_new_child_born_18_years_ago_shows_beside_a_missing_concern(client, police_officer):
    """The service's refusal of an adult (a child is under 18) and the form's own missing
    answer appear together on the first submission; nothing is recorded."""
    import datetime as dt

    from sightline.people.models import Person

    client.force_login(police_officer)
    born = str(dt.date.today().year - 30)
    response = client.post(
        f"{NEW}?new=1",
        {**a_new_child(**{"child-date_of_birth_year": born}), **a_concern(concern="")},
    )
    page = html.unescape(response.content.decode())
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    assert "Tell us what you are worried about" in summary
    assert "a child is under 18" in summary
    assert 'href="#id_child-date_of_birth_day"' in summary
    assert Contact.objects.count() == 0 and Person.objects.count() == 0
