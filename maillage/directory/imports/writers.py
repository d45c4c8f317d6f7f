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

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, models
from django.utils import timezone

# SQLite page cache during an import, in KiB (the default is 2 MB): index insertions at random
# places (commune, sector, coordinates) then hit memory instead of the file.
SQLITE_IMPORT_CACHE_KIB = 48 * 1024
# Values per "IN (…)" query when references are checked a batch at a time.
_IN_CHUNK = 900
# Set while a bulk session has turned SQLite's per-row foreign-key checks off.
_SESSION = {"check_references": False}


@contextmanager
def bulk_session() -> Iterator[None]:
    """Connection settings for a bulk import, put back afterwards (SQLite only).

    A larger page cache, and SQLite's row-by-row foreign-key checks replaced by one check per
    batch and referenced table (``Upsert._check_references``): the same guarantee, inside the
    batch's transaction, for half the cost of writing. Pragmas only apply outside a
    transaction: inside a caller's atomic block (tests) the import runs with the connection's
    own settings, only slower.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA foreign_keys")
        (foreign_keys,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys = OFF")
    _SESSION["check_references"] = bool(foreign_keys)
    try:
        yield
    finally:
        _SESSION["check_references"] = False
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")


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
        return ", ".join(parts) + self._changed_clause()

    def _changed_clause(self) -> str:
        """`` WHERE`` some updated column changes: an unchanged row is not written again.

        A re-import of the same file then rewrites nothing (no new row versions, no index
        churn, ``updated_at`` left alone), which is most of a monthly refresh.
        """
        table = _quote(self.table)
        differs = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        tests = []
        for name in self.update:
            column = _quote(_column_of(self.model, name.removesuffix("_id")))
            expression = self.update_sql.get(name, f"excluded.{column}").format(table=table)
            tests.append(f"{table}.{column} {differs} ({expression})")
        return f" WHERE {' OR '.join(tests)}" if tests else ""

    def _prep(self, rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Python values → database values (dates as text on SQLite), constants appended."""
        constants = tuple(self._constants())
        dates = [
            position
            for position, f in enumerate(self.field_objects)
            if f.get_internal_type() in {"DateField", "DateTimeField"}
        ]
        if not dates or self.vendor != "sqlite":
            return [tuple(row) + constants for row in rows]
        out = []
        for row in rows:
            values = list(row)
            for position in dates:
                value = values[position]
                if value is not None:
                    values[position] = value.isoformat()
            out.append(tuple(values) + constants)
        return out

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        """Upsert the rows; return how many were sent. Runs inside the caller's transaction."""
        if not rows:
            return 0
        if self.vendor == "postgresql":
            return self._run_postgresql(rows)
        if _SESSION["check_references"]:
            self._check_references(rows)
        return self._run_executemany(rows)

    def _check_references(self, rows: Sequence[Sequence[Any]]) -> None:
        """Refuse the batch (IntegrityError) if a foreign key points to no row.

        Done while SQLite's own per-row checks are off (``bulk_session``). The batch runs in
        an immediate transaction, which holds the write lock: what is found here cannot be
        deleted before the batch commits.
        """
        for position, f in enumerate(self.field_objects):
            if not f.many_to_one or f.related_model is None:
                continue
            wanted = {row[position] for row in rows} - {None}
            if not wanted:
                continue
            target = f.target_field  # type: ignore[attr-defined]
            table = _quote(target.model._meta.db_table)
            column = _quote(target.column)
            found: set[Any] = set()
            values = list(wanted)
            with connection.cursor() as cursor:
                for start in range(0, len(values), _IN_CHUNK):
                    chunk = values[start : start + _IN_CHUNK]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"SELECT {column} FROM {table} WHERE {column} IN ({marks})",  # noqa: S608
                        chunk,
                    )
                    found.update(value for (value,) in cursor.fetchall())
            missing = wanted - found
            if missing:
                shown = ", ".join(str(value) for value in sorted(missing, key=str)[:5])
                raise IntegrityError(
                    f"{self.model._meta.db_table}.{f.column} : {shown} absent(s) de "
                    f"{target.model._meta.db_table}"
                )

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
        with connection.cursor() as cursor:
            cursor.executemany(sql, self._prep(rows))
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


def organisation_communes_set(pairs: Sequence[tuple[str | None, int]]) -> None:
    """Set each organisation's head-office commune: ``(commune_code, organisation_id)`` pairs."""
    from maillage.directory.models import Organisation

    if not pairs:
        return
    table = _quote(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the batch instead of one round trip per organisation.
            latest = {pk: code for code, pk in pairs}
            cursor.execute(
                f"UPDATE {table} AS o SET commune_id = v.code "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::varchar[]) AS v(id, code) "
                "WHERE o.id = v.id AND o.commune_id IS DISTINCT FROM v.code",
                [list(latest), list(latest.values())],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET commune_id = %s WHERE id = %s "  # noqa: S608
            "AND (commune_id IS NULL OR commune_id <> %s)",
            [(code, pk, code) for code, pk in pairs],
        )
