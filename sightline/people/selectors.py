"""Reads of people, always scoped to what the user may see, and recorded.

A user sees a person through a legitimate relationship (DESIGN.md section 4):
- children's social care and front door roles: people known to social care (a social care
  record), and the members of their households;
- an agency practitioner: people their agency has a record of, or whose team they are on;
- anyone else who may open records: only after breaking the glass with a reason.

Reads that show personal data record an audit entry here, once per read; helpers that add
detail to a person already read (`person_details`) do not record again.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import jellyfish
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import SOCIAL_CARE_ROLES, Agency, Role, User
from sightline.core import audit
from sightline.core.models import AuditEntry
from sightline.people.identifiers import normalise_nhs_number, normalise_postcode
from sightline.people.models import (
    Address,
    BreakGlass,
    HouseholdMember,
    Involvement,
    Person,
    PersonName,
    Relationship,
    SourceRecord,
    full_name_of,
)
from sightline.people.names import fold, given_name_keys, name_key

# Roles that may open a record they have no relationship with, by giving a reason.
MAY_BREAK_GLASS = frozenset(Role.values) - {Role.UNSCHEDULED_CARE}
# Roles that see the people their own agency has recorded. Oversight roles (information
# governance, partnership, analyst, administrator) see records only by giving a reason.
SEES_AGENCY_RECORDS = frozenset({Role.PRACTITIONER, Role.DRAM_COORDINATOR}) | SOCIAL_CARE_ROLES
# Roles that may search for people (unscheduled care uses the CP-IS style lookup instead).
MAY_SEARCH = MAY_BREAK_GLASS


class NeedsBreakGlass(Exception):
    """The person exists but the user has no relationship: they must give a reason first."""

    def __init__(self, person: Person) -> None:
        super().__init__(person.pk)
        self.person = person


def _social_care_record() -> Q:
    return Q(
        Exists(
            SourceRecord.objects.filter(person=OuterRef("pk"), agency__kind=Agency.Kind.SOCIAL_CARE)
        )
    )


def _household_of_known() -> Q:
    return Q(
        Exists(
            HouseholdMember.objects.filter(
                person=OuterRef("pk"),
                household__members__person__source_records__agency__kind=Agency.Kind.SOCIAL_CARE,
            )
        )
    )


def _may_see_anyone(user: User) -> bool:
    """False for a user who may see no one's record (signed out, inactive, unscheduled care)."""
    return bool(user.is_authenticated and user.is_active and user.role != Role.UNSCHEDULED_CARE)


def _break_glass_in_force(user: User) -> QuerySet[BreakGlass]:
    """The user's break-glass grants still in force, for the person in the outer query."""
    return BreakGlass.objects.filter(
        person=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )


def _working_relationships(user: User) -> list[Callable[[], Q]]:
    """The working relationships through which `user` sees a person (break glass aside),
    likeliest first, each built only when asked for. For a user who may see anyone."""
    conditions: list[Callable[[], Q]] = []
    if user.works_in_social_care:
        conditions.append(_social_care_record)
    if user.agency_id and user.role in SEES_AGENCY_RECORDS:
        agency_id = user.agency_id
        conditions.append(
            lambda: Q(
                Exists(SourceRecord.objects.filter(person=OuterRef("pk"), agency_id=agency_id))
            )
        )
    if user.works_in_social_care:
        conditions.append(_household_of_known)

    def involved() -> Q:
        involvement = Involvement.objects.filter(person=OuterRef("pk")).filter(
            Q(ended__isnull=True) | Q(ended__gte=timezone.localdate())
        )
        team_filter = Q(user=user)
        if user.team_id:
            team_filter |= Q(team_id=user.team_id)
        return Q(Exists(involvement.filter(team_filter)))

    conditions.append(involved)
    return conditions


def _relationship_filter(user: User) -> Q:
    if not _may_see_anyone(user):
        return Q(pk__in=[])
    conditions = Q(Exists(_break_glass_in_force(user)))
    for condition in _working_relationships(user):
        conditions |= condition()
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
    relationship with them (the view then asks for a reason). The person comes with any
    break-glass grant in force and the user's likeliest working relationship in one query;
    only when neither holds are the other relationships checked, in a second.
    """
    people = Person.objects.filter(pk=person_id)
    relationships = _working_relationships(user) if _may_see_anyone(user) else []
    if relationships:
        grants = _break_glass_in_force(user).order_by("-granted_at").values("pk")[:1]
        people = people.annotate(
            grant_id=Subquery(grants),
            likeliest=ExpressionWrapper(relationships[0](), output_field=BooleanField()),
        )
    # One row by primary key: no ordering to compile (`first()` would add one).
    person = next(iter(people.order_by()[:1]), None)
    if person is None:
        raise Http404("No such person")
    visible = (
        bool(relationships)
        and (
            person.grant_id is not None  # type: ignore[attr-defined]
            or bool(person.likeliest)  # type: ignore[attr-defined]
            or (
                len(relationships) > 1
                and Person.objects.filter(pk=person.pk)
                .filter(reduce(operator.or_, (condition() for condition in relationships[1:])))
                .exists()
            )
        )
    )
    if not visible:
        if user.role == Role.UNSCHEDULED_CARE:
            raise Http404("No such person")
        raise NeedsBreakGlass(person)
    grant_id = person.grant_id  # type: ignore[attr-defined]
    grant = BreakGlass.objects.filter(pk=grant_id).first() if grant_id else None
    audit.record_read(
        actor=user,
        target=person,
        person_id=person.pk,
        reason=grant.reason if grant else "",
        detail={"purpose": purpose, "break_glass": bool(grant)},
    )
    return PersonAccess(person=person, break_glass=grant)


BREAK_GLASS_PAGE_VIEWED = "person.break_glass_page_viewed"


def person_for_break_glass(*, user: User, person_id: int) -> Person:
    """The person a user asks to open without a relationship. The page shows nothing that
    identifies them until a reason is given; the visit itself is recorded (an attempt to reach
    a record is something information governance must see).

    Raises Http404 when there is no such person or the user's role may never break the glass
    (unscheduled care uses the CP-IS style lookup instead).
    """
    if user.role not in MAY_BREAK_GLASS:
        raise Http404("No such person")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    audit.record(
        actor=user,
        kind=audit.Kind.READ,
        action=BREAK_GLASS_PAGE_VIEWED,
        target=person,
        person_id=person.pk,
    )
    return person


# --- Search ------------------------------------------------------------------------------

FUZZY_FAMILY_NAME_SIMILARITY = 0.9  # Jaro-Winkler: Thomson finds Thompson, not Simpson
FUZZY_CANDIDATES = 500


@dataclass(frozen=True)
class SearchResult:
    visible: list[Person]
    restricted: list[Person]  # match, but the user has no relationship (break glass to open)
    # When no one lives or lived at the postcode searched for: the postcodes one character
    # away that the results were found at instead (the page says they are near matches).
    near_postcodes: list[str] = field(default_factory=list)
    postcode: str = ""  # the postcode searched for, normalised


def _spellings(name: str) -> set[str]:
    """The name and the spellings phonetic keys miss: a 'y' written for an 'i' (Smyth, Smith)."""
    folded = fold(name)
    if not folded:
        return set()
    spellings = {folded, folded[0] + folded[1:].replace("y", "i")}
    spellings |= {
        folded[:i] + "y" + folded[i + 1 :] for i in range(1, len(folded)) if folded[i] == "i"
    }
    return spellings


def family_name_search_keys(name: str) -> set[str]:
    return {name_key(spelling) for spelling in _spellings(name)}


def given_name_search_keys(name: str) -> set[str]:
    """Keys of a given name, its nicknames and formal names (Bill finds William), and spellings."""
    keys: set[str] = set()
    for spelling in _spellings(name):
        keys |= given_name_keys(spelling)
    return keys


def _family_matches(keys: set[str]) -> Q:
    other = PersonName.objects.filter(person=OuterRef("pk"), family_name_key__in=keys)
    return Q(family_name_key__in=keys) | Q(Exists(other))


def _given_matches(keys: set[str]) -> Q:
    other = PersonName.objects.filter(person=OuterRef("pk"), given_name_key__in=keys)
    return Q(given_name_key__in=keys) | Q(Exists(other))


def _split_name(name: str) -> tuple[str, str]:
    """(given, family) from 'Given Family', 'Given Middle Family' or 'Family, Given'."""
    if "," in name:
        family, _, given = name.partition(",")
        return given.split()[0] if given.split() else "", family.strip()
    parts = name.split()
    if len(parts) == 1:
        return "", parts[0]
    return parts[0], parts[-1]


def _near_family_names(given: str, family: str) -> list[int]:
    """People with the given name whose family name is a near spelling (a typing slip)."""
    wanted = fold(family)
    if len(wanted) < 3:
        return []
    candidates = (
        Person.objects.filter(_given_matches(given_name_search_keys(given)))
        .filter(family_name__istartswith=wanted[0])
        .values_list("pk", "family_name")[:FUZZY_CANDIDATES]
    )
    return [
        pk
        for pk, family_name in candidates
        if jellyfish.jaro_winkler_similarity(wanted, fold(family_name))
        >= FUZZY_FAMILY_NAME_SIMILARITY
    ]


def _name_criteria(name: str) -> Q:
    given, family = _split_name(name)
    family_keys = family_name_search_keys(family)
    if not given:
        return _family_matches(family_keys) | _given_matches(given_name_search_keys(family))
    criteria = _family_matches(family_keys) & _given_matches(given_name_search_keys(given))
    near = _near_family_names(given, family)
    if near:
        criteria |= Q(pk__in=near)
    return criteria


def _with_current_address(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.prefetch_related(
        Prefetch(
            "addresses",
            queryset=Address.objects.filter(moved_out__isnull=True),
            to_attr="current_addresses",
        )
    )


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

    Names match on phonetic keys (Smyth finds Smith), nicknames (Bill finds William), other
    names the person is known by, and near spellings of the family name. Returns the matches
    the user may open, and separately those they could open only by breaking the glass
    (none for roles that may not). The search itself is recorded.
    """
    criteria = Q()
    if name.strip():
        criteria &= _name_criteria(name.strip())
    if date_of_birth:
        criteria &= Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
    if nhs_number.strip():
        number = normalise_nhs_number(nhs_number)
        recorded = SourceRecord.objects.filter(person=OuterRef("pk"), nhs_number=number)
        criteria &= Q(nhs_number=number) | Q(Exists(recorded))
    searched = normalise_postcode(postcode) if postcode.strip() else ""
    near: list[str] = []
    if not (criteria or searched):
        return SearchResult(visible=[], restricted=[])
    matches = Person.objects.filter(criteria & _lived_at([searched]) if searched else criteria)
    if searched and not matches.exists():
        near = near_postcodes(searched)
        if near:
            matches = Person.objects.filter(criteria & _lived_at(near))
    order = ("family_name", "given_name", "date_of_birth", "pk")
    visible = list(
        _with_current_address(matches.filter(_relationship_filter(user))).order_by(*order)[:limit]
    )
    restricted: list[Person] = []
    if user.role in MAY_BREAK_GLASS:
        restricted = list(matches.exclude(_relationship_filter(user)).order_by(*order)[:limit])
    audit.record(
        actor=user,
        kind=audit.Kind.SEARCH,
        action="people.searched",
        detail={
            "name": name,
            "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
            "nhs_number": nhs_number,
            "postcode": postcode,
            "near_postcodes": near,
            "shown": [p.pk for p in visible],
            "restricted": [p.pk for p in restricted],
        },
    )
    return SearchResult(
        visible=visible,
        restricted=restricted,
        near_postcodes=near if (visible or restricted) else [],
        postcode=searched,
    )


def _lived_at(postcodes: list[str]) -> Q:
    return Q(Exists(Address.objects.filter(person=OuterRef("pk"), postcode__in=postcodes)))


NEAR_POSTCODES = 20  # at most this many near postcodes are searched


def near_postcodes(postcode: str) -> list[str]:
    """Postcodes held on addresses one character away from `postcode` (one changed, added,
    dropped, or two side by side swapped), nearest first: a slip in either half of it."""
    outward, _, inward = postcode.partition(" ")
    if not (outward and inward):
        return []
    held = (
        Address.objects.filter(Q(postcode__startswith=f"{outward} ") | Q(postcode__endswith=inward))
        .exclude(postcode=postcode)
        .values_list("postcode", flat=True)
        .distinct()[:2000]
    )
    compact = postcode.replace(" ", "")
    near = sorted(
        {
            other
            for other in held
            if jellyfish.damerau_levenshtein_distance(compact, other.replace(" ", "")) == 1
        }
    )
    return near[:NEAR_POSTCODES]


# --- What the person page shows beside the chronology --------------------------------------
#
# The person page is the most read page, and these six short lists are read on every visit.
# They are read with plain SQL rather than built with the ORM: building and compiling six
# querysets cost the page several times more than the database takes to answer them
# (measured with `python -m sightline.bench`). Each statement reads only the columns the page
# shows; dates come back as dates and flags as booleans on SQLite (declared column types) as
# on PostgreSQL. Table names come from the models.

# How the other person relates to this one, when the relationship was recorded the other way
# round ("this person is the mother of X" makes X this person's child).
INVERSE_RELATIONSHIP: dict[str, str] = {
    Relationship.Kind.MOTHER: "Child",
    Relationship.Kind.FATHER: "Child",
    Relationship.Kind.STEP_PARENT: "Step-child",
    Relationship.Kind.PARTNER_OF_PARENT: "Child of partner",
    Relationship.Kind.CARER: "Cared for by this person",
    Relationship.Kind.SIBLING: "Brother or sister",
    Relationship.Kind.GRANDPARENT: "Grandchild",
    Relationship.Kind.OTHER_RELATIVE: "Other relative",
    Relationship.Kind.PARTNER: "Partner",
}
RELATIONSHIP_LABELS: dict[str, str] = dict(Relationship.Kind.choices)
NAME_KIND_LABELS: dict[str, str] = dict(PersonName.Kind.choices)


@dataclass(frozen=True)
class PersonLink:
    """Another person as the person page lists them: a link with their name and birth date."""

    pk: int
    full_name: str
    date_of_birth: dt.date | None
    family_name: str
    given_name: str


@dataclass(frozen=True)
class CurrentAddress:
    line: str
    town: str
    postcode: str
    moved_in: dt.date | None


@dataclass(frozen=True)
class OtherName:
    name: str  # "Given Family", as str(PersonName)
    kind: str  # in words: "Previous name"


@dataclass(frozen=True)
class Relative:
    person: PersonLink
    relationship: str
    parental_responsibility: bool
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class HouseholdMate:
    person: PersonLink
    household: str
    joined: dt.date | None
    left: dt.date | None


@dataclass(frozen=True)
class Professional:
    """A professional (or a whole team) working with the person, as the page lists them."""

    name: str  # the professional's name, or the team's or agency's when no one is named
    role: str
    agency: str
    team: str
    email: str  # the professional's own (or the team's), if recorded
    phone: str
    agency_email: str  # the agency's inbox, shown when there is neither email nor phone
    started: dt.date
    ended: dt.date | None
    has_ended: bool  # ended before today


@dataclass(frozen=True)
class PersonDetails:
    current_address: CurrentAddress | None
    other_names: list[OtherName]
    source_ids: list[str]  # "<agency's name> record <record_id>", never the agency's code
    household: list[HouseholdMate]
    relatives: list[Relative]
    professionals: list[Professional]  # current first
    today: dt.date = field(default_factory=timezone.localdate)


def _link(
    pk: int, kind: str, given_name: str, family_name: str, born: dt.date | None
) -> PersonLink:
    return PersonLink(
        pk=pk,
        full_name=full_name_of(kind, given_name, family_name),
        date_of_birth=born,
        family_name=family_name,
        given_name=given_name,
    )


def _relatives(person_id: int, rows: list[tuple[Any, ...]]) -> list[Relative]:
    """The person's relatives from `_relationship_rows`, each once, ended ones last."""
    relatives: list[Relative] = []
    others: list[Relative] = []  # recorded from the relative's side
    for row in rows:
        kind, parental_responsibility, since, until = row[:4]
        person, relative = row[4:9], row[9:14]
        label = RELATIONSHIP_LABELS.get(kind, kind)
        if person[0] == person_id:  # recorded from this person's side
            relatives.append(
                Relative(
                    person=_link(*relative),
                    relationship=INVERSE_RELATIONSHIP.get(kind, label),
                    parental_responsibility=False,
                    since=since,
                    until=until,
                )
            )
        if relative[0] == person_id:
            others.append(
                Relative(
                    person=_link(*person),
                    relationship=label,
                    parental_responsibility=bool(parental_responsibility),
                    since=since,
                    until=until,
                )
            )
    relatives += others
    # A relationship recorded from both sides (siblings, partners), or twice, is listed once:
    # the current one first, then one with parental responsibility, then the longest known.
    relatives.sort(
        key=lambda r: (r.until is not None, not r.parental_responsibility, r.since or dt.date.max)
    )
    once: dict[tuple[int, str], Relative] = {}
    for listed_once in relatives:
        once.setdefault((listed_once.person.pk, listed_once.relationship), listed_once)
    listed = list(once.values())
    listed.sort(key=lambda r: (r.until is not None, r.person.family_name, r.person.given_name))
    return listed


def _professionals(rows: list[tuple[Any, ...]], today: dt.date) -> list[Professional]:
    """The professionals from `_professional_rows`, current first, newest first."""
    professionals = []
    for (
        role,
        started,
        ended,
        user_id,
        first_name,
        last_name,
        username,
        user_email,
        user_phone,
        team_id,
        team_name,
        team_email,
        team_phone,
        agency_name,
        agency_email,
    ) in rows:
        if user_id is not None:
            name = f"{first_name} {last_name}".strip() or username  # as User.get_full_name
            email, phone = user_email, user_phone
        elif team_id is not None:
            name, email, phone = team_name, team_email, team_phone
        else:
            name, email, phone = agency_name, "", ""
        professionals.append(
            Professional(
                name=name,
                role=role,
                agency=agency_name,
                team=team_name or "",
                email=email,
                phone=phone,
                agency_email=agency_email,
                started=started,
                ended=ended,
                has_ended=ended is not None and ended < today,
            )
        )
    professionals.sort(key=lambda p: p.has_ended)  # stable: newest first within each
    return professionals


def person_details(*, person: Person) -> PersonDetails:
    """Names, identifiers, address, household, relatives and professionals of a person.

    The caller has already authorised and recorded the read of `person` (`person_get`).
    Six short queries, however large the family.
    """
    today = timezone.localdate()
    pk = person.pk
    address = list(
        Address.objects.filter(person_id=pk, moved_out__isnull=True)
        .order_by("-moved_in", "-created_at", "id")
        .values_list("line", "town", "postcode", "moved_in")[:1]
    )
    other_names = (
        PersonName.objects.filter(person_id=pk)
        .order_by("kind", "family_name", "given_name", "id")
        .values_list("given_name", "family_name", "kind")
    )
    source_ids = (
        SourceRecord.objects.filter(person_id=pk)
        .order_by("agency__name", "record_id")
        .values_list("agency__name", "record_id")
    )
    # Who lives in the person's current households (not the person), those who left last.
    household: list[tuple[Any, ...]] = list(
        HouseholdMember.objects.filter(
            household_id__in=HouseholdMember.objects.filter(person_id=pk, left__isnull=True).values(
                "household_id"
            )
        )
        .exclude(person_id=pk)
        .order_by(F("left").asc(nulls_first=True), "person__date_of_birth", "id")
        .values_list(
            "person_id",
            "person__kind",
            "person__given_name",
            "person__family_name",
            "person__date_of_birth",
            "household_id",
            "household__name",
            "joined",
            "left",
        )
    )
    relationships = (
        Relationship.objects.filter(Q(person_id=pk) | Q(relative_id=pk))
        .order_by("id")
        .values_list(
            "kind",
            "parental_responsibility",
            "since",
            "until",
            "person_id",
            "person__kind",
            "person__given_name",
            "person__family_name",
            "person__date_of_birth",
            "relative_id",
            "relative__kind",
            "relative__given_name",
            "relative__family_name",
            "relative__date_of_birth",
        )
    )
    involvements = (
        Involvement.objects.filter(person_id=pk)
        .order_by("-started", "id")
        .values_list(
            "role",
            "started",
            "ended",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__email",
            "user__phone",
            "team_id",
            "team__name",
            "team__email",
            "team__phone",
            "agency__name",
            "agency__email",
        )
    )
    return PersonDetails(
        current_address=CurrentAddress(*address[0]) if address else None,
        other_names=[
            OtherName(f"{given} {family}".strip(), NAME_KIND_LABELS.get(kind, kind))
            for given, family, kind in other_names
        ],
        source_ids=[f"{agency} record {record_id}" for agency, record_id in source_ids],
        household=[
            HouseholdMate(
                person=_link(*member),
                household=name or f"Household {household_id}",  # as str(Household)
                joined=joined,
                left=left,
            )
            for *member, household_id, name, joined, left in household
        ],
        relatives=_relatives(pk, list(relationships)),
        professionals=_professionals(list(involvements), today),
        today=today,
    )


# --- Information governance ----------------------------------------------------------------


def person_access_trail(*, user: User, person_id: int) -> tuple[Person, QuerySet[AuditEntry]]:
    """Who has seen or changed a person's record, newest first (information governance only).

    Viewing the trail is itself recorded on the trail.
    """
    if not user.has_perm("people.view_access_trail"):
        raise PermissionDenied("Only information governance can see who has seen a record.")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    audit.record_read(
        actor=user,
        target=person,
        person_id=person.pk,
        action="person.access_trail_viewed",
        detail={"purpose": "access trail"},
    )
    entries = AuditEntry.objects.filter(person_id=person.pk).order_by("-at", "-id")
    return person, entries.select_related("actor")


def break_glass_grants(
    *, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[BreakGlass]:
    """Records opened without a working relationship, newest first, for the partnership report.

    `date_from` and `date_to` are inclusive local dates. Viewing the report is recorded.
    """
    if not user.has_perm("core.view_break_glass_report"):
        raise PermissionDenied("Only information governance and the partnership see this report.")
    grants = BreakGlass.objects.select_related("user__agency", "person")
    if date_from:
        grants = grants.filter(granted_at__gte=_start_of_day(date_from))
    if date_to:
        grants = grants.filter(granted_at__lt=_start_of_day(date_to + dt.timedelta(days=1)))
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="break_glass.report_viewed",
        detail={
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
        },
    )
    return grants.order_by("-granted_at", "-id")


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local date, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
