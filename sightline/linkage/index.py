"""The linkage index: every source record (and every person with none) cleaned for matching,
with the blocking queries that find a new record's candidates cheaply."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q

from sightline.core.rows import rows_insert, rows_read
from sightline.linkage.features import Features, dob_variants, features_of, given_variants
from sightline.linkage.models import LinkageRecord, PersonChange
from sightline.linkage.scoring import TermFrequencies
from sightline.people.models import Address, Person, SourceRecord
from sightline.people.names import name_key

CATCH_UP_WINDOW = 500  # recent ids re-checked, so rows committed out of order are not missed


def _row_fields(features: Features) -> dict[str, object]:
    return {
        "given": features.given[:100],
        "family": features.family[:100],
        "given_key": features.given_key,
        "family_key": features.family_key,
        "dob": features.dob,
        "birth_year": int(features.dob[:4]) if features.dob else None,
        "sex": features.sex,
        "nhs": features.nhs,
        "upn": features.upn,
        "postcode": features.postcode,
        "addr": features.addr[:60],
    }


def record_features(record: SourceRecord) -> Features:
    return features_of(
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        nhs_number=record.nhs_number,
        upn=record.upn,
        postcode=record.postcode,
        address_line=record.address_line,
    )


def person_features(person: Person, address: Address | None = None) -> Features:
    return features_of(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nhs_number=person.nhs_number,
        upn=person.upn,
        postcode=address.postcode if address else "",
        address_line=address.line if address else "",
    )


def row_features(row: LinkageRecord) -> Features:
    return row_features_of(
        row.given, row.family, row.dob, row.sex, row.nhs, row.upn, row.postcode, row.addr
    )


@lru_cache(maxsize=65536)
def row_features_of(
    given: str, family: str, dob: str, sex: str, nhs: str, upn: str, postcode: str, addr: str
) -> Features:
    """The features of an index row from its columns (rows recur: cached)."""
    from sightline.linkage.features import postcode_parts

    full, sector, district = postcode_parts(postcode)
    return Features(
        given=given,
        family=family,
        given_variants=given_variants(given),
        dob=dob,
        sex=sex,
        nhs=nhs,
        upn=upn,
        postcode=full,
        sector=sector,
        district=district,
        addr=addr,
    )


def index_record(record: SourceRecord, features: Features | None = None) -> LinkageRecord:
    features = features or record_features(record)
    row, _ = LinkageRecord.objects.update_or_create(
        source_record=record, defaults={"person_id": record.person_id, **_row_fields(features)}
    )
    return row


def index_new_record(record: SourceRecord, features: Features) -> None:
    """Index a source record just created (one insert; a row someone else added for the same
    record meanwhile is kept: it was made from the same record)."""
    row = LinkageRecord(source_record=record, person_id=record.person_id, **_row_fields(features))
    rows_insert([row], ignore_conflicts=True)


def index_person(person: Person) -> LinkageRecord:
    address = person.addresses.filter(moved_out__isnull=True).first()
    row, _ = LinkageRecord.objects.update_or_create(
        person_row_for=person,
        defaults={"person_id": person.pk, **_row_fields(person_features(person, address))},
    )
    return row


@dataclass
class CatchUpMarks:
    """The newest source record and person ids known to be indexed (see `index_catch_up`)."""

    record: int = 0
    person: int = 0


def newest_ids() -> CatchUpMarks:
    """The newest source record and person ids, in one query (each an index lookup)."""
    records, persons = SourceRecord._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {records}), (SELECT MAX(id) FROM {persons})"  # noqa: S608
        )
        record, person = cursor.fetchone()
    return CatchUpMarks(record or 0, person or 0)


def index_catch_up(after: CatchUpMarks | None = None) -> int:
    """Index source records and record-less persons written by other apps since last time.

    Rows up to `CATCH_UP_WINDOW` ids below the newest indexed ones are checked again, so rows
    committed out of order are not missed. Each lookup is an index range (no table scan).
    `after`: every row up to these ids is known to be indexed (a resolution session's marks,
    inside its transaction), so only newer ones are looked at.
    """
    done = 0
    if after is not None:
        since = after.record
    else:
        last_record = LinkageRecord.objects.aggregate(m=Max("source_record_id"))["m"] or 0
        since = max(last_record - CATCH_UP_WINDOW, 0)
    index, records = LinkageRecord._meta.db_table, SourceRecord._meta.db_table
    for record in rows_read(
        SourceRecord,
        f"id > %s AND id NOT IN (SELECT source_record_id FROM {index} "  # noqa: S608 (names)
        "WHERE source_record_id > %s) ORDER BY id",
        [since, since],
    ):
        index_new_record(record, record_features(record))
        done += 1
    if after is not None:
        since = after.person
    else:
        last_person = LinkageRecord.objects.aggregate(m=Max("person_id"))["m"] or 0
        since = max(last_person - CATCH_UP_WINDOW, 0)
    persons = Person._meta.db_table
    changes = PersonChange._meta.db_table
    # In id order: ordered by name, SQLite would walk the whole table in name order. A person
    # merged into another has no source records left, and is nobody to match against.
    for person in rows_read(
        Person,
        f"id > %s AND NOT EXISTS (SELECT 1 FROM {records} s "  # noqa: S608 (names)
        f"WHERE s.person_id = {persons}.id) "
        f"AND id NOT IN (SELECT person_id FROM {index} WHERE person_id > %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {changes} c WHERE c.from_person_id = {persons}.id "
        "AND c.kind = %s AND c.undone_at IS NULL) ORDER BY id",
        [since, since, PersonChange.Kind.MERGE],
    ):
        index_person(person)
        done += 1
    return done


def index_rebuild(*, batch_size: int = 2000) -> int:
    """Drop and rebuild the whole index from source records and record-less persons."""
    LinkageRecord.objects.all().delete()
    rows: list[LinkageRecord] = []
    count = 0
    for record in SourceRecord.objects.order_by("pk").iterator(chunk_size=batch_size):
        rows.append(
            LinkageRecord(
                source_record=record,
                person_id=record.person_id,
                **_row_fields(record_features(record)),  # type: ignore[arg-type]
            )
        )
        if len(rows) >= batch_size:
            LinkageRecord.objects.bulk_create(rows)
            count += len(rows)
            rows = []
    LinkageRecord.objects.bulk_create(rows)
    count += len(rows)
    merged_away = PersonChange.objects.filter(
        kind=PersonChange.Kind.MERGE, undone_at__isnull=True
    ).values("from_person_id")
    for person in (
        Person.objects.filter(source_records__isnull=True)
        .exclude(pk__in=merged_away)
        .order_by("pk")
    ):
        index_person(person)
        count += 1
    return count


def index_move(*, record_ids: Iterable[int], person: Person) -> None:
    LinkageRecord.objects.filter(source_record_id__in=list(record_ids)).update(person=person)


# --- Blocking ------------------------------------------------------------------------------

MAX_CANDIDATE_ROWS = 2000


def _candidate_rules(features: Features, date_of_birth: dt.date | None) -> Q:
    given_keys = {name_key(v) for v in features.given_variants} - {""}
    rules = Q(pk__in=[])
    dobs = [d.isoformat() for d in dob_variants(date_of_birth)]
    if dobs:
        rules |= Q(dob__in=dobs)
    family_key = features.family_key
    if family_key and given_keys:
        rules |= Q(family_key=family_key, given_key__in=given_keys)
    if family_key and features.dob:
        rules |= Q(family_key=family_key, birth_year=int(features.dob[:4]))
    if features.postcode and given_keys:
        rules |= Q(postcode=features.postcode, given_key__in=given_keys)
    if features.postcode and family_key:
        rules |= Q(postcode=features.postcode, family_key=family_key)
    if features.addr and features.given:  # as the batch's "same street line and initial"
        rules |= Q(addr=features.addr, given__startswith=features.given[0])
    if features.addr and family_key:
        rules |= Q(addr=features.addr, family_key=family_key)
    if features.nhs:
        rules |= Q(nhs=features.nhs)
    if features.upn:
        rules |= Q(upn=features.upn)
    return rules


def candidate_rows(features: Features, date_of_birth: dt.date | None) -> list[LinkageRecord]:
    """Rows that share a cheap key with the record: any one rule is enough.

    Same date of birth (or day and month swapped); same family-name sound and a first-name
    sound (nicknames included); same family-name sound and birth year; same postcode and
    first-name or family-name sound; same street line and first initial or family-name
    sound; same NHS number or UPN.
    """
    rules = _candidate_rules(features, date_of_birth)
    return list(LinkageRecord.objects.filter(rules)[:MAX_CANDIDATE_ROWS])


# What `candidate_values` gives for each row, in this order.
CANDIDATE_COLUMNS = (
    "id",
    "person_id",
    "source_record_id",
    "given",
    "family",
    "dob",
    "sex",
    "nhs",
    "upn",
    "postcode",
    "addr",
)


def _candidate_where(
    features: Features, date_of_birth: dt.date | None
) -> tuple[list[str], list[object]]:
    """`_candidate_rules` as SQL: the rules (any one is enough) and their parameters."""
    given_keys = sorted({name_key(v) for v in features.given_variants} - {""})
    rules: list[str] = []
    params: list[object] = []

    def rule(sql: str, *values: object) -> None:
        rules.append(sql)
        params.extend(values)

    def marks(values: Sequence[object]) -> str:
        return ", ".join(["%s"] * len(values))

    dobs = [d.isoformat() for d in dob_variants(date_of_birth)]
    if dobs:
        rule(f"dob IN ({marks(dobs)})", *dobs)
    family_key = features.family_key
    if family_key and given_keys:
        rule(f"(family_key = %s AND given_key IN ({marks(given_keys)}))", family_key, *given_keys)
    if family_key and features.dob:
        rule("(family_key = %s AND birth_year = %s)", family_key, int(features.dob[:4]))
    if features.postcode and given_keys:
        rule(
            f"(postcode = %s AND given_key IN ({marks(given_keys)}))",
            features.postcode,
            *given_keys,
        )
    if features.postcode and family_key:  # as the batch's "same family and postcode"
        rule("(postcode = %s AND family_key = %s)", features.postcode, family_key)
    if features.addr and features.given:  # no birthday, a slip in a name: the street line
        rule("(addr = %s AND substr(given, 1, 1) = %s)", features.addr, features.given[0])
    if features.addr and family_key:
        rule("(addr = %s AND family_key = %s)", features.addr, family_key)
    if features.nhs:
        rule("nhs = %s", features.nhs)
    if features.upn:
        rule("upn = %s", features.upn)
    return rules, params


def candidate_values(
    features: Features,
    date_of_birth: dt.date | None,
    *,
    at_least: tuple[str, list[object], float] | None = None,
) -> list[tuple[int, int, int | None, str, str, str, str, str, str, str, str]]:
    """The same rows as `candidate_rows`, as plain tuples of `CANDIDATE_COLUMNS` (no model
    instances: a common name blocks hundreds of rows).

    `at_least` (SQL expression, its parameters, a minimum) keeps only the rows whose
    expression reaches the minimum, before the cap on the number of rows. Written as SQL
    directly: it runs for every new record of a feed, and building it through the ORM cost
    more than running it.
    """
    rules, where_params = _candidate_where(features, date_of_birth)
    params: list[Any] = list(where_params)
    if not rules:
        return []
    table = LinkageRecord._meta.db_table
    columns = ", ".join(CANDIDATE_COLUMNS)
    where = " OR ".join(rules)
    if at_least is not None:
        expression, reach_params, minimum = at_least
        where = f"({where}) AND ({expression}) >= %s"
        params = [*params, *reach_params, minimum]
    sql = f"SELECT {columns} FROM {table} WHERE {where} LIMIT {MAX_CANDIDATE_ROWS}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def holder_values(
    column: str, value: str
) -> list[tuple[int, int, int | None, str, str, str, str, str, str, str, str]]:
    """Every index row of everyone holding an identifier (`column` "nhs" or "upn"), as
    `candidate_values` gives rows: usually one person's few, in one plain query."""
    if column not in ("nhs", "upn"):
        raise ValueError(f"not an identifier column: {column!r}")
    table = LinkageRecord._meta.db_table
    columns = ", ".join(CANDIDATE_COLUMNS)
    sql = (
        f"SELECT {columns} FROM {table} WHERE person_id IN "  # noqa: S608 (names)
        f"(SELECT person_id FROM {table} WHERE {column} = %s) ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return cursor.fetchall()


# --- Term frequencies ----------------------------------------------------------------------


@dataclass
class _TfCache:
    value: TermFrequencies | None = None
    at: float = 0.0


_tf_cache = _TfCache()


def term_frequencies(*, refresh: bool = False) -> TermFrequencies | None:
    """Name frequencies among the indexed records, cached for a few minutes.

    None below `LINKAGE_TF_MIN_RECORDS` records: with little data, frequencies say nothing
    and the model's own u probabilities are used.
    """
    ttl = getattr(settings, "LINKAGE_TF_CACHE_SECONDS", 600)
    if not refresh and _tf_cache.at and time.monotonic() - _tf_cache.at < ttl:
        return _tf_cache.value
    total = LinkageRecord.objects.count()
    value = None
    if total >= getattr(settings, "LINKAGE_TF_MIN_RECORDS", 2000):
        given = Counter(dict(_counts("given")))
        family = Counter(dict(_counts("family")))
        value = TermFrequencies(given=given, family=family, total=total)
    _tf_cache.value, _tf_cache.at = value, time.monotonic()
    return value


def _counts(column: str) -> Iterable[tuple[str, int]]:
    from django.db.models import Count

    return (
        LinkageRecord.objects.exclude(**{column: ""})
        .values_list(column)
        .annotate(n=Count("id"))
        .values_list(column, "n")
    )


def forget_term_frequencies() -> None:
    _tf_cache.value, _tf_cache.at = None, 0.0
