"""Who a merge retired, and whom a merged person now lives on as.

A merge keeps the merged person's row for history; undoing a split empties the person it made.
These reads answer for the linkage services, the person changes and the review pages alike
(they show no personal data and need no user), so that none of those imports another to ask.
"""

from __future__ import annotations

from django.db.models import Q

from sightline.linkage.models import PersonChange

__all__ = ["current_person_id", "person_retired", "retired_person_ids"]


def retired_person_ids() -> set[int]:
    """Persons merged into another (and not unmerged), or emptied by undoing a split.

    Their rows are kept for history; lists of people (`sightline people`) leave them out.
    """
    merged = Q(kind=PersonChange.Kind.MERGE, undone_at__isnull=True)
    return set(PersonChange.objects.filter(merged).values_list("from_person_id", flat=True)) | set(
        PersonChange.objects.filter(
            kind=PersonChange.Kind.SPLIT, undone_at__isnull=False
        ).values_list("to_person_id", flat=True)
    )


def person_retired(person_id: int) -> bool:
    """Whether `retired_person_ids()` holds this person, asked of their own changes only (a
    merge asks it of both persons; reading every retired id each time grew with the merges)."""
    return PersonChange.objects.filter(
        Q(kind=PersonChange.Kind.MERGE, undone_at__isnull=True, from_person_id=person_id)
        | Q(kind=PersonChange.Kind.SPLIT, undone_at__isnull=False, to_person_id=person_id)
    ).exists()


def current_person_id(person_id: int) -> int:
    """Follow merges: the person a (possibly merged) person now lives on as."""
    seen = {person_id}
    while True:
        survivor = (
            PersonChange.objects.filter(
                kind=PersonChange.Kind.MERGE, undone_at__isnull=True, from_person_id=person_id
            )
            .values_list("to_person_id", flat=True)
            .first()
        )
        if survivor is None or survivor in seen:
            return person_id
        seen.add(survivor)
        person_id = survivor
