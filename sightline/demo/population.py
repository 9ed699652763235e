"""The people of Northmoor: households of children and the adults who care for them.

Everything is drawn first in memory from one seeded source (so every load is the same), then
written with `bulk_create`: persons with their name keys, addresses (with moves), households
and their members, relationships, each agency's own record of the people it knows, and the
professionals around each child (health visitor, school DSL, GP).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from sightline.accounts.models import Agency, Team, User
from sightline.demo.organisations import (
    AREAS,
    GP_PRACTICES,
    NORTH,
    PRIMARY_SCHOOLS,
    SECONDARY_SCHOOLS,
    TOWN,
    Staff,
    gp_code,
    school_code,
)
from sightline.demo.synthetic import Synthetic
from sightline.people.models import (
    Address,
    Disability,
    Household,
    HouseholdMember,
    Involvement,
    Person,
    Relationship,
    SourceRecord,
)
from sightline.people.names import NICKNAMES, name_key

YEAR = 365.25

# What worries the agencies about a household most; "none" households are rarely contacted.
THEMES = {
    "none": 0.79,
    "domestic_abuse": 0.065,
    "neglect": 0.05,
    "parental_mental_health": 0.03,
    "substance_misuse": 0.02,
    "adolescent_risk": 0.02,
    "physical_harm": 0.015,
    "housing_and_poverty": 0.01,
}
ETHNICITIES = {
    "WBRI": 0.66,
    "APKN": 0.12,
    "WOTH": 0.04,
    "MWBC": 0.03,
    "AIND": 0.03,
    "ABAN": 0.02,
    "BAFR": 0.02,
    "WIRI": 0.01,
    "MOTH": 0.02,
    "BCRB": 0.01,
    "CHNE": 0.01,
    "OOTH": 0.01,
    "NOBT": 0.02,
}
_STREET_STARTS = [
    "Mill",
    "Heather",
    "Bracken",
    "Beck",
    "Fold",
    "Kiln",
    "Lark",
    "Tenter",
    "Weaver",
    "Dye",
    "Spinner",
    "Moss",
    "Clough",
    "Hollin",
    "Rowan",
    "Sycamore",
    "Alder",
    "Wharf",
    "Canal",
    "Quarry",
    "Chapel",
    "Croft",
    "Ghyll",
    "Holme",
    "Ing",
    "Sike",
    "Stoney",
    "Throstle",
    "Wren",
    "Plover",
    "Curlew",
    "Lapwing",
    "Fern",
    "Birch",
    "Hazel",
    "Thorn",
    "Well",
    "Brook",
]
_STREET_ENDS = [
    "Lane",
    "Road",
    "Street",
    "Terrace",
    "Avenue",
    "Close",
    "Grove",
    "Drive",
    "Way",
    "Rise",
    "Gardens",
    "Crescent",
    "View",
    "Mount",
    "Walk",
]
_COURTS = ["Court", "House", "Mews", "Place"]


DISABLED_PER_CENT = 6  # children with a disability recorded (DfE codes)
NO_DISABILITY_PER_CENT = 40  # children recorded as having none; the rest not recorded yet
_DISABILITIES = [code for code in Disability.values if code != Disability.NONE]


def demo_disabilities(key: str) -> list[str]:
    """A child's recorded disabilities, chosen from `key` (their name and birth date) rather
    than the district's random draws, so every other choice of the district stays the same:
    a few children have one or two, many are recorded as having none (NONE), and the rest
    have nothing recorded yet, as in a real district's records."""
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)
    bucket = digest % 100
    if bucket < DISABLED_PER_CENT:
        first = _DISABILITIES[(digest // 100) % len(_DISABILITIES)]
        second = _DISABILITIES[(digest // 10_000) % len(_DISABILITIES)]
        codes = {first, second} if (digest // 1_000_000) % 3 == 0 else {first}
        return [code for code in _DISABILITIES if code in codes]
    if bucket < DISABLED_PER_CENT + NO_DISABILITY_PER_CENT:
        return [Disability.NONE.value]
    return []


@dataclass
class Someone:
    """A person of the district before they are written, with what the loader needs to know."""

    person: Person
    role: str  # mother, father, step_parent, grandparent, former_partner, child, unborn
    joined: dt.date | None = None
    left: dt.date | None = None
    school: str | None = None  # agency code
    school_started: dt.date | None = None
    mother: Person | None = None  # of an unborn child
    elsewhere: tuple[str, str] | None = None  # where a parent who left lives now


@dataclass
class Home:
    index: int
    family_name: str
    area: str
    theme: str
    weight: float  # how often this household reaches the front door
    gp: str
    trust: str
    addresses: list[tuple[str, str, dt.date, dt.date | None]]  # line, postcode, in, out
    people: list[Someone] = field(default_factory=list)
    social_housing: bool = False
    household: Household | None = None

    def with_role(self, *roles: str) -> list[Someone]:
        return [member for member in self.people if member.role in roles]

    @property
    def children(self) -> list[Person]:
        return [member.person for member in self.people if member.role == "child"]

    @property
    def carers(self) -> list[Person]:
        return [
            member.person
            for member in self.people
            if member.role in ("mother", "father", "step_parent", "grandparent")
        ]

    @property
    def current_address(self) -> tuple[str, str]:
        line, postcode, _, _ = self.addresses[-1]
        return line, postcode

    def address_on(self, day: dt.date) -> tuple[str, str]:
        for line, postcode, moved_in, moved_out in self.addresses:
            if moved_in <= day and (moved_out is None or day <= moved_out):
                return line, postcode
        return self.current_address


@dataclass
class District:
    as_of: dt.date
    homes: list[Home]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def children(self) -> list[Person]:
        return [child for home in self.homes for child in home.children]


def _born(person: Person) -> dt.date:
    assert person.date_of_birth is not None, "every child born in the district has a birthday"
    return person.date_of_birth


def _years(days: float) -> dt.timedelta:
    return dt.timedelta(days=round(days))


def academic_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


class PopulationBuilder:
    def __init__(self, synthetic: Synthetic, staff: Staff, as_of: dt.date) -> None:
        self.s = synthetic
        self.staff = staff
        self.as_of = as_of
        self.year_start = academic_year_start(as_of)
        self.streets = self._streets()
        self.primaries = self._schools_by_area(PRIMARY_SCHOOLS)
        self.secondaries = self._schools_by_area(SECONDARY_SCHOOLS)
        self.gps: dict[str, list[str]] = {}
        for name, area in GP_PRACTICES:
            self.gps.setdefault(area, []).append(gp_code(name))

    # Places ------------------------------------------------------------------------------
    def _streets(self) -> dict[str, list[tuple[str, list[str]]]]:
        streets: dict[str, list[tuple[str, list[str]]]] = {}
        used: set[str] = set()
        for area in AREAS:
            for _ in range(12):
                name = ""
                while not name or name in used:
                    start, end = (
                        self.s.random.choice(_STREET_STARTS),
                        self.s.random.choice(_STREET_ENDS),
                    )
                    name = f"{start} {end}"
                used.add(name)
                postcodes = [f"{area} {self.s.inward_code()}" for _ in range(2)]
                streets.setdefault(area, []).append((name, postcodes))
        return streets

    def _schools_by_area(self, names: list[str]) -> dict[str, list[str]]:
        """Schools named after a neighbourhood serve it; the rest go where schools are fewest."""
        areas = list(AREAS)
        by_area: dict[str, list[str]] = {area: [] for area in areas}
        unnamed = []
        for name in names:
            area = next((a for a, place in AREAS.items() if name.startswith(place)), None)
            if area is None:
                unnamed.append(name)
            else:
                by_area[area].append(school_code(name))
        for name in unnamed:
            emptiest = min(areas, key=lambda area: len(by_area[area]))
            by_area[emptiest].append(school_code(name))
        for index, area in enumerate(areas):  # no school of its own: the next area's serves it
            step = 1
            while not by_area[area]:
                by_area[area] = list(by_area[areas[(index + step) % len(areas)]])
                step += 1
        return by_area

    def address(self, area: str) -> tuple[str, str]:
        street, postcodes = self.s.random.choice(self.streets[area])
        if self.s.chance(0.12):
            court = f"{street.split()[0]} {self.s.random.choice(_COURTS)}"
            return f"Flat {self.s.random.randrange(1, 40)}, {court}", postcodes[0]
        return f"{self.s.random.randrange(1, 180)} {street}", self.s.random.choice(postcodes)

    # People ------------------------------------------------------------------------------
    def _person(
        self,
        *,
        sex: str,
        family_name: str,
        born: dt.date,
        ethnicity: str,
        child: bool,
    ) -> Person:
        given = self.s.given_name(sex, family_name)
        nhs = self.s.nhs_number() if self.s.chance(0.94 if child else 0.9) else ""
        disabilities = demo_disabilities(f"{given}|{family_name}|{born}") if child else []
        return Person(
            kind=Person.Kind.CHILD if child else Person.Kind.ADULT,
            given_name=given,
            family_name=family_name,
            date_of_birth=born,
            sex=sex,
            nhs_number=nhs,
            ethnicity=ethnicity if child else "",
            disabilities=disabilities,
            disabilities_recorded_at=(
                timezone.make_aware(dt.datetime.combine(self.as_of, dt.time(9)))
                if disabilities
                else None
            ),
            given_name_key=name_key(given),
            family_name_key=name_key(family_name),
        )

    def _unborn(self, mother: Person, due: dt.date) -> Someone:
        person = Person(
            kind=Person.Kind.UNBORN,
            family_name=mother.family_name,
            expected_date_of_birth=due,
            sex="U",
            family_name_key=name_key(mother.family_name),
        )
        return Someone(
            person=person, role="unborn", joined=self.as_of - dt.timedelta(days=60), mother=mother
        )

    def _school(
        self, home: Home, born: dt.date, siblings_school: dict[str, str]
    ) -> tuple[str | None, dt.date | None, int | None]:
        """The school a child attends, when they started there, and their UPN year."""
        age_at_start = (
            self.year_start.year - born.year - ((born.month, born.day) > (8, 31))
        )  # age on 31 August before this school year
        year_group = age_at_start - 4  # 0 is reception
        if year_group < 0 or year_group > 13:
            return None, None, None
        if year_group >= 12 and not self.s.chance(0.6):
            return None, None, None  # at college or in work-based learning
        reception_year = self.year_start.year - year_group
        phase = "primary" if year_group <= 6 else "secondary"
        if phase not in siblings_school:
            options = (self.primaries if phase == "primary" else self.secondaries)[home.area]
            siblings_school[phase] = self.s.random.choice(options)
        started_year = reception_year if phase == "primary" else reception_year + 7
        return siblings_school[phase], dt.date(started_year, 9, 3), reception_year

    def home(self, index: int) -> Home:
        s = self.s
        area = s.pick({area: 1.0 for area in AREAS})
        theme = s.pick(THEMES)
        weight = 0.2 if theme == "none" else min(6.0, round(s.random.expovariate(0.6) + 0.3, 2))
        family = s.family_name()
        ethnicity = s.pick(ETHNICITIES)
        shape = s.pick(
            {
                "two_parents": 0.56,
                "single_mother": 0.25,
                "step_family": 0.11,
                "single_father": 0.04,
                "kinship": 0.04,
            }
        )
        count = int(s.pick({"1": 0.38, "2": 0.36, "3": 0.17, "4": 0.07, "5": 0.02}))
        # Children's ages: the eldest anywhere from birth to 17, the others younger.
        eldest_days = s.random.uniform(0 if count == 1 else 1.5 * YEAR, 17.95 * YEAR)
        ages = [eldest_days]
        while len(ages) < count:
            younger = ages[-1] - s.random.uniform(1.0, 4.5) * YEAR
            if younger < 0:
                break
            ages.append(younger)
        births = [self.as_of - _years(days) for days in ages]
        mother_age = max(17.0, min(44.0, s.random.gauss(27.5, 5.5)))
        mother_born = births[0] - _years(mother_age * YEAR + s.random.uniform(0, 300))
        partner_born = mother_born - _years(s.random.gauss(2.0, 3.0) * YEAR)
        # Where they live: current address, and for some an earlier one.
        line, postcode = self.address(area)
        moved_in = self.as_of - _years(s.random.uniform(0.15, 12.0) * YEAR)
        if s.chance(0.08):
            moved_in = self.as_of - dt.timedelta(days=s.random.randrange(20, 330))
        addresses: list[tuple[str, str, dt.date, dt.date | None]] = []
        if s.chance(0.3) or moved_in > self.as_of - dt.timedelta(days=330):
            before_area = area if s.chance(0.7) else s.pick({a: 1.0 for a in AREAS})
            before_line, before_postcode = self.address(before_area)
            before_in = moved_in - _years(s.random.uniform(1.0, 6.0) * YEAR)
            addresses.append(
                (before_line, before_postcode, before_in, moved_in - dt.timedelta(days=1))
            )
        addresses.append((line, postcode, moved_in, None))
        gp = s.random.choice(self.gps.get(area) or self.gps["NM1"])
        home = Home(
            index=index,
            family_name=family,
            area=area,
            theme=theme,
            weight=weight,
            gp=gp,
            trust="nth" if area in NORTH else "hfh",
            addresses=addresses,
            social_housing=s.chance(0.45 if theme != "none" else 0.17),
        )
        start = addresses[0][2]
        children_family = family
        if shape in ("two_parents", "step_family", "single_mother"):
            mother_family = family if s.chance(0.8) else s.family_name()
            mother = self._person(
                sex="F",
                family_name=mother_family,
                born=mother_born,
                ethnicity=ethnicity,
                child=False,
            )
            home.people.append(Someone(mother, "mother", joined=start))
            if shape == "two_parents":
                father = self._person(
                    sex="M",
                    family_name=family,
                    born=partner_born,
                    ethnicity=ethnicity,
                    child=False,
                )
                home.people.append(Someone(father, "father", joined=start))
            if shape == "step_family":
                children_family = mother_family
                step_family = s.family_name()
                step = self._person(
                    sex="M",
                    family_name=step_family,
                    born=partner_born,
                    ethnicity=ethnicity,
                    child=False,
                )
                joined = self.as_of - _years(s.random.uniform(0.05, 6.0) * YEAR)
                home.people.append(Someone(step, "step_parent", joined=max(joined, start)))
            if shape in ("single_mother", "step_family") and s.chance(0.4):
                former = self._person(
                    sex="M",
                    family_name=children_family,
                    born=partner_born,
                    ethnicity=ethnicity,
                    child=False,
                )
                left = min(
                    self.as_of - dt.timedelta(days=30),
                    max(births[-1], start) + _years(s.random.uniform(0.2, 4.0) * YEAR),
                )
                home.people.append(
                    Someone(
                        former,
                        "former_partner",
                        joined=start,
                        left=left,
                        elsewhere=self.address(s.pick({a: 1.0 for a in AREAS})),
                    )
                )
        elif shape == "single_father":
            father = self._person(
                sex="M", family_name=family, born=partner_born, ethnicity=ethnicity, child=False
            )
            home.people.append(Someone(father, "father", joined=start))
        else:  # kinship care by a grandparent
            grandparent_born = mother_born - _years(s.random.uniform(19, 30) * YEAR)
            grandmother = self._person(
                sex="F",
                family_name=family,
                born=grandparent_born,
                ethnicity=ethnicity,
                child=False,
            )
            home.people.append(Someone(grandmother, "grandparent", joined=start))
        siblings_school: dict[str, str] = {}
        for born in births:
            sex = s.pick({"F": 0.49, "M": 0.51})
            child = self._person(
                sex=sex, family_name=children_family, born=born, ethnicity=ethnicity, child=True
            )
            school, started, reception_year = self._school(home, born, siblings_school)
            if school and reception_year and s.chance(0.97):
                establishment = 2000 + (PRIMARY_SCHOOLS + SECONDARY_SCHOOLS).index(
                    next(n for n in PRIMARY_SCHOOLS + SECONDARY_SCHOOLS if school_code(n) == school)
                )
                child.upn = s.upn(establishment=establishment, year_allocated=reception_year)
            home.people.append(
                Someone(
                    child, "child", joined=max(born, start), school=school, school_started=started
                )
            )
        mothers = home.with_role("mother")
        if mothers and mother_age < 40 and s.chance(0.012):
            home.people.append(
                self._unborn(
                    mothers[0].person, self.as_of + dt.timedelta(days=s.random.randrange(14, 180))
                )
            )
        for member in list(home.people):  # a pregnant teenager in the family
            person = member.person
            if (
                member.role == "child"
                and person.sex == "F"
                and person.age_on(self.as_of) in (16, 17)
                and s.chance(0.03)
            ):
                home.people.append(
                    self._unborn(
                        person, self.as_of + dt.timedelta(days=s.random.randrange(30, 200))
                    )
                )
        return home

    def build(self, *, children: int) -> District:
        homes: list[Home] = []
        total = 0
        while total < children:
            home = self.home(len(homes))
            homes.append(home)
            total += len(home.children)
        return District(as_of=self.as_of, homes=homes)


def district_write(district: District, synthetic: Synthetic, staff: Staff) -> None:
    """Write the district's people and everything about them, in bulk."""
    everyone = [member for home in district.homes for member in home.people]
    Person.objects.bulk_create([member.person for member in everyone], batch_size=500)
    households = Household.objects.bulk_create(
        [
            Household(name=f"{home.family_name} household, {home.current_address[0]}")
            for home in district.homes
        ],
        batch_size=500,
    )
    for home, household in zip(district.homes, households, strict=True):
        home.household = household
    addresses: list[Address] = []
    members: list[HouseholdMember] = []
    relationships: list[Relationship] = []
    for home in district.homes:
        _home_rows(home, staff, addresses, members, relationships)
    Address.objects.bulk_create(addresses, batch_size=1000)
    HouseholdMember.objects.bulk_create(members, batch_size=1000)
    Relationship.objects.bulk_create(relationships, batch_size=1000)
    records = SourceRecords(synthetic, staff, district.as_of)
    for home in district.homes:
        records.for_home(home)
    SourceRecord.objects.bulk_create(records.rows, batch_size=1000)
    involvements = _involvements(district, staff)
    Involvement.objects.bulk_create(involvements, batch_size=1000)
    district.counts.update(
        {
            "households": len(households),
            "children": sum(len(home.children) for home in district.homes),
            "unborn children": sum(len(home.with_role("unborn")) for home in district.homes),
            "adults": sum(1 for member in everyone if member.person.kind == Person.Kind.ADULT),
            "addresses": len(addresses),
            "relationships": len(relationships),
            "source records": len(records.rows),
            "involvements": len(involvements),
        }
    )


def _home_rows(
    home: Home,
    staff: Staff,
    addresses: list[Address],
    members: list[HouseholdMember],
    relationships: list[Relationship],
) -> None:
    source = staff.agencies[home.gp]
    for member in home.people:
        person = member.person
        arrived = member.joined or home.addresses[0][2]
        if member.elsewhere is not None:
            line, postcode = member.elsewhere
            addresses.append(
                Address(
                    person=person,
                    line=line,
                    town=TOWN,
                    postcode=postcode,
                    moved_in=member.left,
                    source=source,
                )
            )
        for line, postcode, moved_in, moved_out in home.addresses:
            if moved_out is not None and moved_out < arrived:
                continue
            if member.left is not None and moved_in > member.left:
                continue
            out = moved_out
            if member.left is not None and (out is None or out > member.left):
                out = member.left
            addresses.append(
                Address(
                    person=person,
                    line=line,
                    town=TOWN,
                    postcode=postcode,
                    moved_in=max(moved_in, arrived),
                    moved_out=out,
                    source=source,
                )
            )
        members.append(
            HouseholdMember(
                household=home.household, person=person, joined=member.joined, left=member.left
            )
        )
    children = home.with_role("child")
    unborn = home.with_role("unborn")
    for adult in home.people:
        kind = {
            "mother": Relationship.Kind.MOTHER,
            "father": Relationship.Kind.FATHER,
            "former_partner": Relationship.Kind.FATHER,
            "step_parent": Relationship.Kind.STEP_PARENT,
            "grandparent": Relationship.Kind.GRANDPARENT,
        }.get(adult.role)
        if kind is None:
            continue
        for child in children:
            step = adult.role == "step_parent"
            relationships.append(
                Relationship(
                    person=adult.person,
                    relative=child.person,
                    kind=kind,
                    parental_responsibility=not step,
                    since=adult.joined if step else child.person.date_of_birth,
                )
            )
        for baby in unborn:  # a grandmother-to-be when her own daughter is expecting
            if adult.role == "mother" and baby.mother is not adult.person:
                relationships.append(
                    Relationship(
                        person=adult.person,
                        relative=baby.person,
                        kind=Relationship.Kind.GRANDPARENT,
                    )
                )
    for baby in unborn:
        if baby.mother is not None:
            relationships.append(
                Relationship(
                    person=baby.mother,
                    relative=baby.person,
                    kind=Relationship.Kind.MOTHER,
                    parental_responsibility=True,
                )
            )
    couple = home.with_role("mother")[:1] + home.with_role("father", "step_parent")[:1]
    if len(couple) == 2:
        first, second = couple
        for a, b in ((first, second), (second, first)):
            relationships.append(
                Relationship(
                    person=a.person,
                    relative=b.person,
                    kind=Relationship.Kind.PARTNER,
                    since=second.joined,
                )
            )
    for a in children:
        for b in children:
            if a is not b:
                relationships.append(
                    Relationship(
                        person=a.person,
                        relative=b.person,
                        kind=Relationship.Kind.SIBLING,
                        since=max(_born(a.person), _born(b.person)),
                    )
                )


class SourceRecords:
    """Each agency's own record of the people it knows, as that agency wrote it."""

    PREFIXES = {
        "police": "NMP-",
        "health": "CH",
        "nth": "NTH",
        "hfh": "HDH",
        "probation": "PRB-",
        "yjs": "YJ-",
        "housing": "NH-T",
        "refuge": "NRO-",
        "harbour": "HFS-",
    }

    def __init__(self, synthetic: Synthetic, staff: Staff, as_of: dt.date) -> None:
        self.s = synthetic
        self.staff = staff
        self.as_of = as_of
        self.rows: list[SourceRecord] = []
        self.numbers: dict[str, int] = {}
        self.seen: set[tuple[str, int]] = set()

    def _record_id(self, code: str) -> str:
        number = self.numbers.get(code, 4000 + self.s.random.randrange(1000))
        number += self.s.random.randrange(1, 40)
        self.numbers[code] = number
        agency = self.staff.agencies[code]
        if agency.kind == Agency.Kind.GP:
            return f"{code[3:6].upper()}{number:06d}"
        if agency.kind == Agency.Kind.SCHOOL:
            return f"A{number:05d}"
        return f"{self.PREFIXES.get(code, code.upper() + '-')}{number:06d}"

    def add(self, code: str, person: Person, address: tuple[str, str]) -> None:
        if (code, id(person)) in self.seen:
            return
        self.seen.add((code, id(person)))
        agency = self.staff.agencies[code]
        given, family, born = person.given_name, person.family_name, person.date_of_birth
        if given and self.s.chance(0.05):  # known by a shorter name
            shorts = sorted(NICKNAMES.get(given.lower(), ()))
            if shorts:
                given = self.s.random.choice(shorts).title()
        if self.s.chance(0.02):
            family = self.s.typo(family)
        if born and self.s.chance(0.02):
            born = None
        elif born and born.day <= 12 and self.s.chance(0.01):
            born = born.replace(month=born.day, day=born.month)  # day and month swapped
        health = agency.kind in (Agency.Kind.GP, Agency.Kind.HOSPITAL, Agency.Kind.COMMUNITY_HEALTH)
        self.rows.append(
            SourceRecord(
                agency=agency,
                record_id=self._record_id(code),
                person=person,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=person.sex,
                nhs_number=person.nhs_number if health else "",
                upn=person.upn if agency.kind == Agency.Kind.SCHOOL else "",
                address_line=address[0],
                postcode=address[1],
            )
        )

    def for_home(self, home: Home) -> None:
        s = self.s
        address = home.current_address
        present = [m for m in home.people if m.left is None]
        for member in present:
            person = member.person
            if person.kind != Person.Kind.UNBORN and s.chance(0.97):
                self.add(home.gp, person, address)
            if member.role == "child":
                self.add("health", person, address)  # the child health record
                if s.chance(0.9):
                    self.add(home.trust, person, address)  # born there
                if member.school:
                    self.add(member.school, person, address)
            if member.role == "unborn":
                self.add(home.trust, person, address)
        young = [p for p in home.children if (p.age_on(self.as_of) or 0) < 5]
        for mother in home.with_role("mother"):
            if young:
                self.add("health", mother.person, address)
                self.add(home.trust, mother.person, address)
        police_known = (
            home.theme in ("domestic_abuse", "substance_misuse", "adolescent_risk")
            and s.chance(0.8)
        ) or s.chance(0.04)
        if police_known:
            for member in home.people:
                if member.role != "unborn":
                    self.add("police", member.person, address)
        if home.social_housing:
            for member in present:
                if member.role != "unborn":
                    self.add("housing", member.person, address)
        for member in home.with_role("father", "step_parent", "former_partner"):
            if (home.theme == "domestic_abuse" and s.chance(0.3)) or s.chance(0.005):
                self.add("probation", member.person, address)
        for child in home.children:
            if 10 <= (child.age_on(self.as_of) or 0) <= 17 and (
                (home.theme == "adolescent_risk" and s.chance(0.35)) or s.chance(0.003)
            ):
                self.add("yjs", child, address)
        if home.theme == "domestic_abuse" and s.chance(0.25):
            for member in home.with_role("mother"):
                self.add("refuge", member.person, address)
            for child in home.children:
                self.add("refuge", child, address)
        if (home.theme == "neglect" and s.chance(0.2)) or s.chance(0.02):
            for person in home.carers + home.children:
                self.add("harbour", person, address)


def _involvements(district: District, staff: Staff) -> list[Involvement]:
    rows: list[Involvement] = []
    health = staff.agencies["health"]
    visitors = {
        "north": staff.health_visitors.get("NORTH", []),
        "south": staff.health_visitors.get("SOUTH", []),
    }
    areas = list(AREAS)
    for home in district.homes:
        half = "north" if home.area in NORTH else "south"
        team_visitors = visitors[half]
        visitor: User | None = None
        if team_visitors:
            visitor = team_visitors[areas.index(home.area) // 2 % len(team_visitors)]
        gp_agency = staff.agencies[home.gp]
        gp_team: Team = staff.teams[(home.gp, "Practice Team")]
        gp_user = staff.by_agency[home.gp][0]
        for member in home.people:
            person = member.person
            if member.role not in ("child", "unborn") or member.left is not None:
                continue
            born = person.date_of_birth or district.as_of
            if person.kind == Person.Kind.CHILD and (person.age_on(district.as_of) or 0) < 5:
                rows.append(
                    Involvement(
                        person=person,
                        agency=health,
                        user=visitor,
                        team=visitor.team if visitor else None,
                        role="Health visitor",
                        started=min(
                            district.as_of,
                            max(_born(person) + dt.timedelta(days=11), member.joined or born),
                        ),
                    )
                )
            if member.school:
                school = staff.agencies[member.school]
                rows.append(
                    Involvement(
                        person=person,
                        agency=school,
                        user=staff.dsl(member.school),
                        team=staff.teams[(member.school, "Safeguarding Team")],
                        role="Designated safeguarding lead",
                        started=member.school_started or district.as_of,
                    )
                )
            if person.kind == Person.Kind.CHILD:
                rows.append(
                    Involvement(
                        person=person,
                        agency=gp_agency,
                        user=gp_user,
                        team=gp_team,
                        role="GP",
                        started=member.joined or born,
                    )
                )
    return rows
