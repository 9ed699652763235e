"""The agencies of the invented district of Northmoor, their teams, their staff and the demo
sign-ins (one for each role of DESIGN.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from sightline.accounts.models import Agency, Profession, Role, Team, User
from sightline.accounts.services import agency_register
from sightline.demo.synthetic import Synthetic, username_for

LOADER = "Demo district loader"
DEMO_PASSWORD = "northmoor-demo"  # shared by every demo sign-in; printed by the commands
TOWN = "Northmoor"
# Children's social care's out-of-hours service (a drama-range number, never a real line).
OUT_OF_HOURS = ("Northmoor Emergency Duty Team", "01632 960 999")

# Postcode districts of the invented NM area and the neighbourhood each one covers.
AREAS: dict[str, str] = {
    "NM1": "Northmoor Centre",
    "NM2": "Millbrook",
    "NM3": "Highfell",
    "NM4": "Calder Edge",
    "NM5": "Moorside",
    "NM6": "Ashby Green",
    "NM7": "Kirkfold",
    "NM8": "Thornbeck",
    "NM9": "Wetherfold",
}
NORTH = ("NM1", "NM2", "NM3", "NM4", "NM5")  # the health visiting and hospital split

PRIMARY_SCHOOLS = [
    "Millbrook Primary School",
    "Highfell Primary School",
    "Calder Edge Primary School",
    "Moorside Primary School",
    "Ashby Green Primary School",
    "Kirkfold Primary School",
    "Thornbeck Primary School",
    "Wetherfold Primary School",
    "Northmoor Central Primary School",
    "St Aidan's CE Primary School",
    "St Hilda's RC Primary School",
    "Larkspur Primary School",
    "Copper Beech Primary School",
    "Heatherbank Primary School",
    "Fellside Primary Academy",
    "Brackenridge Primary School",
    "Willowmere Primary School",
    "Foxglove Lane Primary School",
    "Kestrel Rise Primary Academy",
    "Cloughside Primary School",
    "Beckwith Green Primary School",
    "Ravenscar Road Primary School",
    "Lowfield Infant and Junior School",
    "Oakwell Nursery and Primary School",
]
SECONDARY_SCHOOLS = [
    "Northmoor Academy",
    "Highfell High School",
    "Calder Edge Community College",
    "St Wilfrid's Catholic High School",
    "Moorside Grammar School",
    "Wetherfold Park Academy",
]
GP_PRACTICES = [
    ("Northmoor Centre Health Practice", "NM1"),
    ("Millbrook Surgery", "NM2"),
    ("Highfell Medical Centre", "NM3"),
    ("Calder Edge Family Practice", "NM4"),
    ("Moorside Medical Practice", "NM5"),
    ("Ashby Green Surgery", "NM6"),
    ("Kirkfold Health Centre", "NM7"),
    ("Thornbeck Group Practice", "NM8"),
    ("Wetherfold Medical Practice", "NM9"),
    ("Riverside Lane Surgery", "NM1"),
]


_GENERIC_WORDS = {"health", "practice", "surgery", "medical", "centre", "group", "family"}


def gp_code(name: str) -> str:
    words = [word for word in name.split() if word.lower() not in _GENERIC_WORDS]
    return f"gp-{slugify(' '.join(words))}"


def school_code(name: str) -> str:
    return f"sch-{slugify(name.removesuffix(' School'))}"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    teams: tuple[str, ...] = ()


AGENCIES = [
    AgencySpec(
        "csc",
        "Northmoor Children's Social Care",
        Agency.Kind.SOCIAL_CARE,
        (
            "Integrated Front Door",
            "Assessment Team North",
            "Assessment Team South",
            "Child Protection Team",
        ),
    ),
    AgencySpec(
        "police",
        "Northmoor Police",
        Agency.Kind.POLICE,
        ("Safeguarding Hub", "Domestic Abuse Team", "Neighbourhood Policing"),
    ),
    AgencySpec(
        "nth",
        "Northmoor Teaching Hospitals NHS Foundation Trust",
        Agency.Kind.HOSPITAL,
        ("Emergency Department", "Maternity", "Safeguarding Children Team"),
    ),
    AgencySpec(
        "hfh",
        "Highfell and Dales Hospitals NHS Trust",
        Agency.Kind.HOSPITAL,
        ("Emergency Department", "Maternity", "Safeguarding Children Team"),
    ),
    AgencySpec(
        "health",
        "Northmoor Community Health NHS Trust",
        Agency.Kind.COMMUNITY_HEALTH,
        (
            "Health Visiting North",
            "Health Visiting South",
            "School Nursing",
            "Safeguarding Children Team",
        ),
    ),
    AgencySpec(
        "probation",
        "Northmoor Probation Delivery Unit",
        Agency.Kind.PROBATION,
        ("Offender Management",),
    ),
    AgencySpec(
        "yjs", "Northmoor Youth Justice Service", Agency.Kind.YOUTH_JUSTICE, ("Youth Justice Team",)
    ),
    AgencySpec("housing", "Northmoor Homes", Agency.Kind.HOUSING, ("Tenancy Support",)),
    AgencySpec(
        "refuge",
        "Northmoor Refuge and Outreach",
        Agency.Kind.VOLUNTARY,
        ("Children and Young People's Outreach",),
    ),
    AgencySpec("harbour", "Harbour Family Support", Agency.Kind.VOLUNTARY, ("Family Support",)),
    *[
        AgencySpec(gp_code(name), name, Agency.Kind.GP, ("Practice Team",))
        for name, _ in GP_PRACTICES
    ],
    *[
        AgencySpec(school_code(name), name, Agency.Kind.SCHOOL, ("Safeguarding Team",))
        for name in PRIMARY_SCHOOLS + SECONDARY_SCHOOLS
    ],
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    profession: str
    agency: str | None = None
    team: str | None = None
    job_title: str = ""
    agency_lead: bool = False  # answers for the agency to the partnership
    # An invented name given here, not drawn: the user is created after everyone else, so the
    # seeded district (names, ids and every later draw) stays exactly as it was before them.
    name: tuple[str, str] | None = None


MILLBROOK = "sch-millbrook-primary"

# One sign-in for each role; the practitioner role has three, for the three main referrers.
DEMO_USERS = [
    DemoUser(
        "ifd.practitioner",
        Role.IFD_PRACTITIONER,
        Profession.SOCIAL_WORKER,
        "csc",
        "Integrated Front Door",
        "Front door social worker",
    ),
    DemoUser(
        "ifd.manager",
        Role.IFD_MANAGER,
        Profession.SOCIAL_WORKER,
        "csc",
        "Integrated Front Door",
        "Front door team manager",
    ),
    DemoUser(
        "social.worker",
        Role.SOCIAL_WORKER,
        Profession.SOCIAL_WORKER,
        "csc",
        "Assessment Team North",
        "Social worker",
    ),
    DemoUser(
        "team.manager",
        Role.TEAM_MANAGER,
        Profession.SOCIAL_WORKER,
        "csc",
        "Child Protection Team",
        "Team manager",
    ),
    DemoUser(
        "police.officer",
        Role.PRACTITIONER,
        Profession.POLICE_OFFICER,
        "police",
        "Safeguarding Hub",
        "Detective constable",
    ),
    DemoUser(
        "agency.lead",
        Role.PRACTITIONER,
        Profession.POLICE_OFFICER,
        "police",
        "Safeguarding Hub",
        "Detective inspector, safeguarding lead",
        agency_lead=True,
        name=("Robin", "Fellgate"),
    ),
    DemoUser(
        "health.visitor",
        Role.PRACTITIONER,
        Profession.HEALTH_VISITOR,
        "health",
        "Health Visiting North",
        "Health visitor",
    ),
    DemoUser(
        "school.dsl",
        Role.PRACTITIONER,
        Profession.DSL,
        MILLBROOK,
        "Safeguarding Team",
        "Designated safeguarding lead",
    ),
    DemoUser(
        "ed.clinician",
        Role.UNSCHEDULED_CARE,
        Profession.ED_CLINICIAN,
        "nth",
        "Emergency Department",
        "Emergency department nurse",
    ),
    DemoUser(
        "dram.coordinator",
        Role.DRAM_COORDINATOR,
        Profession.POLICE_OFFICER,
        "police",
        "Domestic Abuse Team",
        "DRAM and MARAC coordinator",
    ),
    DemoUser(
        "partnership.officer",
        Role.PARTNERSHIP_OFFICER,
        Profession.OTHER,
        None,
        None,
        "Partnership business manager",
    ),
    DemoUser(
        "subgroup.chair",
        Role.SUBGROUP_CHAIR,
        Profession.OTHER,
        None,
        None,
        "Chair, Learning and Improvement Subgroup",
    ),
    DemoUser("scrutineer", Role.SCRUTINEER, Profession.OTHER, None, None, "Independent scrutineer"),
    DemoUser("analyst", Role.ANALYST, Profession.OTHER, None, None, "Partnership analyst"),
    DemoUser(
        "info.governance",
        Role.INFORMATION_GOVERNANCE,
        Profession.OTHER,
        "csc",
        None,
        "Information governance officer",
    ),
    DemoUser("sightline.admin", Role.ADMIN, Profession.OTHER, None, None, "System administrator"),
]
DEMO_USERNAMES = frozenset(user.username for user in DEMO_USERS)


@dataclass
class Staff:
    """Who works where: the people the history generator picks as referrers and deciders."""

    agencies: dict[str, Agency] = field(default_factory=dict)
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)
    demo: dict[str, User] = field(default_factory=dict)
    by_agency: dict[str, list[User]] = field(default_factory=dict)
    health_visitors: dict[str, list[User]] = field(default_factory=dict)  # NORTH / SOUTH
    school_nurses: list[User] = field(default_factory=list)
    ifd_deciders: list[User] = field(default_factory=list)
    social_workers: list[User] = field(default_factory=list)

    def agency_codes(self, kind: str) -> list[str]:
        return [code for code, agency in self.agencies.items() if agency.kind == kind]

    def dsl(self, school_code: str) -> User:
        return self.by_agency[school_code][0]


def agencies_create(
    *, actor: str = LOADER
) -> tuple[dict[str, Agency], dict[tuple[str, str], Team]]:
    agencies: dict[str, Agency] = {}
    teams: dict[tuple[str, str], Team] = {}
    for spec in AGENCIES:
        agency = agency_register(actor=actor, code=spec.code, name=spec.name, kind=spec.kind)
        agency.email = f"{spec.code}.safeguarding@example.org"
        agency.phone = ""
        if spec.kind == Agency.Kind.SOCIAL_CARE:
            agency.out_of_hours_service, agency.out_of_hours_phone = OUT_OF_HOURS
        agency.save(update_fields=["email", "phone", "out_of_hours_service", "out_of_hours_phone"])
        agencies[spec.code] = agency
        for team_name in spec.teams:
            team, _ = Team.objects.get_or_create(
                agency=agency,
                name=team_name,
                defaults={
                    "email": f"{spec.code}.{slugify(team_name)}@example.org",
                    "phone": team_phone(len(teams)),
                },
            )
            teams[(spec.code, team_name)] = team
    return agencies, teams


def team_phone(index: int) -> str:
    """The demo's team numbers: Ofcom's range for drama (01632 960000 to 960999), which is
    never given to a real line."""
    return f"01632 960 {100 + index % 800:03d}"


def _new_user(
    synthetic: Synthetic,
    password: str,
    *,
    username: str | None,
    role: str,
    profession: str,
    agency: Agency | None,
    team: Team | None,
    job_title: str,
    taken: set[str],
    agency_lead: bool = False,
    name: tuple[str, str] | None = None,
) -> User:
    if name is None:
        sex = synthetic.pick({"F": 0.7, "M": 0.3})  # most of the safeguarding workforce are women
        given, family = synthetic.person_name(sex)
    else:
        given, family = name
    if username is None:
        base = username_for(given, family)
        username, suffix = base, 1
        while username in taken:
            suffix += 1
            username = f"{base}{suffix}"
    taken.add(username)
    return User(
        username=username,
        password=password,
        first_name=given,
        last_name=family,
        email=f"{username}@example.org",
        agency=agency,
        team=team,
        role=role,
        profession=profession,
        job_title=job_title,
        is_agency_lead=agency_lead,
        is_staff=role == Role.ADMIN,
    )


# Staff who cannot sign in (no password): referrers, deciders and the professionals around
# each child. (agency code, team, role, profession, job title, how many)
_STAFF = [
    (
        "csc",
        "Integrated Front Door",
        Role.IFD_PRACTITIONER,
        Profession.SOCIAL_WORKER,
        "Front door social worker",
        3,
    ),
    (
        "csc",
        "Assessment Team North",
        Role.SOCIAL_WORKER,
        Profession.SOCIAL_WORKER,
        "Social worker",
        2,
    ),
    (
        "csc",
        "Assessment Team South",
        Role.SOCIAL_WORKER,
        Profession.SOCIAL_WORKER,
        "Social worker",
        2,
    ),
    (
        "police",
        "Safeguarding Hub",
        Role.PRACTITIONER,
        Profession.POLICE_OFFICER,
        "Police constable",
        5,
    ),
    (
        "health",
        "Health Visiting North",
        Role.PRACTITIONER,
        Profession.HEALTH_VISITOR,
        "Health visitor",
        2,
    ),
    (
        "health",
        "Health Visiting South",
        Role.PRACTITIONER,
        Profession.HEALTH_VISITOR,
        "Health visitor",
        3,
    ),
    ("health", "School Nursing", Role.PRACTITIONER, Profession.SCHOOL_NURSE, "School nurse", 2),
    (
        "nth",
        "Emergency Department",
        Role.UNSCHEDULED_CARE,
        Profession.ED_CLINICIAN,
        "Emergency department doctor",
        1,
    ),
    ("nth", "Maternity", Role.PRACTITIONER, Profession.MIDWIFE, "Midwife", 1),
    (
        "hfh",
        "Emergency Department",
        Role.UNSCHEDULED_CARE,
        Profession.ED_CLINICIAN,
        "Emergency department nurse",
        2,
    ),
    ("hfh", "Maternity", Role.PRACTITIONER, Profession.MIDWIFE, "Midwife", 1),
    (
        "probation",
        "Offender Management",
        Role.PRACTITIONER,
        Profession.PROBATION_OFFICER,
        "Probation officer",
        1,
    ),
    (
        "yjs",
        "Youth Justice Team",
        Role.PRACTITIONER,
        Profession.YOUTH_JUSTICE,
        "Youth justice worker",
        1,
    ),
    (
        "housing",
        "Tenancy Support",
        Role.PRACTITIONER,
        Profession.HOUSING_OFFICER,
        "Housing officer",
        1,
    ),
    (
        "refuge",
        "Children and Young People's Outreach",
        Role.PRACTITIONER,
        Profession.VOLUNTARY_WORKER,
        "Children's outreach worker",
        1,
    ),
    (
        "harbour",
        "Family Support",
        Role.PRACTITIONER,
        Profession.VOLUNTARY_WORKER,
        "Family support worker",
        1,
    ),
]


def staff_create(
    synthetic: Synthetic,
    agencies: dict[str, Agency],
    teams: dict[tuple[str, str], Team],
) -> Staff:
    """The demo sign-ins and the rest of the district's safeguarding workforce."""
    hashed = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True)) | set(DEMO_USERNAMES)
    pending: list[User] = []
    named: list[User] = []  # demo sign-ins with a given name: created last (see DemoUser.name)
    for spec in DEMO_USERS:
        agency = agencies[spec.agency] if spec.agency else None
        team = teams[(spec.agency, spec.team)] if spec.agency and spec.team else None
        (named if spec.name else pending).append(
            _new_user(
                synthetic,
                hashed,
                username=spec.username,
                role=spec.role,
                profession=spec.profession,
                agency=agency,
                team=team,
                job_title=spec.job_title,
                taken=taken,
                agency_lead=spec.agency_lead,
                name=spec.name,
            )
        )
    unusable = make_password(None)
    for code, team_name, role, profession, title, count in _STAFF:
        for _ in range(count):
            pending.append(
                _new_user(
                    synthetic,
                    unusable,
                    username=None,
                    role=role,
                    profession=profession,
                    agency=agencies[code],
                    team=teams[(code, team_name)],
                    job_title=title,
                    taken=taken,
                )
            )
    for code, agency in agencies.items():
        if agency.kind == Agency.Kind.GP:
            pending.append(
                _new_user(
                    synthetic,
                    unusable,
                    username=None,
                    role=Role.PRACTITIONER,
                    profession=Profession.GP,
                    agency=agency,
                    team=teams[(code, "Practice Team")],
                    job_title="Safeguarding lead GP",
                    taken=taken,
                )
            )
        elif agency.kind == Agency.Kind.SCHOOL and code != MILLBROOK:
            pending.append(
                _new_user(
                    synthetic,
                    unusable,
                    username=None,
                    role=Role.PRACTITIONER,
                    profession=Profession.DSL,
                    agency=agency,
                    team=teams[(code, "Safeguarding Team")],
                    job_title="Designated safeguarding lead",
                    taken=taken,
                )
            )
    users = User.objects.bulk_create(pending)
    staff = Staff(agencies=agencies, teams=teams)
    for user in User.objects.bulk_create(named):  # not drawn on by the generated history
        staff.demo[user.username] = user
    for user in users:
        if user.username in DEMO_USERNAMES:
            staff.demo[user.username] = user
        if user.agency is not None:
            staff.by_agency.setdefault(user.agency.code, []).append(user)
        if user.profession == Profession.HEALTH_VISITOR:
            half = "NORTH" if user.team and user.team.name.endswith("North") else "SOUTH"
            staff.health_visitors.setdefault(half, []).append(user)
        if user.profession == Profession.SCHOOL_NURSE:
            staff.school_nurses.append(user)
        if user.role == Role.IFD_PRACTITIONER:
            staff.ifd_deciders.append(user)
        if user.role == Role.SOCIAL_WORKER:
            staff.social_workers.append(user)
    return staff
