"""A practitioner reports a concern: find the child or describe a new one, then the concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.frontdoor.models import Channel, Contact, ReferralSource
from sightline.frontdoor.services.contacts import MAX_TEXT
from sightline.people.identifiers import nhs_number_with_check_digit
from sightline.people.models import Involvement, Person
from sightline.people.selectors import person_visible
from sightline.people.services import source_record_link
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

NEW = reverse("frontdoor:contact-new")
VALID_NHS = nhs_number_with_check_digit("943476591")  # 9434765919


def a_concern(**overrides: str) -> dict[str, str]:
    data = {
        "concern": "Ava came to clinic with a bruise on her cheek; mum said she fell.",
        "child_voice": '"Daddy gets cross when I cry."',
        "child_presentation": "Quiet, flinched when her coat was taken off.",
        "household_details": "Mum, her partner and a baby brother.",
        "actions_taken": "Spoke to mum; checked the bruise; called the duty line.",
        "urgency": "today",
        "lawful_basis": "safeguarding",
        "consent": "not_sought",
        "consent_detail": "Asking could put Ava at risk from mum's partner.",
    }
    data.update(overrides)
    return data


def a_new_child(**overrides: str) -> dict[str, str]:
    data = {
        "child-given_name": "Milo",
        "child-family_name": "Fictionalson",
        "child-date_of_birth_day": "9",
        "child-date_of_birth_month": "10",
        "child-date_of_birth_year": "2016",
        "child-sex": "M",
        "child-nhs_number": VALID_NHS,
        "child-upn": "",
        "child-address_line": "3 Imaginary Street",
        "child-town": "Northmoor",
        "child-postcode": "bd21 4qa",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ava(health_visitor):  # type: ignore[no-untyped-def]
    """A child the health visitor's agency already has a record of."""
    child = f.child(given_name="Ava", family_name="Testchild")
    source_record_link(actor="test", person=child, agency=health_visitor.agency, record_id="HV-1")
    return child


def signed_in(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_an_anonymous_visitor_is_asked_to_sign_in(client, agencies):
    response = client.get(NEW)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_the_find_page_asks_for_search_details_and_offers_to_add_a_new_child(
    client, health_visitor
):
    html = signed_in(client, health_visitor).get(NEW).content.decode()
    assert "<h1" in html and "Find the child" in html
    assert 'class="govuk-back-link"' in html
    assert 'name="nhs_number"' in html and 'name="date_of_birth_day"' in html
    assert f"{NEW}?new=1" in html


def test_an_empty_search_asks_for_at_least_one_detail(client, health_visitor):
    response = signed_in(client, health_visitor).get(NEW, {"search": "1"})
    assert "Enter at least one of the child" in response.content.decode()


def test_a_search_shows_only_the_children_the_practitioner_may_see(client, health_visitor, ava):
    f.child(given_name="Ava", family_name="Testchild", date_of_birth=dt.date(2019, 1, 1))
    html = signed_in(client, health_visitor).get(NEW, {"name": "Ava Testchild"}).content.decode()
    assert "1 matching child" in html
    assert f'href="?child={ava.pk}"' in html


def test_a_health_visitor_refers_a_child_they_found(client, health_visitor, ava):
    signed_in(client, health_visitor)
    page = client.get(NEW, {"child": ava.pk})
    html = page.content.decode()
    assert "About Ava Testchild" in html
    assert "Health services: health visitor" in html  # the referral source, derived

    response = client.post(f"{NEW}?child={ava.pk}", a_concern())

    contact = Contact.objects.get()
    assert response["Location"] == reverse(
        "frontdoor:contact-sent", kwargs={"reference": contact.reference}
    )
    assert contact.child == ava
    assert contact.channel == Channel.PRACTITIONER
    assert contact.referral_source == ReferralSource.HEALTH_VISITOR  # 3B
    assert contact.referrer_user == health_visitor
    assert contact.referrer_agency == health_visitor.agency
    assert contact.child_voice == '"Daddy gets cross when I cry."'
    assert contact.child_presentation.startswith("Quiet")
    assert contact.consent == "not_sought" and contact.consent_detail
    assert contact.lawful_basis == "safeguarding"
    assert Involvement.objects.filter(
        person=ava, user=health_visitor, role="referrer", ended__isnull=True
    ).exists()
    sent = client.get(response["Location"]).content.decode()
    assert contact.reference in sent and "govuk-panel--confirmation" in sent


def test_a_police_officer_refers_a_new_child_who_is_created_with_the_contact(
    client, police_officer
):
    signed_in(client, police_officer)
    html = client.get(NEW, {"new": "1"}).content.decode()
    assert "About a child you could not find" in html and 'name="child-nhs_number"' in html

    response = client.post(f"{NEW}?new=1", {**a_new_child(), **a_concern()})

    assert response.status_code == 302
    contact = Contact.objects.get()
    child = contact.child
    assert child.given_name == "Milo" and child.nhs_number == VALID_NHS
    assert child.date_of_birth == dt.date(2016, 10, 9)
    assert child.addresses.get().postcode == "BD21 4QA"
    assert contact.referral_source == ReferralSource.POLICE  # 6
    involvement = Involvement.objects.get(person=child, user=police_officer)
    assert involvement.role == "referrer" and involvement.agency == police_officer.agency
    # The referrer can now see the child they told us about.
    assert person_visible(user=police_officer, person=child)


def test_a_school_dsl_referral_is_recorded_as_from_a_school(client, school_dsl):
    response = signed_in(client, school_dsl).post(
        f"{NEW}?new=1", {**a_new_child(), **a_concern()}, follow=True
    )
    assert Contact.objects.get().referral_source == ReferralSource.SCHOOLS  # 2A
    page = response.content.decode()
    assert "Recorded as a referral from: Schools." in page  # words, never the census code
    assert "(2A)" not in page


def test_an_invalid_nhs_number_is_shown_on_the_form_and_nothing_is_saved(client, police_officer):
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1", {**a_new_child(**{"child-nhs_number": "9434765918"}), **a_concern()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "its check digit is wrong" in html
    assert 'href="#id_child-nhs_number"' in html
    assert Person.objects.count() == 0 and Contact.objects.count() == 0
    assert 'value="Milo"' in html  # what they typed is kept


def test_a_future_date_of_birth_is_refused_and_nothing_is_saved(client, police_officer):
    next_year = str(dt.date.today().year + 1)
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1",
        {**a_new_child(**{"child-date_of_birth_year": next_year}), **a_concern()},
    )
    html = response.content.decode()
    assert "is in the future: for a child not yet born, leave the date of birth blank and " in html
    assert "give the expected date of birth" in html
    assert 'href="#id_child-date_of_birth_day"' in html
    assert Person.objects.count() == 0 and Contact.objects.count() == 0


def test_an_adults_date_of_birth_is_refused_a_child_is_under_18(client, police_officer):
    """Issue 14: the new-child form accepted someone born 18 or more years ago."""
    born = dt.date.today().year - 19
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1",
        {**a_new_child(**{"child-date_of_birth_year": str(born)}), **a_concern()},
    )
    html = response.content.decode()
    assert f"Someone born on 9 October {born} is 1" in html and "a child is under 18" in html
    assert 'href="#id_child-date_of_birth_day"' in html
    assert Person.objects.count() == 0 and Contact.objects.count() == 0


def test_a_child_not_yet_born_is_recorded_as_unborn_with_the_expected_date(client, police_officer):
    expected = dt.date.today() + dt.timedelta(days=60)
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1",
        {
            **a_new_child(
                **{
                    "child-given_name": "",
                    "child-date_of_birth_day": "",
                    "child-date_of_birth_month": "",
                    "child-date_of_birth_year": "",
                    "child-sex": "U",
                    "child-nhs_number": "",
                    "child-expected_date_of_birth_day": str(expected.day),
                    "child-expected_date_of_birth_month": str(expected.month),
                    "child-expected_date_of_birth_year": str(expected.year),
                }
            ),
            **a_concern(),
        },
    )
    assert response.status_code == 302
    child = Contact.objects.get().child
    assert (child.kind, child.expected_date_of_birth, child.date_of_birth) == (
        Person.Kind.UNBORN,
        expected,
        None,
    )


def test_an_impossible_date_of_birth_is_refused(client, police_officer):
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1",
        {
            **a_new_child(**{"child-date_of_birth_day": "30", "child-date_of_birth_month": "2"}),
            **a_concern(),
        },
    )
    assert "Date of birth must be a real date" in response.content.decode()
    assert Person.objects.count() == 0


def test_a_new_child_needs_at_least_a_name(client, police_officer):
    response = signed_in(client, police_officer).post(
        f"{NEW}?new=1",
        {**a_new_child(**{"child-given_name": "", "child-family_name": ""}), **a_concern()},
    )
    assert "Enter at least a first name or a last name" in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_required_answers_are_asked_for(client, health_visitor, ava):
    response = signed_in(client, health_visitor).post(f"{NEW}?child={ava.pk}", {})
    html = response.content.decode()
    assert "Tell us what you are worried about" in html
    assert "Select how urgent this is" in html
    assert "Select your lawful basis for sharing" in html
    assert "Select whether the family agreed to this referral" in html
    assert 'href="#id_urgency_0"' in html
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("consent", "message"),
    [
        ("refused", "Explain why you are sharing this without the family&#x27;s consent"),
        ("not_sought", "Explain why asking the family for consent could put the child at risk"),
    ],
)
def test_sharing_without_consent_needs_an_explanation(
    client, health_visitor, ava, consent, message
):
    response = signed_in(client, health_visitor).post(
        f"{NEW}?child={ava.pk}", a_concern(consent=consent, consent_detail="")
    )
    assert message in response.content.decode()
    assert Contact.objects.count() == 0


def test_consent_given_needs_no_explanation(client, health_visitor, ava):
    signed_in(client, health_visitor).post(
        f"{NEW}?child={ava.pk}", a_concern(consent="given", consent_detail="")
    )
    assert Contact.objects.get().consent == "given"


def test_an_oversize_answer_is_refused_with_its_length(client, health_visitor, ava):
    response = signed_in(client, health_visitor).post(
        f"{NEW}?child={ava.pk}", a_concern(child_voice="y" * (MAX_TEXT + 5))
    )
    html = response.content.decode()
    assert f"What the child said must be {MAX_TEXT:,} characters or fewer" in html
    assert Contact.objects.count() == 0


def test_a_child_the_practitioner_cannot_see_cannot_be_chosen(client, outsider, ava):
    signed_in(client, outsider)
    assert client.get(NEW, {"child": ava.pk}).status_code == 404
    assert client.post(f"{NEW}?child={ava.pk}", a_concern()).status_code == 404
    assert client.get(NEW, {"child": "not-a-number"}).status_code == 404
    assert Contact.objects.count() == 0


def test_only_the_referrer_sees_their_confirmation(client, health_visitor, police_officer, ava):
    signed_in(client, health_visitor).post(f"{NEW}?child={ava.pk}", a_concern())
    url = reverse("frontdoor:contact-sent", kwargs={"reference": Contact.objects.get().reference})
    assert client.get(url).status_code == 200
    assert signed_in(client, police_officer).get(url).status_code == 404
