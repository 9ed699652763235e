"""Reads of people, always scoped to what the user may see, and recorded.

A user sees a person through a legitimate relationship (DESIGN.md section 4):
- children's social care and front door roles: people known to social care (a social care
  record), and the members of their households;
- an agency practitioner: people their agency has a record of, or whose team they are on;
- anyone else who may open records: only after breaking the glass with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core import audit
from sightline.people.models import BreakGlass, HouseholdMember, Involvement, Person, SourceRecord

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
