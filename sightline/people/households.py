"""Households over time: who lived with a person on a given day.

Two sources, as DESIGN.md section 6 defines "lives in the household": a household membership
(from `household_member_joined` / `household_member_left` events) that has started and not
ended on the day, and a shared current address on the day (the same normalised postcode and
first line).

A membership counts from its `joined` day (unknown: since before anything we hold) up to the
day before its `left` day: someone who left on 3 May no longer lived there on 3 May.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Q, QuerySet

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.rows import rows_insert
from sightline.core.transactions import service_atomic
from sightline.people.models import Address, Household, HouseholdMember, Person

__all__ = [
    "address_key",
    "household_create",
    "household_ids_on",
    "household_member_join",
    "household_member_leave",
    "household_members_on",
    "households_on",
]

Actor = User | str


def address_key(line: str, postcode: str) -> tuple[str, str]:
    """An address as compared for households: the postcode without spaces, upper case, and
    the first line in lower case with punctuation and repeated spaces removed."""
    compact_postcode = re.sub(r"\s+", "", (postcode or "").upper())
    words = re.sub(r"[^\w\s]", " ", (line or "").lower())
    return " ".join(words.split()), compact_postcode


def _memberships_on(day: dt.date) -> Q:
    return (Q(joined__isnull=True) | Q(joined__lte=day)) & (Q(left__isnull=True) | Q(left__gt=day))


def _addresses_on(day: dt.date) -> Q:
    return (Q(moved_in__isnull=True) | Q(moved_in__lte=day)) & (
        Q(moved_out__isnull=True) | Q(moved_out__gte=day)
    )


def households_on(*, person: Person, day: dt.date) -> QuerySet[Household]:
    """The households the person was a member of on the day (usually one)."""
    return Household.objects.filter(
        members__in=HouseholdMember.objects.filter(_memberships_on(day), person=person)
    ).distinct()


def household_ids_on(*, person_id: int, day: dt.date) -> list[int]:
    """`households_on` as ids, in id order, in one plain query (a feed line asks it often)."""
    member = connection.ops.quote_name(HouseholdMember._meta.db_table)
    left = connection.ops.quote_name("left")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT household_id FROM {member} "  # noqa: S608 (names)
            f"WHERE person_id = %s AND (joined IS NULL OR joined <= %s) "
            f"AND ({left} IS NULL OR {left} > %s) ORDER BY household_id",
            [person_id, *[connection.ops.adapt_datefield_value(day)] * 2],
        )
        return [household_id for (household_id,) in cursor.fetchall()]


def household_members_on(*, person: Person, day: dt.date) -> list[Person]:
    """Everyone who lived with the person on the day (not the person), oldest record first."""
    others: set[int] = set(
        HouseholdMember.objects.filter(
            _memberships_on(day), household__in=households_on(person=person, day=day)
        )
        .exclude(person=person)
        .values_list("person_id", flat=True)
    )
    for address in Address.objects.filter(_addresses_on(day), person=person):
        key = address_key(address.line, address.postcode)
        if not (key[0] and key[1]):
            continue  # half an address says too little to put two people together
        neighbours = (
            Address.objects.filter(_addresses_on(day), postcode=address.postcode)
            .exclude(person=person)
            .values_list("person_id", "line", "postcode")
        )
        others.update(pid for pid, line, code in neighbours if address_key(line, code) == key)
    return list(Person.objects.filter(pk__in=others).order_by("pk"))


@service_atomic
def household_create(*, actor: Actor, name: str = "", founder: Person | None = None) -> Household:
    """A new household; the founder (usually the child) is a member since before we knew."""
    household = Household(name=name[:200])
    rows_insert([household])
    audit.record_change(
        actor=actor,
        action="household.created",
        target=household,
        person_id=founder.pk if founder else None,
    )
    if founder is not None:
        rows_insert([HouseholdMember(household=household, person=founder, joined=None)])
    return household


@service_atomic
def household_member_join(
    *, actor: Actor, household: Household, person: Person, day: dt.date
) -> HouseholdMember:
    """The person joins the household on the day; joining again while a member changes nothing."""
    if household.pk in household_ids_on(person_id=person.pk, day=day):
        return HouseholdMember.objects.filter(
            _memberships_on(day), household=household, person=person
        ).first()  # type: ignore[return-value]
    membership = HouseholdMember(household=household, person=person, joined=day)
    rows_insert([membership])
    audit.record_change(
        actor=actor,
        action="household.member_joined",
        target=membership,
        person_id=person.pk,
        detail={"household": household.pk, "joined": day.isoformat()},
    )
    return membership


@service_atomic
def household_member_leave(
    *, actor: Actor, household: Household, person: Person, day: dt.date
) -> HouseholdMember:
    """The person leaves the household on the day.

    When we never heard that they joined, the membership is recorded as having lasted until
    the day, from a start we do not know.
    """
    current = (
        HouseholdMember.objects.filter(_memberships_on(day), household=household, person=person)
        .order_by("-joined")
        .first()
    )
    if current is None:
        current = HouseholdMember.objects.create(
            household=household, person=person, joined=None, left=day
        )
    else:
        current.left = day
        current.save(update_fields=["left"])
    audit.record_change(
        actor=actor,
        action="household.member_left",
        target=current,
        person_id=person.pk,
        detail={"household": household.pk, "left": day.isoformat()},
    )
    return current
