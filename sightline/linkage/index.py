"""The linkage index: every source record (and every person with none) cleaned for matching,
with the blocking queries that find a new record's candidates cheaply."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q

from sightline.linkage.features import Features, dob_variants, features_of, given_variants
from sightline.linkage.models import LinkageRecord
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
    from sightline.linkage.features import postcode_parts

    full, sector, district = postcode_parts(row.postcode)
    return Features(
        given=row.given,
        family=row.family,
        given_variants=given_variants(row.given),
        dob=row.dob,
        sex=row.sex,
        nhs=row.nhs,
        upn=row.upn,
        postcode=full,
        sector=sector,
        district=district,
        addr=row.addr,
    )


def index_record(record: SourceRecord, features: Features | None = None) -> LinkageRecord:
    features = features or record_features(record)
    row, _ = LinkageRecord.objects.update_or_create(
        source_record=record, defaults={"person_id": record.person_id, **_row_fields(features)}
    )
    return row


def index_person(person: Person) -> LinkageRecord:
    address = person.addresses.filter(moved_out__isnull=True).first()
    row, _ = LinkageRecord.objects.update_or_create(
        person_row_for=person,
        defaults={"person_id": person.pk, **_row_fields(person_features(person, address))},
    )
    return row


def index_catch_up() -> int:
    """Index source records and record-less persons written by other apps since last time."""
    done = 0
    last = LinkageRecord.objects.aggregate(record=Max("source_record_id"), person=Max("person_id"))
    since = max((last["record"] or 0) - CATCH_UP_WINDOW, 0)
    indexed = set(
        LinkageRecord.objects.filter(source_record_id__gt=since).values_list(
            "source_record_id", flat=True
        )
    )
    for record in SourceRecord.objects.filter(pk__gt=since).exclude(pk__in=indexed):
        index_record(record)
        done += 1
    since = max((last["person"] or 0) - CATCH_UP_WINDOW, 0)
    covered = set(
        LinkageRecord.objects.filter(person_id__gt=since).values_list("person_id", flat=True)
    )
    for person in Person.objects.filter(pk__gt=since, source_records__isnull=True).exclude(
        pk__in=covered
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
    for person in Person.objects.filter(source_records__isnull=True).order_by("pk"):
        index_person(person)
        count += 1
    return count


def index_move(*, record_ids: Iterable[int], person: Person) -> None:
    LinkageRecord.objects.filter(source_record_id__in=list(record_ids)).update(person=person)


# --- Blocking ------------------------------------------------------------------------------

MAX_CANDIDATE_ROWS = 2000


def candidate_rows(features: Features, date_of_birth: dt.date | None) -> list[LinkageRecord]:
    """Rows that share a cheap key with the record: any one rule is enough.

    Same date of birth (or day and month swapped); same family-name sound and a first-name
    sound (nicknames included); same family-name sound and birth year; same postcode and
    first-name sound; same NHS number or UPN.
    """
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
    if features.nhs:
        rules |= Q(nhs=features.nhs)
    if features.upn:
        rules |= Q(upn=features.upn)
    return list(LinkageRecord.objects.filter(rules)[:MAX_CANDIDATE_ROWS])


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
