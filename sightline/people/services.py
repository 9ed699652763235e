"""Writes to people's records. Every function takes the acting user and records an audit entry."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.core.notifications import address_changed, publish_on_commit
from sightline.core.rows import rows_insert
from sightline.core.transactions import service_atomic
from sightline.people.addresses import same_address
from sightline.people.identifiers import (
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)
from sightline.people.models import (
    Address,
    BreakGlass,
    Involvement,
    Person,
    PersonName,
    Sex,
    SourceRecord,
)
from sightline.people.names import name_key

Actor = User | str


def _check_person(
    *,
    kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    expected_date_of_birth: dt.date | None,
    nhs_number: str,
    upn: str,
    sex: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not (given_name.strip() or family_name.strip()) and kind != Person.Kind.UNBORN:
        errors.setdefault("given_name", []).append("Enter at least a first name or a last name")
    if date_of_birth and date_of_birth > today:
        errors.setdefault("date_of_birth", []).append("Date of birth must be today or in the past")
    if date_of_birth and date_of_birth.year < 1900:
        errors.setdefault("date_of_birth", []).append("Date of birth must be after 1900")
    if kind == Person.Kind.UNBORN:
        if date_of_birth:
            errors.setdefault("date_of_birth", []).append(
                "An unborn child has an expected date of birth, not a date of birth"
            )
        if expected_date_of_birth and expected_date_of_birth < today - dt.timedelta(days=60):
            errors.setdefault("expected_date_of_birth", []).append(
                "Expected date of birth is too far in the past: record the child as born"
            )
    elif expected_date_of_birth:
        errors.setdefault("expected_date_of_birth", []).append(
            "Only an unborn child has an expected date of birth"
        )
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            errors.setdefault("nhs_number", []).extend(error.messages)
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            errors.setdefault("upn", []).extend(error.messages)
    if sex and sex not in Sex.values:
        errors.setdefault("sex", []).append("Sex must be F, M or U")
    return errors


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def new_child_problems(
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: dt.date | None = None,
    expected_date_of_birth: dt.date | None = None,
    sex: str | None = None,
    nhs_number: str | None = None,
    upn: str | None = None,
    address: dict[str, Any] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a child described for the first time cannot be recorded as given (None:
    nothing wrong), all at once. A child is under 18: a date of birth 18 or more years ago is
    an adult's. A child not yet born has an expected date of birth (recorded as an unborn
    child), never a date of birth in the future. A value not given is not judged."""
    today = timezone.localdate()
    unborn = expected_date_of_birth is not None
    errors = _check_person(
        kind=Person.Kind.UNBORN if unborn else Person.Kind.CHILD,
        given_name=given_name if given_name is not None else "-",
        family_name=family_name or "",
        date_of_birth=None,  # judged below, with a child's words
        expected_date_of_birth=expected_date_of_birth,
        nhs_number=normalise_nhs_number(nhs_number or ""),
        upn=(upn or "").strip().upper(),
        sex=sex or "",
    )
    if date_of_birth is not None:
        if unborn:
            errors["date_of_birth"] = [
                "Give either a date of birth or an expected date of birth, not both: an unborn "
                "child has only an expected date"
            ]
        elif date_of_birth > today:
            errors["date_of_birth"] = [
                f"Date of birth {_long_date(date_of_birth)} is in the future: for a child not "
                "yet born, leave the date of birth blank and give the expected date of birth"
            ]
        elif date_of_birth.year < 1900:
            errors["date_of_birth"] = ["Date of birth must be after 1900"]
        else:
            years = today.year - date_of_birth.year
            if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
                years -= 1
            if years >= 18:
                errors["date_of_birth"] = [
                    f"Someone born on {_long_date(date_of_birth)} is {years}: a child is under "
                    "18. Check the date of birth, or report a concern about a child instead"
                ]
    if unborn and expected_date_of_birth is not None:
        if expected_date_of_birth > today + dt.timedelta(weeks=44):
            errors.setdefault("expected_date_of_birth", []).append(
                "The expected date of birth is more than 44 weeks away: check the date"
            )
        if sex and sex != Sex.UNKNOWN:
            errors.setdefault("sex", []).append(
                "An unborn child's sex is recorded as not known until the child is born"
            )
    if address and address.get("postcode"):
        try:
            validate_postcode(address["postcode"])
        except ValidationError as error:
            errors.setdefault("postcode", []).extend(error.messages)
    return ValidationError(errors) if errors else None  # type: ignore[arg-type]


class _Written(threading.local):
    count = 0


_written = _Written()


def people_written() -> int:
    """How many persons and source records this thread has added: when it has not changed,
    nothing was added meanwhile (the linkage index asks, to skip looking)."""
    return _written.count


@service_atomic
def person_create(
    *,
    actor: Actor,
    given_name: str = "",
    family_name: str = "",
    kind: str = Person.Kind.CHILD,
    date_of_birth: dt.date | None = None,
    expected_date_of_birth: dt.date | None = None,
    sex: str = Sex.UNKNOWN,
    nhs_number: str = "",
    upn: str = "",
    ethnicity: str = "",
    address: dict[str, Any] | None = None,
    address_source: Agency | None = None,
) -> Person:
    nhs_number = normalise_nhs_number(nhs_number)
    upn = (upn or "").strip().upper()
    errors = _check_person(
        kind=kind,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        nhs_number=nhs_number,
        upn=upn,
        sex=sex,
    )
    if address and address.get("postcode"):
        try:
            validate_postcode(address["postcode"])
        except ValidationError as error:
            errors.setdefault("postcode", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    person = Person(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex or Sex.UNKNOWN,
        nhs_number=nhs_number,
        upn=upn,
        ethnicity=ethnicity,
        given_name_key=name_key(given_name),
        family_name_key=name_key(family_name),
    )
    rows_insert([person])
    _written.count += 1
    audit.record_change(actor=actor, action="person.created", target=person, person_id=person.pk)
    if address and (address.get("line") or address.get("postcode")):
        _address_insert(
            actor=actor,
            person=person,
            line=address.get("line", ""),
            town=address.get("town", ""),
            postcode=normalise_postcode(address.get("postcode", "")),
            moved_in=address.get("moved_in") or timezone.localdate(),
            source=address_source,
        )
    return person


@transaction.atomic
def person_name_add(
    *,
    actor: Actor,
    person: Person,
    given_name: str,
    family_name: str,
    kind: str = PersonName.Kind.ALIAS,
) -> PersonName:
    other = PersonName.objects.create(
        person=person,
        given_name=given_name,
        family_name=family_name,
        kind=kind,
        given_name_key=name_key(given_name),
        family_name_key=name_key(family_name),
    )
    audit.record_change(actor=actor, action="person.name_added", target=person, person_id=person.pk)
    return other


@service_atomic
def address_add(
    *,
    actor: Actor,
    person: Person,
    line: str,
    postcode: str,
    town: str = "",
    moved_in: dt.date | None = None,
    source: Agency | None = None,
    keep_newer: bool = False,
) -> Address:
    """Record a new current address; the previous current address ends the day before.

    `keep_newer`: when the current address dates from after `moved_in`, keep it (an older
    report must not undo a newer move) and return it."""
    moved_in = moved_in or timezone.localdate()
    postcode = normalise_postcode(postcode)
    current = person.addresses.filter(moved_out__isnull=True).first()
    if current and same_address(current.line, current.postcode, line, postcode):
        return current
    if keep_newer and current and current.moved_in and current.moved_in > moved_in:
        return current
    person.addresses.filter(moved_out__isnull=True).update(
        moved_out=moved_in - dt.timedelta(days=1)
    )
    return _address_insert(
        actor=actor,
        person=person,
        line=line,
        town=town,
        postcode=postcode,
        moved_in=moved_in,
        source=source,
    )


@service_atomic
def address_move(
    *,
    actor: Actor,
    person: Person,
    line: str,
    postcode: str,
    town: str = "",
    moved_in: dt.date,
    source: Agency | None = None,
) -> bool:
    """`address_add` with `keep_newer`, for reports of where someone lives (a feed names an
    address with most people): whether they moved. Looking first takes one plain query, and
    most reports name the address already held.

    The report becomes the current address only when it is not older than the address held
    and names a really different address: another agency's copy of the same address with the
    street misspelt (same house number and postcode) leaves the address held as it is."""
    postcode = normalise_postcode(postcode)
    current = _current_address(person.pk)
    if current is not None:
        held_line, held_postcode, held_since = current
        if same_address(held_line, held_postcode, line, postcode):
            return False
        if held_since is not None and held_since > moved_in:
            return False
        # What address_add would do with keep_newer, knowing what it would look up.
        table = Address._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET moved_out = %s "  # noqa: S608 (the table's name)
                "WHERE person_id = %s AND moved_out IS NULL",
                [connection.ops.adapt_datefield_value(moved_in - dt.timedelta(days=1)), person.pk],
            )
    _address_insert(
        actor=actor,
        person=person,
        line=line,
        town=town,
        postcode=postcode,
        moved_in=moved_in,
        source=source,
    )
    return True


def _current_address(person_id: int) -> tuple[str, str, dt.date | None] | None:
    """(line, postcode, moved in) of the person's current address, as `address_add` finds it
    (the model's ordering), in one plain query."""
    table = Address._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT line, postcode, moved_in FROM {table} "  # noqa: S608 (the table's name)
            "WHERE person_id = %s AND moved_out IS NULL "
            "ORDER BY moved_in DESC, created_at DESC LIMIT 1",
            [person_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    line, postcode, since = row
    if isinstance(since, str):  # SQLite hands dates back as text
        since = dt.date.fromisoformat(since[:10])
    return line, postcode, since


def _address_insert(
    *,
    actor: Actor,
    person: Person,
    line: str,
    town: str,
    postcode: str,
    moved_in: dt.date,
    source: Agency | None,
) -> Address:
    """Record an address as the person's current one (they have no other)."""
    address = Address(
        person=person, line=line, town=town, postcode=postcode, moved_in=moved_in, source=source
    )
    address.normalise()  # what `Address.save()` does, which rows_insert does not call
    rows_insert([address])
    audit.record_change(
        actor=actor, action="person.address_added", target=address, person_id=person.pk
    )
    publish_on_commit(address_changed, person_id=person.pk)
    return address


@service_atomic
def source_record_link(
    *,
    actor: Actor,
    person: Person,
    agency: Agency,
    record_id: str,
    new: bool = False,
    **as_recorded: Any,
) -> SourceRecord:
    """Link an agency's own record of a person to them (idempotent). `new`: the caller has
    just found no such record in this transaction, so it is added without looking again."""
    if new:
        record = SourceRecord(agency=agency, record_id=record_id, person=person, **as_recorded)
        rows_insert([record])
        created = True
    else:
        record, created = SourceRecord.objects.get_or_create(
            agency=agency, record_id=record_id, defaults={"person": person, **as_recorded}
        )
    if created:
        _written.count += 1
        audit.record_change(
            actor=actor, action="source_record.linked", target=record, person_id=person.pk
        )
    return record


def social_care_agency() -> Agency:
    """The local authority children's social care agency that runs the front door."""
    code = getattr(settings, "FRONT_DOOR_AGENCY_CODE", "csc")
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = Agency.objects.filter(kind=Agency.Kind.SOCIAL_CARE).order_by("pk").first()
    if agency is None:
        raise ValidationError(
            "No children's social care agency is registered: add one with "
            "`sightline agency add csc --name ... --kind social_care`."
        )
    return agency


@service_atomic
def person_ensure_social_care_record(*, actor: Actor, person: Person) -> SourceRecord:
    """Give the person a local authority child ID the first time social care hears of them."""
    agency = social_care_agency()
    existing = person.source_records.filter(agency=agency).first()
    if existing:
        return existing
    return source_record_link(
        actor=actor,
        person=person,
        agency=agency,
        record_id=f"LA{person.pk:08d}",
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
    )


@transaction.atomic
def involvement_start(
    *,
    actor: Actor,
    person: Person,
    agency: Agency,
    role: str,
    user: User | None = None,
    team: Any = None,
    started: dt.date | None = None,
) -> Involvement:
    existing = Involvement.objects.filter(
        person=person, agency=agency, user=user, team=team, role=role, ended__isnull=True
    ).first()
    if existing:
        return existing
    involvement = Involvement.objects.create(
        person=person,
        agency=agency,
        user=user,
        team=team,
        role=role,
        started=started or timezone.localdate(),
    )
    audit.record_change(
        actor=actor, action="involvement.started", target=involvement, person_id=person.pk
    )
    return involvement


@transaction.atomic
def break_glass_open(*, actor: User, person: Person, reason: str) -> BreakGlass:
    """Open a record without a working relationship: the reason is recorded and reported."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": "Say why you need to open this record (at least 10 characters)"}
        )
    now = timezone.now()
    grant = BreakGlass.objects.create(
        user=actor,
        person=person,
        reason=reason[:2000],
        granted_at=now,
        expires_at=now + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    audit.record(
        actor=actor,
        kind=audit.Kind.BREAK_GLASS,
        action="person.break_glass",
        target=person,
        person_id=person.pk,
        reason=reason,
    )
    return grant
