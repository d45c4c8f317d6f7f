"""Writes on territories: loading the reference data, seeding unions, deriving their départements.

Reference rows (régions … postal codes) come from the shipped file through `reference_data_load`
(implemented in loader.py, re-exported here). Unions are the operator's: the default map in
data/unions.json is seeded once, and each département's union is derived from the unions'
coverage whenever it changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from .enums import ZoneLevel
from .loader import LoadStats, ReferenceDataError, reference_data_load
from .models import Departement, Union, UnionCoverage

__all__ = [
    "DEFAULT_UNIONS_PATH",
    "LoadStats",
    "ReferenceDataError",
    "UnionSeedStats",
    "departement_unions_derive",
    "reference_data_load",
    "unions_read",
    "unions_seed",
]

DEFAULT_UNIONS_PATH = Path(__file__).resolve().parent / "data" / "unions.json"
UNIONS_FORMAT = "maillage.unions"
UNIONS_FORMAT_VERSION = 1


@dataclass
class UnionSeedStats:
    """What `unions_seed` did."""

    created: int = 0
    reset: int = 0
    coverage_created: int = 0
    coverage_skipped: int = 0


def unions_read(path: Path | None = None) -> list[dict[str, Any]]:
    """Read and check the unions file; raises ReferenceDataError naming the file and problem."""
    path = Path(path or DEFAULT_UNIONS_PATH)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReferenceDataError(path, "file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(path, f"not readable JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != UNIONS_FORMAT:
        raise ReferenceDataError(path, f"not a {UNIONS_FORMAT} file")
    if document.get("format_version") != UNIONS_FORMAT_VERSION:
        raise ReferenceDataError(
            path,
            f"format version {document.get('format_version')!r}, expected {UNIONS_FORMAT_VERSION}",
        )
    unions = document.get("unions")
    if not isinstance(unions, list):
        raise ReferenceDataError(path, "missing 'unions' list")
    seen: set[tuple[str, str]] = set()
    for union in unions:
        missing = {"slug", "name", "short_name", "regions", "departements"} - set(union)
        if missing:
            raise ReferenceDataError(path, f"union {union.get('slug')!r} lacks {sorted(missing)}")
        for level, codes in (
            (ZoneLevel.REGION, union["regions"]),
            (ZoneLevel.DEPARTEMENT, union["departements"]),
        ):
            for code in codes:
                if (level, code) in seen:
                    raise ReferenceDataError(path, f"{level} {code} is in two unions")
                seen.add((level, code))
    return unions


@transaction.atomic
def unions_seed(*, path: Path | None = None, reset: bool = False) -> UnionSeedStats:
    """Create the default unions that do not exist yet, with their coverage.

    Unions already in the database are the operator's and are left as they are, so that
    reloading the reference data never undoes an edit made in the admin. With reset=True the
    default names and coverage are written back over existing unions (union rows are updated,
    not deleted, so that whatever points at them survives).
    """
    stats = UnionSeedStats()
    wanted = unions_read(path)
    existing = set(Union.objects.values_list("slug", flat=True))
    if reset:
        UnionCoverage.objects.filter(union_id__in=[u["slug"] for u in wanted]).delete()
    claimed = set(UnionCoverage.objects.values_list("level", "code"))
    new_coverage: list[UnionCoverage] = []
    for union in wanted:
        if union["slug"] in existing and not reset:
            continue
        Union.objects.update_or_create(
            slug=union["slug"],
            defaults={"name": union["name"], "short_name": union["short_name"]},
        )
        if union["slug"] in existing:
            stats.reset += 1
        else:
            stats.created += 1
        pieces = [(ZoneLevel.REGION.value, code) for code in union["regions"]] + [
            (ZoneLevel.DEPARTEMENT.value, code) for code in union["departements"]
        ]
        for level, code in pieces:
            # Another union may have been given this piece by an operator: theirs stands.
            if (level, code) in claimed:
                stats.coverage_skipped += 1
                continue
            claimed.add((level, code))
            new_coverage.append(UnionCoverage(union_id=union["slug"], level=level, code=code))
    UnionCoverage.objects.bulk_create(new_coverage)
    stats.coverage_created = len(new_coverage)
    return stats


def _union_by_piece() -> tuple[dict[str, str], dict[str, str]]:
    by_departement: dict[str, str] = {}
    by_region: dict[str, str] = {}
    for level, code, union_id in UnionCoverage.objects.values_list("level", "code", "union_id"):
        (by_departement if level == ZoneLevel.DEPARTEMENT else by_region)[code] = union_id
    return by_departement, by_region


@transaction.atomic
def departement_unions_derive(*, departements: Iterable[str] | None = None) -> int:
    """Set each département's union from the unions' coverage; returns how many changed.

    A département listed on its own wins over the union that covers its région (Eure belongs
    to the Île-de-France union although Normandie as a whole is not covered). A département
    that no coverage reaches gets no union. Runs at load time and whenever coverage changes.
    """
    by_departement, by_region = _union_by_piece()
    queryset = Departement.objects.all()
    if departements is not None:
        queryset = queryset.filter(code__in=list(departements))
    changed: list[Departement] = []
    for departement in queryset.only("code", "region_id", "union_id"):
        union_id = by_departement.get(departement.code) or by_region.get(departement.region_id)
        if departement.union_id != union_id:
            departement.union_id = union_id
            changed.append(departement)
    Departement.objects.bulk_update(changed, ["union"], batch_size=200)
    return len(changed)


def reference_data_analyse() -> None:
    """Refresh the planner's statistics after a bulk load (outside the load's transaction).

    Right after 130,000 inserts PostgreSQL has no statistics on the new rows until autovacuum
    passes, and may pick poor plans for the first minutes; SQLite never gathers them unasked.
    """
    from django.db import connection

    from . import models as territory_models

    tables = [
        model._meta.db_table
        for model in vars(territory_models).values()
        if isinstance(model, type)
        and issubclass(model, territory_models.models.Model)
        and model.__module__ == territory_models.__name__
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
