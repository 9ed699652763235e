"""Edits that cannot lose someone else's change: every edit form carries the version it was
read at, and a save over a newer version is refused with the other person's change shown.

One mechanism for every record with an edit form:

- the model has `Versioned` among its bases: an integer `version`, 1 when made;
- the form has `VersionedFormMixin` among its bases: a hidden `version` field carrying the
  version the page was read at (`initial={"version": record.version}`, or a ModelForm's
  instance); the view passes it to the service with the rest of the cleaned data;
- the service, inside its transaction and before it changes anything, calls
  `claim(record, version)`: one `UPDATE ... SET version = version + 1 WHERE id = %s AND
  version = %s`. The UPDATE also locks the row to the end of the transaction, so of two saves
  read at the same version exactly one finds it (on PostgreSQL the second waits for the first
  to commit, then matches no row; SQLite's IMMEDIATE transactions take turns). The other gets
  `StaleEdit`, a ValidationError that says who changed what, when, from what to what, read
  from the audit trail;
- the service records the edit with `record_edit`: the audit entry's detail is
  `{"changes": {field: [old, new]}, "version": n}`, with values JSON-safe (dates ISO, records
  by name), which is where the next `StaleEdit` finds what this edit changed.

A form shown again after `StaleEdit` keeps everything the user typed and carries the new
version (`GovukFormMixin.add_errors_from`), so checking and saving again works. A caller
without a version (the API, a command) passes None: nothing is compared, the version still
goes up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from sightline.core import audit
from sightline.core.models import AuditEntry
from sightline.core.working_days import LONDON

__all__ = [
    "StaleEdit",
    "Versioned",
    "VersionedFormMixin",
    "changes_between",
    "claim",
    "json_value",
    "record_edit",
]

_MESSAGE_START = "Someone else changed this record while you were editing"
_MESSAGE_END = "Your changes are below; check them and save again."
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LONGEST_VALUE = 80


class Versioned(models.Model):
    """A record edited through a form: `version` goes up by one with every edit."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class VersionedFormMixin:
    """A hidden `version` field: the version of the record the form was read at.

    With a ModelForm's `instance` the field starts at the instance's version; a plain form is
    given it in `initial`. Put the mixin before the form's base class.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.fields["version"] = forms.IntegerField(  # type: ignore[attr-defined]
            widget=forms.HiddenInput, required=False, min_value=1
        )
        instance = getattr(self, "instance", None)
        if instance is not None and getattr(instance, "pk", None):
            self.initial.setdefault("version", instance.version)  # type: ignore[attr-defined]


# --- Values as the audit trail keeps them --------------------------------------------------


def json_value(value: Any) -> Any:
    """A value as an edit's audit entry keeps it: dates ISO, records by name, sets sorted."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, LONDON).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet | models.Manager):
        items = value.all() if isinstance(value, models.Manager) else value
        return sorted((json_value(item) for item in items), key=str)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for each field of `new` whose value differs from `old`'s."""
    changes = {}
    for name, value in new.items():
        before, after = json_value(old.get(name)), json_value(value)
        if _blank(before) and _blank(after):
            continue
        if before != after:
            changes[name] = [before, after]
    return changes


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def record_edit(
    *,
    actor: Any,
    action: str,
    target: Versioned,
    changes: Mapping[str, list[Any]],
    person_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The audit entry of an edit: what changed, from what to what, and the version it made."""
    return audit.record_change(
        actor=actor,
        action=action,
        target=target,
        person_id=person_id,
        detail={**(detail or {}), "changes": dict(changes), "version": target.version},
    )


# --- Claiming the record -------------------------------------------------------------------


def claim(record: Versioned, version: int | None) -> None:
    """Inside the service's transaction: take the record's next version, or refuse with
    `StaleEdit` when someone else has saved since `version` was read.

    Call it before reading the record's values to compare or change: the UPDATE locks the row,
    so what is read after it is what the last save left. `record.version` is set to the new
    version (a later `record.save()` writes the same).
    """
    rows = type(record)._default_manager.filter(pk=record.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit.since(record, version or 0)
    record.version = (
        type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk)
    )


@dataclass(frozen=True)
class OtherChange:
    """One save by someone else: who, when, and each field's old and new value."""

    who: str
    at: dt.datetime
    changes: dict[str, list[Any]]


class StaleEdit(ValidationError):
    """A save over a version newer than the one the form was read at.

    `current` is the version to carry in the form shown again; `others` the saves made since,
    oldest first, as the audit trail recorded them. The message names fields by `labels`
    given to `describe` (a form's labels); by default by their names made readable.
    """

    def __init__(self, *, current: int, others: list[OtherChange]) -> None:
        self.current = current
        self.others = others
        super().__init__(self.describe())

    @classmethod
    def since(cls, record: Versioned, version: int) -> StaleEdit:
        current = (
            type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True)
        ).first()
        entries = AuditEntry.objects.filter(
            kind=AuditEntry.Kind.CHANGE,
            object_type=record._meta.label_lower,
            object_id=str(record.pk),
        ).order_by("-id")[:50]
        others = [
            OtherChange(
                who=_who(entry.actor_label),
                at=entry.at,
                changes=dict(entry.detail.get("changes") or {}),
            )
            for entry in reversed(list(entries))
            if isinstance(entry.detail, dict)
            and isinstance(entry.detail.get("version"), int)
            and entry.detail["version"] > version
            and isinstance(entry.detail.get("changes") or {}, dict)
        ]
        return cls(current=current or version, others=others)

    def describe(self, labels: Mapping[str, Any] | None = None) -> str:
        labels = labels or {}
        said = []
        for other in self.others:
            when = timezone.localtime(other.at, LONDON)
            moment = f"{when:%H:%M} on {when.day} {when:%B %Y}"
            if other.changes:
                what = "; ".join(
                    f"{_label(name, labels)} from {_shown(pair[0])} to {_shown(pair[1])}"
                    for name, pair in other.changes.items()
                    if isinstance(pair, list | tuple) and len(pair) == 2
                )
                said.append(f"{other.who} at {moment} changed {what}.")
            else:
                said.append(f"{other.who} saved it at {moment}.")
        if not said:
            return f"{_MESSAGE_START}. {_MESSAGE_END}"
        return f"{_MESSAGE_START}: {' '.join(said)} {_MESSAGE_END}"


def _who(label: str) -> str:
    return label or "Someone"


def _label(name: str, labels: Mapping[str, Any]) -> str:
    label = str(labels.get(name) or "").strip()
    if label:
        return label
    return name.replace("_", " ").strip().capitalize()


def _shown(value: Any) -> str:
    """A kept value as a page shows it: dates read "12 May 2026", nothing as "no answer"."""
    if _blank(value):
        return "no answer"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    text = str(value)
    if _ISO_DATE.match(text):
        day = dt.date.fromisoformat(text)
        return f"{day.day} {day:%B %Y}"
    text = " ".join(text.split())
    if len(text) > _LONGEST_VALUE:
        text = text[: _LONGEST_VALUE - 1].rstrip() + "…"
    return f"“{text}”"


def labels_of(fields: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """A form's field labels by name (for `StaleEdit.describe`)."""
    return {name: str(field.label or "") for name, field in fields}
