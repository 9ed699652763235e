"""Builders for tests and benchmarks. Every person they make is synthetic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sightline.accounts.models import Agency, Team, User
from sightline.people.models import Person
from sightline.people.services import person_create, person_ensure_social_care_record

PASSWORD = "correct horse battery staple"

STANDARD_AGENCIES = {
    "csc": ("Northmoor Children's Social Care", Agency.Kind.SOCIAL_CARE),
    "police": ("Northmoor Police", Agency.Kind.POLICE),
    "health": ("Northmoor Community Health", Agency.Kind.COMMUNITY_HEALTH),
    "hospital": ("Northmoor Hospitals NHS Trust", Agency.Kind.HOSPITAL),
    "school": ("Millbrook Primary School", Agency.Kind.SCHOOL),
    "housing": ("Northmoor Homes", Agency.Kind.HOUSING),
}


def standard_agencies() -> dict[str, Agency]:
    return {
        code: Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "email": f"{code}@example.org"}
        )[0]
        for code, (name, kind) in STANDARD_AGENCIES.items()
    }


def team(agency: Agency, name: str) -> Team:
    return Team.objects.get_or_create(agency=agency, name=name)[0]


def user(
    agency: Agency | None,
    role: str,
    profession: str = "other",
    *,
    username: str,
    team: Team | None = None,
    password: str = PASSWORD,
) -> User:
    first, _, last = username.partition(".")
    account = User.objects.create_user(
        username=username,
        password=password,
        email=f"{username}@example.org",
        first_name=first.title(),
        last_name=last.title(),
        agency=agency,
        team=team,
        role=role,
        profession=profession,
    )
    return account


def child(
    *,
    given_name: str = "Ava",
    family_name: str = "Testchild",
    date_of_birth: dt.date | None = dt.date(2018, 3, 14),
    known_to_social_care: bool = True,
    **fields: Any,
) -> Person:
    person = person_create(
        actor="test",
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        **fields,
    )
    if known_to_social_care:
        person_ensure_social_care_record(actor="test", person=person)
    return person


def adult(
    *,
    given_name: str = "Morgan",
    family_name: str = "Testadult",
    date_of_birth: dt.date | None = dt.date(1990, 6, 1),
    **fields: Any,
) -> Person:
    return person_create(
        actor="test",
        kind=Person.Kind.ADULT,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        **fields,
    )
