"""Merges and splits of persons. Each keeps the ids of every row it moved, so it can be undone.

A merge moves everything of one person (source records, chronology participants, addresses,
other names, household memberships, relationships, involvements) to the survivor and keeps
the merged person's row, retired: `sightline.linkage.merges.retired_person_ids` lists such
rows so lists of people can leave them out. The merged person's current address becomes the
survivor's only when it is newer and really another address (`same_address`); otherwise it
joins the survivor's history. A split moves some source records (and the chronology entries
their agency sent) to a new person. An automatic link (a source record the linkage model put
on an existing person) is recorded too: undoing it splits the record off to a new person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.listeners import entries_moved
from sightline.chronology.models import Participant
from sightline.core import audit
from sightline.linkage.index import index_move
from sightline.linkage.merges import person_retired
from sightline.linkage.models import LinkageRecord, PersonChange
from sightline.people.addresses import same_address
from sightline.people.models import (
    Address,
    HouseholdMember,
    Involvement,
    Person,
    PersonName,
    Relationship,
    SourceRecord,
)
from sightline.people.names import name_key

Actor = User | str

# (label in PersonChange.moved, model, field pointing at the person, fields unique with it)
MOVABLE: tuple[tuple[str, type[models.Model], str, tuple[str, ...]], ...] = (
    ("people.sourcerecord", SourceRecord, "person", ()),
    ("chronology.participant", Participant, "person", ("event_id", "role")),
    ("people.address", Address, "person", ()),
    ("people.personname", PersonName, "person", ()),
    ("people.householdmember", HouseholdMember, "person", ()),
    ("people.involvement", Involvement, "person", ()),
    ("people.relationship", Relationship, "person", ("relative_id", "kind")),
    ("people.relationship:relative", Relationship, "relative", ("person_id", "kind")),
)
FILLABLE = ("nhs_number", "upn", "date_of_birth", "given_name", "family_name", "ethnicity")


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _label(actor: Actor) -> str:
    return audit._label(actor)[:200]


def _retired(person: Person) -> bool:
    return person_retired(person.pk)


def _move_rows(
    model: type[models.Model], field: str, unique_with: tuple[str, ...], rows: Any, to: Person
) -> list[int]:
    """Point `rows` at `to`, skipping any that would duplicate a row `to` already has."""
    moved: list[int] = []
    if unique_with:
        taken = set(model._default_manager.filter(**{field: to}).values_list(*unique_with))
        for pk, *key in rows.values_list("pk", *unique_with):
            # a relationship between the two persons would become one with itself: leave it
            if tuple(key) in taken or (model is Relationship and key[0] == to.pk):
                continue
            moved.append(pk)
    else:
        moved = list(rows.values_list("pk", flat=True))
    model._default_manager.filter(pk__in=moved).update(**{field: to})
    return moved


@transaction.atomic
def person_merge(*, actor: Actor, survivor: Person, merged: Person, reason: str) -> PersonChange:
    """Merge `merged` into `survivor`: one person from now on, undoable."""
    if survivor.pk == merged.pk:
        raise ValidationError("A person cannot be merged with themselves.")
    if _retired(survivor) or _retired(merged):
        raise ValidationError("One of these persons has already been merged into another.")
    kept, arriving = _current_address(survivor), _current_address(merged)
    moved: dict[str, list[int]] = {}
    for label, model, field, unique_with in MOVABLE:
        rows = model._default_manager.filter(**{field: merged})
        moved[label] = _move_rows(model, field, unique_with, rows, survivor)
    filled: dict[str, Any] = {}
    for name in FILLABLE:
        if not getattr(survivor, name) and getattr(merged, name):
            filled[name] = str(getattr(merged, name))
            setattr(survivor, name, getattr(merged, name))
    if survivor.sex == "U" and merged.sex != "U":
        filled["sex"] = merged.sex
        survivor.sex = merged.sex
    if filled:
        survivor.given_name_key = name_key(survivor.given_name)
        survivor.family_name_key = name_key(survivor.family_name)
        survivor.save()
    index_move(record_ids=moved["people.sourcerecord"], person=survivor)
    LinkageRecord.objects.filter(person_row_for=merged).update(person=survivor)
    ended = _one_current_address(kept, arriving)
    change = PersonChange.objects.create(
        kind=PersonChange.Kind.MERGE,
        from_person=merged,
        to_person=survivor,
        moved=moved,
        filled=filled,
        ended={"people.address": ended} if ended else {},
        reason=reason,
        made_by=_user(actor),
        made_by_label=_label(actor),
        made_at=timezone.now(),
    )
    detail = {
        "change": change.pk,
        "merged": merged.pk,
        "survivor": survivor.pk,
        "reason": reason,
        "moved": {k: len(v) for k, v in moved.items()},
    }
    audit.record_change(
        actor=actor, action="person.merged", target=change, person_id=survivor.pk, detail=detail
    )
    audit.record_change(
        actor=actor, action="person.merged_away", target=change, person_id=merged.pk, detail=detail
    )
    entries_moved([survivor.pk, merged.pk])
    return change


def _current_address(person: Person) -> Address | None:
    return person.addresses.filter(moved_out__isnull=True).first()


def _one_current_address(kept: Address | None, arriving: Address | None) -> list[int]:
    """After a merge, one current address: the survivor's (`kept`) unless the merged person's
    (`arriving`) is newer and really another address. The other one ends (the day before the
    current one began, or on its own first day when it is a copy of the same address or no
    earlier day exists); returns the ids of the addresses ended, for undo."""
    if kept is None or arriving is None:
        return []
    newer = arriving.moved_in is not None and (
        kept.moved_in is None or arriving.moved_in > kept.moved_in
    )
    if newer and not same_address(kept.line, kept.postcode, arriving.line, arriving.postcode):
        current, ending = arriving, kept
    else:
        current, ending = kept, arriving
    end = current.moved_in - dt.timedelta(days=1) if current.moved_in else None
    if end is None or (ending.moved_in is not None and end < ending.moved_in):
        end = ending.moved_in or current.moved_in
    if end is None:
        end = timezone.localdate()
    Address.objects.filter(pk=ending.pk).update(moved_out=end)
    return [ending.pk]


@transaction.atomic
def person_split(
    *, actor: Actor, person: Person, records: Sequence[SourceRecord], reason: str
) -> PersonChange:
    """Move `records` from `person` to a new person, with the chronology entries they brought:
    the feed's entries that named the person by one of those records, and, for entries that
    do not say which record named them (recorded before that was kept), those their agencies
    sent when no other record of the same agency stays with `person`. Undoable."""
    records = [r for r in records if r.person_id == person.pk]
    if not records:
        raise ValidationError("None of these source records belongs to this person.")
    if len(records) == person.source_records.count():
        raise ValidationError("A split must leave the person at least one source record.")
    first = records[0]
    new = Person.objects.create(
        kind=person.kind,
        given_name=first.given_name,
        family_name=first.family_name,
        date_of_birth=first.date_of_birth,
        sex=first.sex if first.sex in {"F", "M"} else "U",
        nhs_number=next((r.nhs_number for r in records if r.nhs_number), ""),
        upn=next((r.upn for r in records if r.upn), ""),
        given_name_key=name_key(first.given_name),
        family_name_key=name_key(first.family_name),
    )
    record_ids = [r.pk for r in records]
    SourceRecord.objects.filter(pk__in=record_ids).update(person=new)
    staying_agencies = set(person.source_records.values_list("agency_id", flat=True))
    leaving_agencies = {r.agency_id for r in records} - staying_agencies
    participants = Participant.objects.filter(person=person).filter(
        Q(source_record_id__in=record_ids)
        | Q(source_record__isnull=True, event__source_id__in=leaving_agencies)
    )
    moved = {
        "people.sourcerecord": record_ids,
        "chronology.participant": _move_rows(
            Participant, "person", ("event_id", "role"), participants, new
        ),
    }
    index_move(record_ids=record_ids, person=new)
    change = PersonChange.objects.create(
        kind=PersonChange.Kind.SPLIT,
        from_person=person,
        to_person=new,
        moved=moved,
        reason=reason,
        made_by=_user(actor),
        made_by_label=_label(actor),
        made_at=timezone.now(),
    )
    audit.record_change(actor=actor, action="person.created", target=new, person_id=new.pk)
    audit.record_change(
        actor=actor,
        action="person.split",
        target=change,
        person_id=person.pk,
        detail={"change": change.pk, "new_person": new.pk, "records": record_ids, "reason": reason},
    )
    entries_moved([person.pk, new.pk])
    return change


@transaction.atomic
def person_change_undo(*, actor: Actor, change: PersonChange) -> PersonChange:
    """Move every row the merge or split moved back where it was; restore filled-in fields
    and reopen the addresses a merge ended. Undoing an automatic link splits its record off."""
    change = PersonChange.objects.select_for_update().get(pk=change.pk)
    if change.undone_at is not None:
        raise ValidationError("This change has already been undone.")
    if change.kind == PersonChange.Kind.LINK:
        return _link_undo(actor=actor, change=change)
    later = PersonChange.objects.filter(
        undone_at__isnull=True, made_at__gte=change.made_at, from_person=change.to_person
    ).exclude(pk=change.pk)
    if later.filter(kind=PersonChange.Kind.MERGE).exists():
        raise ValidationError(
            "The person has since been merged into another: undo that merge first."
        )
    back, here = change.from_person, change.to_person
    by_label = {label: (model, field) for label, model, field, _ in MOVABLE}
    for label, ids in change.moved.items():
        model, field = by_label[label]
        model._default_manager.filter(pk__in=ids, **{field: here}).update(**{field: back})
    if change.filled:
        for name in change.filled:
            setattr(here, name, "U" if name == "sex" else None if name == "date_of_birth" else "")
        here.given_name_key = name_key(here.given_name)
        here.family_name_key = name_key(here.family_name)
        here.save()
    Address.objects.filter(pk__in=change.ended.get("people.address", [])).update(moved_out=None)
    for pk, moved_out in change.ended.get("reopened", {}).items():  # a link's undo reopened it
        Address.objects.filter(pk=int(pk)).update(moved_out=dt.date.fromisoformat(moved_out))
    index_move(record_ids=change.moved.get("people.sourcerecord", []), person=back)
    LinkageRecord.objects.filter(person_row_for=back).update(person=back)
    _mark_undone(actor, change)
    detail = {"change": change.pk, "kind": change.kind}
    audit.record_change(
        actor=actor,
        action=f"person.{change.kind}_undone",
        target=change,
        person_id=here.pk,
        detail=detail,
    )
    audit.record_change(
        actor=actor,
        action=f"person.{change.kind}_undone",
        target=change,
        person_id=back.pk,
        detail=detail,
    )
    # A link decided in review that is undone no longer binds later rebuilds.
    from sightline.linkage.models import MatchCandidate

    MatchCandidate.objects.filter(change=change).update(
        status=MatchCandidate.Status.PENDING, change=None
    )
    entries_moved([back.pk, here.pk])
    return change


def _addresses_follow_record(*, change: PersonChange, split: PersonChange, agency_id: int) -> None:
    """The addresses the wrongly linked record's agency reported for the person since the
    link go with the record to its new person, and the address they ended is current again
    (when no other record of that agency stays, nobody else can have reported them). Kept in
    the split, so that undoing the split puts them back."""
    person, new = split.from_person, split.to_person
    if person.source_records.filter(agency_id=agency_id).exists():
        return
    reported = list(
        Address.objects.filter(person=person, source_id=agency_id, created_at__gte=change.made_at)
    )
    if not reported:
        return
    Address.objects.filter(pk__in=[a.pk for a in reported]).update(person=new)
    reopened: dict[str, str] = {}
    if not person.addresses.filter(moved_out__isnull=True).exists():
        ends = {a.moved_in - dt.timedelta(days=1) for a in reported if a.moved_in}
        previous = person.addresses.filter(moved_out__in=ends).first()  # the newest such
        if previous is not None and previous.moved_out is not None:
            reopened[str(previous.pk)] = previous.moved_out.isoformat()
            Address.objects.filter(pk=previous.pk).update(moved_out=None)
    split.moved = {**split.moved, "people.address": [a.pk for a in reported]}
    split.ended = {"reopened": reopened} if reopened else {}
    split.save(update_fields=["moved", "ended"])


def _mark_undone(actor: Actor, change: PersonChange) -> None:
    change.undone_at = timezone.now()
    change.undone_by = _user(actor)
    change.undone_by_label = _label(actor)
    change.save(update_fields=["undone_at", "undone_by", "undone_by_label"])


def _link_undo(*, actor: Actor, change: PersonChange) -> PersonChange:
    """Undo an automatic link: the record (wherever it is now) and the chronology entries it
    brought move to a new person of their own, by a split the merges page lists too."""
    record_ids = change.moved.get("people.sourcerecord", [])
    records = list(SourceRecord.objects.select_related("person").filter(pk__in=record_ids))
    if not records:
        raise ValidationError("The linked record no longer exists.")
    person = records[0].person
    if person.source_records.exclude(pk__in=record_ids).count() == 0:
        raise ValidationError(
            "The linked record is already the only record of its person: nothing to undo."
        )
    split = person_split(
        actor=actor,
        person=person,
        records=[r for r in records if r.person_id == person.pk],
        reason=f"Automatic link undone: {change.reason}",
    )
    _addresses_follow_record(change=change, split=split, agency_id=records[0].agency_id)
    _mark_undone(actor, change)
    detail = {"change": change.pk, "kind": change.kind, "split": split.pk}
    for person_id in (person.pk, split.to_person_id):
        audit.record_change(
            actor=actor,
            action="person.link_undone",
            target=change,
            person_id=person_id,
            detail=detail,
        )
    return change
