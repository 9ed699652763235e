"""Resolving a source record (`source:record_id`) to a person.

First exact identifiers (a record already seen, a valid NHS number, a valid UPN), then
probabilistic matching (Splink); see `source_record_resolve`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db import transaction

from sightline.accounts.models import Agency, User
from sightline.people.identifiers import nhs_number_is_valid, normalise_nhs_number, upn_is_valid
from sightline.people.models import Person, SourceRecord
from sightline.people.services import person_create, source_record_link

Method = Literal["existing", "nhs_number", "upn", "probabilistic", "review", "new"]


@dataclass(frozen=True)
class RecordAsSent:
    """A person as an agency described them (any field may be missing or wrong)."""

    agency: Agency
    record_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    nhs_number: str = ""
    upn: str = ""
    address_line: str = ""
    postcode: str = ""
    kind: str = Person.Kind.CHILD


@dataclass(frozen=True)
class Resolution:
    person: Person
    record: SourceRecord
    method: Method
    created_person: bool


@transaction.atomic
def source_record_resolve(*, actor: User | str, sent: RecordAsSent) -> Resolution:
    """Find (or create) the person a source record belongs to, and link the record."""
    existing = (SourceRecord.objects.select_related("person")
                .filter(agency=sent.agency, record_id=sent.record_id).first())
    if existing is not None:
        return Resolution(existing.person, existing, "existing", False)
    person: Person | None = None
    method: Method = "new"
    nhs = normalise_nhs_number(sent.nhs_number)
    if nhs and nhs_number_is_valid(nhs):
        person = Person.objects.filter(nhs_number=nhs).first()
        method = "nhs_number"
    if person is None and sent.upn and upn_is_valid(sent.upn):
        person = Person.objects.filter(upn=sent.upn.strip().upper()).first()
        method = "upn"
    created = False
    if person is None:
        method = "new"
        created = True
        person = person_create(
            actor=actor, kind=sent.kind, given_name=sent.given_name, family_name=sent.family_name,
            date_of_birth=sent.date_of_birth, sex=sent.sex or "U",
            nhs_number=nhs if nhs_number_is_valid(nhs) else "",
            upn=sent.upn if sent.upn and upn_is_valid(sent.upn) else "",
            address={"line": sent.address_line, "postcode": sent.postcode}
            if (sent.address_line or sent.postcode) else None,
            address_source=sent.agency,
        )
    record = source_record_link(
        actor=actor, person=person, agency=sent.agency, record_id=sent.record_id,
        given_name=sent.given_name, family_name=sent.family_name,
        date_of_birth=sent.date_of_birth, sex=sent.sex, nhs_number=nhs, upn=sent.upn,
        address_line=sent.address_line, postcode=sent.postcode,
    )
    return Resolution(person, record, method, created)
