"""Reads of people, always scoped to what the user may see, and recorded.

A user sees a person through a legitimate relationship (DESIGN.md section 4):
- children's social care and front door roles: people known to social care (a social care
  record), and the members of their households;
- an agency practitioner: people their agency has a record of, or whose team they are on;
- anyone else who may open records: only after breaking the glass with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core import audit
from sightline.people.identifiers import normalise_nhs_number, normalise_postcode
from sightline.people.models import BreakGlass, HouseholdMember, Involvement, Person, SourceRecord
from sightline.people.names import given_name_keys, name_key

# Roles that may open a record they have no relationship with, by giving a reason.
MAY_BREAK_GLASS = frozenset(Role.values) - {Role.UNSCHEDULED_CARE}


class NeedsBreakGlass(Exception):
    """The person exists but the user has no relationship: they must give a reason first."""

    def __init__(self, person: Person) -> None:
        super().__init__(person.pk)
        self.person = person


def _known_to_social_care() -> Q:
    social_care_record = SourceRecord.objects.filter(
        person=OuterRef("pk"), agency__kind=Agency.Kind.SOCIAL_CARE
    )
    household_of_known = HouseholdMember.objects.filter(
        person=OuterRef("pk"),
        household__members__person__source_records__agency__kind=Agency.Kind.SOCIAL_CARE,
    )
    return Q(Exists(social_care_record)) | Q(Exists(household_of_known))


def _relationship_filter(user: User) -> Q:
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    today = timezone.localdate()
    if user.role == Role.UNSCHEDULED_CARE:
        return Q(pk__in=[])
    conditions = Q(
        Exists(
            BreakGlass.objects.filter(
                person=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
            )
        )
    )
    if user.works_in_social_care:
        conditions |= _known_to_social_care()
    if user.agency_id:
        conditions |= Q(
            Exists(SourceRecord.objects.filter(person=OuterRef("pk"), agency_id=user.agency_id))
        )
    involvement = Involvement.objects.filter(person=OuterRef("pk")).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )
    team_filter = Q(user=user)
    if user.team_id:
        team_filter |= Q(team_id=user.team_id)
    conditions |= Q(Exists(involvement.filter(team_filter)))
    return conditions


def persons_visible_to(user: User) -> QuerySet[Person]:
    """Everyone the user has a working relationship with (not recorded: callers record reads)."""
    return Person.objects.filter(_relationship_filter(user))


def person_visible(*, user: User, person: Person) -> bool:
    return persons_visible_to(user).filter(pk=person.pk).exists()


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    break_glass: BreakGlass | None


def person_get(*, user: User, person_id: int, purpose: str = "record") -> PersonAccess:
    """The person's record for this user, recording the read.

    Raises Http404 when there is no such person, and NeedsBreakGlass when the user has no
    relationship with them (the view then asks for a reason).
    """
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    if not person_visible(user=user, person=person):
        if user.role == Role.UNSCHEDULED_CARE:
            raise Http404("No such person")
        raise NeedsBreakGlass(person)
    grant = (
        BreakGlass.objects.filter(user=user, person=person, expires_at__gt=timezone.now())
        .order_by("-granted_at")
        .first()
    )
    audit.record_read(
        actor=user,
        target=person,
        person_id=person.pk,
        reason=grant.reason if grant else "",
        detail={"purpose": purpose, "break_glass": bool(grant)},
    )
    return PersonAccess(person=person, break_glass=grant)


@dataclass(frozen=True)
class SearchResult:
    visible: list[Person]
    restricted: list[Person]  # match, but the user has no relationship (break glass to open)


def people_search(
    *,
    user: User,
    name: str = "",
    date_of_birth: dt.date | None = None,
    nhs_number: str = "",
    postcode: str = "",
    limit: int = 50,
) -> SearchResult:
    """Find people by name (spelling-tolerant), date of birth, NHS number or postcode.

    Returns the matches the user may open, and separately those they could open only by
    breaking the glass. The search itself is recorded.
    """
    criteria = Q()
    if name.strip():
        parts = name.split()
        given, family = (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[0])
        family_key = name_key(family)
        name_q = Q(family_name_key=family_key) | Q(other_names__family_name_key=family_key)
        if len(parts) == 1:
            name_q |= Q(given_name_key=family_key)
        if given:
            keys = given_name_keys(given)
            name_q &= Q(given_name_key__in=keys) | Q(other_names__given_name_key__in=keys)
        criteria &= name_q
    if date_of_birth:
        criteria &= Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
    if nhs_number.strip():
        criteria &= Q(nhs_number=normalise_nhs_number(nhs_number))
    if postcode.strip():
        criteria &= Q(addresses__postcode=normalise_postcode(postcode))
    if not criteria:
        return SearchResult(visible=[], restricted=[])
    matches = Person.objects.filter(criteria).distinct()
    visible = list(matches.filter(_relationship_filter(user)).order_by("family_name", "given_name")[:limit])
    restricted: list[Person] = []
    if user.role in MAY_BREAK_GLASS:
        restricted = list(matches.exclude(pk__in=[p.pk for p in visible])
                          .exclude(_relationship_filter(user))
                          .order_by("family_name", "given_name")[:limit])
    audit.record(
        actor=user, kind=audit.Kind.SEARCH, action="people.searched",
        detail={"name": name, "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
                "nhs_number": nhs_number, "postcode": postcode,
                "shown": [p.pk for p in visible], "restricted": [p.pk for p in restricted]},
    )
    return SearchResult(visible=visible, restricted=restricted)
