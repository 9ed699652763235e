"""Inserting rows on hot paths (a feed batch) without the ORM's per-row query building.

`rows_insert` writes model instances of one model the way `bulk_create` does (the same
columns, defaults, `auto_now_add` stamps and database conversions, primary keys set from
`RETURNING`), but builds its statement from a per-model plan made once, and converts only the
fields whose values need it. It is for services that have already checked what they insert:
it calls no `save()` and sends no signals (none of its callers' models use either for more
than what the caller does itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

M = TypeVar("M", bound=models.Model)

# Fields whose Python values the database drivers take as they are.
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.SmallIntegerField,
    models.TextField,
)
_SQLITE_PARAMS = 999  # as Django's own batches on SQLite


@dataclass(frozen=True)
class _Plan:
    table: str
    pk_column: str
    pk_attname: str
    columns: tuple[str, ...]
    # (attname, convert or None, stamp on insert): a field's value as the database takes it
    fields: tuple[tuple[str, Callable[[Any, Any], Any] | None, models.Field | None], ...]


_plans: dict[tuple[type[models.Model], str, bool], _Plan] = {}


def _converter(field: models.Field) -> Callable[[Any, Any], Any] | None:
    """None when the driver takes the field's Python value as it is; else the conversion
    (value, connection): the backend's own adaptation for the usual values of dates, times and
    JSON, and Django's whole conversion for anything else."""
    if isinstance(field, _PLAIN):
        return None

    def convert(value: Any, conn: Any, field: models.Field = field) -> Any:
        return field.get_db_prep_save(value, conn)

    if isinstance(field, models.DateTimeField):

        def moment(value: Any, conn: Any) -> Any:
            if type(value) is dt.datetime and value.tzinfo is not None:
                return conn.ops.adapt_datetimefield_value(value)
            return convert(value, conn)

        return moment
    if isinstance(field, models.DateField):

        def day(value: Any, conn: Any) -> Any:
            if type(value) is dt.date:
                return conn.ops.adapt_datefield_value(value)
            return convert(value, conn)

        return day
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def document(value: Any, conn: Any) -> Any:
            if isinstance(value, dict | list):
                return conn.ops.adapt_json_value(value, encoder)
            return convert(value, conn)

        return document
    return convert


def _plan(model: type[models.Model], with_pk: bool) -> _Plan:
    key = (model, connection.vendor, with_pk)
    plan = _plans.get(key)
    if plan is None:
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        chosen = [f for f in meta.concrete_fields if with_pk or f is not pk]
        fields = tuple(
            (
                f.attname,
                _converter(f),
                f if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else None,
            )
            for f in chosen
        )
        plan = _Plan(
            table=connection.ops.quote_name(meta.db_table),
            pk_column=connection.ops.quote_name(pk.column or pk.attname),
            pk_attname=pk.attname,
            columns=tuple(connection.ops.quote_name(f.column or f.attname) for f in chosen),
            fields=fields,
        )
        _plans[key] = plan
    return plan


def rows_insert(objs: Sequence[models.Model], *, ignore_conflicts: bool = False) -> None:
    """Insert `objs` (instances of one model, none saved yet) in as few statements as the
    database allows. Their primary keys are set, unless `ignore_conflicts` (a row that
    conflicts with one already there is skipped, and no key is read back)."""
    if not objs:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # once: the `connection` proxy costs a lookup a use
    model = type(objs[0])
    with_pk = getattr(objs[0], model._meta.pk.attname) is not None  # type: ignore[union-attr]
    plan = _plan(model, with_pk)
    values: list[Any] = []
    for obj in objs:
        for attname, convert, stamp in plan.fields:
            value = getattr(obj, attname) if stamp is None else stamp.pre_save(obj, add=True)
            values.append(value if convert is None else convert(value, conn))
    width = len(plan.columns)
    per = max(1, _SQLITE_PARAMS // width) if conn.vendor == "sqlite" else 1000
    row = "(" + ", ".join(["%s"] * width) + ")"
    tail = ""
    if ignore_conflicts:
        tail = " ON CONFLICT DO NOTHING"
    elif not with_pk:
        tail = f" RETURNING {plan.pk_column}"
    head = f"INSERT INTO {plan.table} ({', '.join(plan.columns)}) VALUES "  # noqa: S608 (names)
    with conn.cursor() as cursor:
        for start in range(0, len(objs), per):
            chunk = objs[start : start + per]
            sql = head + ", ".join([row] * len(chunk)) + tail
            cursor.execute(sql, values[start * width : (start + len(chunk)) * width])
            if tail.startswith(" RETURNING"):
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    setattr(obj, plan.pk_attname, pk)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias


@dataclass(frozen=True)
class _ReadPlan:
    sql: str
    attnames: tuple[str, ...]
    # per column: the converters Django's compiler would apply (backend's, then the field's)
    converters: tuple[tuple[tuple[Callable[..., Any], ...], Any], ...]


_read_plans: dict[tuple[type[models.Model], str], _ReadPlan] = {}


def rows_read(model: type[M], where: str, params: Sequence[Any]) -> list[M]:
    """Instances of `model` whose rows meet `where` (plain SQL on its columns), built as the
    ORM builds them (the same conversions of dates, times and JSON) without its per-query
    building: for lookups a feed makes for every line."""
    key = (model, connection.vendor)
    plan = _read_plans.get(key)
    if plan is None:
        meta = model._meta
        fields = list(meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        converters: list[tuple[tuple[Callable[..., Any], ...], Any]] = []
        for f in fields:
            col = f.get_col(meta.db_table)
            chain = tuple(connection.ops.get_db_converters(col)) + tuple(
                f.get_db_converters(connection)
            )
            converters.append((chain, col))
        plan = _ReadPlan(
            sql=f"SELECT {columns} FROM {table} WHERE ",  # noqa: S608 (names)
            attnames=tuple(f.attname for f in fields),
            converters=tuple(converters),
        )
        _read_plans[key] = plan
    read: list[M] = []
    with connection.cursor() as cursor:
        cursor.execute(plan.sql + where, list(params))
        for row in cursor.fetchall():
            values = []
            for value, (chain, col) in zip(row, plan.converters, strict=True):
                for convert in chain:
                    value = convert(value, col, connection)
                values.append(value)
            read.append(model.from_db(connection.alias, list(plan.attnames), values))
    return read
