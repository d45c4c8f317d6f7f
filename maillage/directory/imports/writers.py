"""Bulk upserts by natural key (SIREN, SIRET) for SQLite and PostgreSQL.

One statement per batch: ``INSERT … ON CONFLICT (key) DO UPDATE`` through ``executemany`` on
SQLite; on PostgreSQL the batch is first copied (``COPY``) into a temporary table, then
upserted with one ``INSERT … SELECT``. Columns the import does not provide get the model
field's default on insert and are left alone on update, so fields written by people (the
presentation, the union membership…) survive a re-import.

SQL is assembled from model metadata only (table and column names, quoted by the backend);
every value travels as a parameter, hence the ``noqa: S608`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _quote(name: str | None) -> str:
    return connection.ops.quote_name(str(name))


def _column_of(model: type[models.Model], name: str) -> str:
    """The database column of a model field."""
    return str(getattr(model._meta.get_field(name), "column", name))


class Upsert:
    """An upsert of ``model`` rows given as tuples of ``fields`` values (attnames).

    ``update`` lists the fields overwritten when the key exists; ``update_sql`` replaces the
    plain ``col = excluded.col`` assignment of some of them by an SQL expression.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        key: str,
        fields: Sequence[str],
        update: Sequence[str],
        update_sql: dict[str, str] | None = None,
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.key = key
        self.fields = list(fields)
        concrete = [
            f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)
        ]
        by_attname = {f.attname: f for f in concrete}
        missing = [name for name in self.fields if name not in by_attname]
        if missing:
            raise ValueError(f"{model.__name__} has no field {missing}")
        self.field_objects = [by_attname[name] for name in self.fields]
        # Columns filled with a constant: defaults, and the timestamps.
        self.constant_fields = [f for f in concrete if f.attname not in self.fields]
        self.update = list(update)
        self.update_sql = update_sql or {}
        self.vendor = connection.vendor

    def _constants(self) -> list[Any]:
        now = timezone.now()
        values = []
        for f in self.constant_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                value = f.get_default()  # "" for text fields
            values.append(f.get_db_prep_save(value, connection))
        return values

    def _set_clause(self) -> str:
        table = _quote(self.table)
        parts = []
        for name in self.update:
            column = _quote(_column_of(self.model, name.removesuffix("_id")))
            expression = self.update_sql.get(name, f"excluded.{column}")
            parts.append(f"{column} = {expression.format(table=table)}")
        for f in self.constant_fields:
            if getattr(f, "auto_now", False):
                parts.append(f"{_quote(f.column)} = excluded.{_quote(f.column)}")
        return ", ".join(parts)

    def _prep(self, rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Python values → database values (dates as text on SQLite, etc.)."""
        converters: list[Callable[[Any], Any] | None] = []
        for f in self.field_objects:
            internal = f.get_internal_type()
            if internal in {"DateField", "DateTimeField"} and self.vendor == "sqlite":
                converters.append(lambda v: None if v is None else v.isoformat())
            else:
                converters.append(None)
        if not any(converters):
            return [tuple(r) for r in rows]
        out = []
        for row in rows:
            out.append(
                tuple(
                    conv(value) if conv is not None else value
                    for conv, value in zip(converters, row, strict=True)
                )
            )
        return out

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        """Upsert the rows; return how many were sent. Runs inside the caller's transaction."""
        if not rows:
            return 0
        if self.vendor == "postgresql":
            return self._run_postgresql(rows)
        return self._run_executemany(rows)

    def _column_list(self) -> list[str]:
        return [_quote(f.column) for f in self.field_objects] + [
            _quote(f.column) for f in self.constant_fields
        ]

    def _run_executemany(self, rows: Sequence[Sequence[Any]]) -> int:
        columns = self._column_list()
        placeholders = ", ".join(["%s"] * len(columns))
        key = _quote(_column_of(self.model, self.key))
        sql = (
            f"INSERT INTO {_quote(self.table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({placeholders}) ON CONFLICT ({key}) DO UPDATE SET {self._set_clause()}"
        )
        constants = tuple(self._constants())
        params = [row + constants for row in self._prep(rows)]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        return len(rows)

    def _run_postgresql(self, rows: Sequence[Sequence[Any]]) -> int:
        temp = _quote(f"import_{self.table}")
        given = [_quote(f.column) for f in self.field_objects]
        key = _quote(_column_of(self.model, self.key))
        constant_sql = ", ".join(
            f"CAST(%s AS {f.db_type(connection)})" for f in self.constant_fields
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {', '.join(given)} FROM {_quote(self.table)} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {temp}")
            raw = cursor.cursor  # the psycopg cursor, for COPY
            with raw.copy(f"COPY {temp} ({', '.join(given)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            select = ", ".join(given) + (f", {constant_sql}" if constant_sql else "")
            cursor.execute(
                f"INSERT INTO {_quote(self.table)} ({', '.join(self._column_list())}) "  # noqa: S608
                f"SELECT {select} FROM {temp} "
                f"ON CONFLICT ({key}) DO UPDATE SET {self._set_clause()}",
                self._constants(),
            )
        return len(rows)


def ids_for_sirens(sirens: Iterable[str]) -> dict[str, int]:
    """Organisation ids by SIREN, for the SIRENs given that exist (chunked IN / ANY queries)."""
    from maillage.directory.models import Organisation

    wanted = list(sirens)
    found: dict[str, int] = {}
    if not wanted:
        return found
    table = _quote(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"SELECT siren, id FROM {table} WHERE siren = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [wanted])
            found.update(cursor.fetchall())
            return found
        step = 5000
        for start in range(0, len(wanted), step):
            chunk = wanted[start : start + step]
            marks = ", ".join(["%s"] * len(chunk))
            sql = f"SELECT siren, id FROM {table} WHERE siren IN ({marks})"  # noqa: S608
            cursor.execute(sql, chunk)
            found.update(cursor.fetchall())
    return found


def organisation_communes_set(pairs: Sequence[tuple[str | None, int]]) -> None:
    """Set each organisation's head-office commune: ``(commune_code, organisation_id)`` pairs."""
    from maillage.directory.models import Organisation

    if not pairs:
        return
    table = _quote(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET commune_id = %s WHERE id = %s "  # noqa: S608
            "AND (commune_id IS NULL OR commune_id <> %s)",
            [(code, pk, code) for code, pk in pairs],
        )
