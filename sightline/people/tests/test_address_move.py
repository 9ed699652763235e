"""Where someone lives, as agencies report it: a report moves a person only when it is newer
than the address held and names a really different address (a misspelt copy of the same
address is the same address)."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.people.addresses import same_address
from sightline.people.services import address_move
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

HELD = {"line": "14 Acacia Avenue", "postcode": "BD21 4QA", "moved_in": dt.date(2024, 1, 10)}


def current(person):  # type: ignore[no-untyped-def]
    return person.addresses.get(moved_out__isnull=True)


def test_a_newer_report_with_the_street_misspelt_keeps_the_address_held(agencies):
    child = f.child(address=HELD)
    moved = address_move(
        actor="Police feed",
        person=child,
        line="14 Accacia Av.",
        postcode="bd214qa",
        moved_in=dt.date(2025, 3, 1),
        source=agencies["police"],
    )
    assert moved is False
    assert current(child).line == "14 Acacia Avenue"
    assert child.addresses.count() == 1


def test_a_newer_report_of_a_really_different_address_becomes_the_current_address(agencies):
    child = f.child(address=HELD)
    moved = address_move(
        actor="Police feed",
        person=child,
        line="3 Canal Street",
        postcode="LS11 5QR",
        moved_in=dt.date(2025, 3, 1),
        source=agencies["police"],
    )
    assert moved is True
    assert current(child).line == "3 Canal Street"
    assert child.addresses.get(line="14 Acacia Avenue").moved_out == dt.date(2025, 2, 28)


def test_an_older_report_of_a_different_address_does_not_move_the_person(agencies):
    child = f.child(address=HELD)
    moved = address_move(
        actor="Police feed",
        person=child,
        line="3 Canal Street",
        postcode="LS11 5QR",
        moved_in=dt.date(2023, 6, 1),
        source=agencies["police"],
    )
    assert moved is False
    assert current(child).line == "14 Acacia Avenue"


def test_another_house_in_the_same_street_and_postcode_is_a_different_address(agencies):
    child = f.child(address=HELD)
    assert address_move(
        actor="Police feed",
        person=child,
        line="16 Acacia Avenue",
        postcode="BD21 4QA",
        moved_in=dt.date(2025, 3, 1),
        source=agencies["police"],
    )
    assert current(child).line == "16 Acacia Avenue"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("14 Acacia Avenue", "BD21 4QA"), ("14 Acacia Ave", "BD214QA"), True),
        (("14 Acacia Avenue", "BD21 4QA"), ("14, Acaica Avenue", "BD21 4QA"), True),
        (("Flat 2, 7 Mill Road", "LS6 1AA"), ("flat 2 7 Mill Rd", "LS6 1AA"), True),
        (("Flat 2, 7 Mill Road", "LS6 1AA"), ("Flat 3, 7 Mill Road", "LS6 1AA"), False),
        (("14 Acacia Avenue", "BD21 4QA"), ("14 Acacia Avenue", "BD21 4QB"), False),
        (("14 Acacia Avenue", "BD21 4QA"), ("14 Station Road", "BD21 4QA"), False),
        (("14 Acacia Avenue", "BD21 4QA"), ("41 Acacia Avenue", "BD21 4QA"), False),
    ],
)
def test_addresses_are_compared_normalised(a, b, same):  # type: ignore[no-untyped-def]
    assert same_address(*a, *b) is same


def test_the_feed_path_keeps_an_address_as_the_model_does(agencies):
    """The plain-row insert a feed line uses and the model's save() store the same address."""
    from sightline.people.models import Address

    child = f.child(address=HELD)
    address_move(
        actor="Police feed",
        person=child,
        line="  3 Station Road ",
        town=" Keighley ",
        postcode=" bd21 5ab",
        moved_in=dt.date(2025, 3, 1),
        source=agencies["police"],
    )
    by_feed = current(child)
    by_model = Address.objects.create(
        person=child, line="  3 Station Road ", town=" Keighley ", postcode=" bd21 5ab"
    )
    by_model.refresh_from_db()
    assert (by_feed.line, by_feed.town, by_feed.postcode) == (
        "3 Station Road",
        "Keighley",
        "BD21 5AB",
    )
    assert (by_model.line, by_model.town, by_model.postcode) == (
        by_feed.line,
        by_feed.town,
        by_feed.postcode,
    )
