"""Loading the shipped territories file into the database: verify first, then diff and upsert.

The file is checked completely (present, digest equal to the manifest's, decompresses, right
format version, expected tables and columns, consistent references) before any row is
written, so a bad file leaves the database exactly as it was. Loading compares the file with
what is stored and only writes the difference: a second run on the same file writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.db.models import ProtectedError

from .models import (
    Commune,
    CommuneSearchKey,
    CommuneSearchPrefix,
    Departement,
    Epci,
    MunicipalArrondissement,
    PostalCode,
    Region,
)
from .ranking import KeyEntry, crowded_prefix_tops
from .text import keys_of_normalised, normalise

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "territories.json.xz"
FORMAT = "maillage.territories"
FORMAT_VERSION = 1
COLUMNS: dict[str, list[str]] = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "epcis": ["siren", "name", "kind", "population"],
    "communes": [
        "code",
        "name",
        "departement",
        "region",
        "epci",
        "population",
        "latitude",
        "longitude",
        "point_source",
    ],
    "arrondissements": ["code", "name", "commune"],
    "postal_codes": ["code", "commune", "routing_label"],
}
BATCH = 2000

Progress = Callable[[str], None]


class ReferenceDataError(Exception):
    """The reference file (or the data it would write) is unusable; nothing was written."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass
class TableStats:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        return f"+{self.created} ~{self.updated} -{self.deleted}"


@dataclass
class LoadStats:
    """Rows created, updated and deleted per table, and the time taken."""

    tables: dict[str, TableStats] = field(default_factory=dict)
    unions_created: int = 0
    departement_unions_changed: int = 0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(t.created + t.updated + t.deleted for t in self.tables.values())

    def summary(self) -> str:
        parts = ", ".join(f"{name} {stats}" for name, stats in self.tables.items())
        return f"{parts}; unions +{self.unions_created}; {self.seconds:.1f} s"


# --- Reading and verification -----------------------------------------------------------------


def read_reference_file(path: Path | str | None = None) -> dict[str, Any]:
    """Read, verify and return the document; raises ReferenceDataError on any problem."""
    path = Path(path or DEFAULT_PATH)
    if not path.is_file():
        raise ReferenceDataError(path, "file not found")
    manifest_path = path.with_name("manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReferenceDataError(path, f"no manifest beside it ({manifest_path.name})") from exc
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(path, f"unreadable manifest {manifest_path.name} ({exc})") from exc
    entry = manifest.get("files", {}).get(path.name) if isinstance(manifest, dict) else None
    if not isinstance(entry, dict) or "sha256" not in entry:
        raise ReferenceDataError(path, f"not listed in {manifest_path.name}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ReferenceDataError(
            path,
            f"manifest format version {manifest.get('format_version')!r}, this code reads "
            f"version {FORMAT_VERSION}",
        )
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["sha256"]:
        raise ReferenceDataError(
            path, f"sha256 {digest} does not match the manifest ({entry['sha256']}): corrupt file"
        )
    try:
        document = json.loads(lzma.decompress(raw))
    except lzma.LZMAError as exc:
        raise ReferenceDataError(path, f"does not decompress as xz ({exc})") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReferenceDataError(path, f"decompressed content is not JSON ({exc})") from exc
    _check_document(path, document, entry.get("counts"))
    return document


def _check_document(path: Path, document: Any, counts: dict[str, int] | None) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ReferenceDataError(path, f"not a {FORMAT} document")
    if document.get("format_version") != FORMAT_VERSION:
        raise ReferenceDataError(
            path,
            f"format version {document.get('format_version')!r}, expected {FORMAT_VERSION}",
        )
    if document.get("columns") != COLUMNS:
        raise ReferenceDataError(path, "unexpected table columns")
    for table, columns in COLUMNS.items():
        rows = document.get(table)
        if not isinstance(rows, list) or not rows:
            raise ReferenceDataError(path, f"missing or empty table '{table}'")
        if any(not isinstance(row, list) or len(row) != len(columns) for row in rows):
            raise ReferenceDataError(path, f"malformed rows in table '{table}'")
        if counts and counts.get(table) != len(rows):
            raise ReferenceDataError(
                path, f"table '{table}' has {len(rows)} rows, manifest says {counts.get(table)}"
            )
    regions = {row[0] for row in document["regions"]}
    departements = {row[0] for row in document["departements"]}
    epcis = {row[0] for row in document["epcis"]}
    communes = {row[0] for row in document["communes"]}
    checks: list[tuple[str, Iterable[str], set[str]]] = [
        ("départements → régions", (r[2] for r in document["departements"]), regions),
        ("communes → départements", (r[2] for r in document["communes"]), departements),
        ("communes → régions", (r[3] for r in document["communes"]), regions),
        ("communes → EPCI", (r[4] for r in document["communes"] if r[4]), epcis),
        ("arrondissements → communes", (r[2] for r in document["arrondissements"]), communes),
        ("codes postaux → communes", (r[1] for r in document["postal_codes"]), communes),
    ]
    for label, references, known in checks:
        unknown = {ref for ref in references if ref not in known}
        if unknown:
            raise ReferenceDataError(path, f"broken references {label}: {sorted(unknown)[:5]}")


def _select(document: dict[str, Any], departements: Sequence[str], path: Path) -> dict[str, Any]:
    """The part of the document for some départements, with their régions and EPCI."""
    wanted = set(departements)
    known = {row[0] for row in document["departements"]}
    unknown = wanted - known
    if unknown:
        raise ReferenceDataError(path, f"unknown départements {sorted(unknown)}")
    selected = dict(document)
    selected["departements"] = [r for r in document["departements"] if r[0] in wanted]
    region_codes = {r[2] for r in selected["departements"]}
    selected["regions"] = [r for r in document["regions"] if r[0] in region_codes]
    selected["communes"] = [r for r in document["communes"] if r[2] in wanted]
    commune_codes = {r[0] for r in selected["communes"]}
    epci_codes = {r[4] for r in selected["communes"] if r[4]}
    selected["epcis"] = [r for r in document["epcis"] if r[0] in epci_codes]
    selected["arrondissements"] = [r for r in document["arrondissements"] if r[2] in commune_codes]
    selected["postal_codes"] = [r for r in document["postal_codes"] if r[1] in commune_codes]
    return selected


# --- Diff and upsert --------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model: type[models.Model], columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Plain INSERT of many rows through the driver's executemany.

    Loading 125,000 rows through model instances and bulk_create spends most of its time
    building and preparing Python objects; the values here are already plain strings and
    numbers of the right type, so they go straight to the driver.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_of = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    column_of.update({f.name: str(f.column) for f in model._meta.concrete_fields})
    names = ", ".join(quote(column_of[c]) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip; executemany would pay one per row.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 — identifiers quoted, values bound
        batch = list(rows)
        for chunk in _chunks(batch, BATCH):
            cursor.executemany(sql, chunk)


def _sync_by_pk(
    model: type[models.Model],
    rows: dict[str, tuple],
    fields: list[str],
    *,
    scope: models.Q | None,
    delete: bool = True,
) -> TableStats:
    """Make the rows of `model` inside `scope` equal `rows` (pk → values of `fields`).

    Fields are attribute names (foreign keys as `x_id`). With scope=None, or delete=False,
    nothing is deleted: the load is partial and rows outside it belong to other départements,
    or the caller deletes later, once nothing points at the rows any more.
    """
    stats = TableStats()
    pk_name = model._meta.pk.attname
    if scope is None:
        queryset = model._default_manager.filter(pk__in=list(rows))
    else:
        queryset = model._default_manager.filter(scope)
    existing = {
        pk: tuple(values)
        for pk, *values in queryset.values_list("pk", *fields).iterator(chunk_size=BATCH)
    }
    new = [pk for pk in rows if pk not in existing]
    changed = [pk for pk, values in rows.items() if pk in existing and existing[pk] != values]
    if new:
        _insert(model, [pk_name, *fields], [(pk, *rows[pk]) for pk in new])
    if changed:
        # An upsert on the primary key rewrites the changed rows in a few statements, where
        # bulk_update would build one huge CASE expression per column.
        model._default_manager.bulk_create(
            [model(**{pk_name: pk, **dict(zip(fields, rows[pk], strict=True))}) for pk in changed],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=[f.removesuffix("_id") if f.endswith("_id") else f for f in fields],
        )
    if scope is not None and delete:
        gone = [pk for pk in existing if pk not in rows]
        for chunk in _chunks(gone):
            try:
                model._default_manager.filter(pk__in=list(chunk)).delete()
            except ProtectedError as exc:
                used = sorted({str(obj.pk) for obj in exc.protected_objects})[:5]
                raise ReferenceDataError(
                    DEFAULT_PATH,
                    f"{model._meta.verbose_name_plural} {list(chunk)[:5]} are no longer in the "
                    f"file but still referenced (e.g. by {used}); reassign them first",
                ) from exc
        stats.deleted = len(gone)
    stats.created, stats.updated = len(new), len(changed)
    return stats


def _sync_by_natural_key(
    model: type[models.Model],
    key_fields: list[str],
    value_fields: list[str],
    rows: dict[tuple, tuple],
    *,
    scope: models.Q,
) -> TableStats:
    """Like _sync_by_pk for tables keyed by an automatic id and a natural unique key."""
    existing: dict[tuple, tuple[int, tuple]] = {}
    width = len(key_fields)
    for pk, *values in (
        model._default_manager.filter(scope)
        .values_list("pk", *key_fields, *value_fields)
        .iterator(chunk_size=BATCH)
    ):
        existing[tuple(values[:width])] = (pk, tuple(values[width:]))
    new = [key for key in rows if key not in existing]
    changed = [
        key for key, values in rows.items() if key in existing and existing[key][1] != values
    ]
    gone = [pk for key, (pk, _) in existing.items() if key not in rows]
    for chunk in _chunks(gone):
        model._default_manager.filter(pk__in=list(chunk)).delete()

    def build(key: tuple, pk: int | None = None) -> models.Model:
        values = dict(zip(key_fields, key, strict=True)) | dict(
            zip(value_fields, rows[key], strict=True)
        )
        return model(pk=pk, **values)

    _insert(model, [*key_fields, *value_fields], [(*key, *rows[key]) for key in new])
    model._default_manager.bulk_update(
        [build(key, existing[key][0]) for key in changed],
        [f.removesuffix("_id") for f in value_fields],
        batch_size=200,
    )
    return TableStats(created=len(new), updated=len(changed), deleted=len(gone))


PREFIX_THRESHOLD = 150
PREFIX_TOP_N = 20


def _sync_prefixes(progress: Progress) -> TableStats:
    """Recompute the crowded-prefix answers from every key in the database.

    Computed from the database rather than the file so that a partial load (some
    départements) ranks what is actually there.
    """
    entries = [
        KeyEntry(*row)
        for row in CommuneSearchKey.objects.values_list(
            "key", "commune_id", "population", "is_full_name"
        ).iterator(chunk_size=BATCH)
    ]
    tops = crowded_prefix_tops(entries, threshold=PREFIX_THRESHOLD, top_n=PREFIX_TOP_N)
    rows = {
        (prefix, rank): (commune,)
        for prefix, communes in tops.items()
        for rank, commune in enumerate(communes)
    }
    return _sync_by_natural_key(
        CommuneSearchPrefix, ["prefix", "rank"], ["commune_id"], rows, scope=models.Q()
    )


@transaction.atomic
def reference_data_load(
    *,
    path: Path | str | None = None,
    departements: Sequence[str] | None = None,
    progress: Progress | None = None,
    unions_path: Path | str | None = None,
) -> LoadStats:
    """Load régions, départements, EPCI, communes, arrondissements, postal codes and unions.

    The file is verified before the first write (ReferenceDataError otherwise). A full load
    makes the tables equal the file, deleting what it no longer lists; `departements=["42"]`
    loads only those départements with their régions and EPCI and deletes nothing outside
    them. The default unions are seeded if missing, and each département's union derived.
    Idempotent: rerunning on the same file writes nothing.
    """
    from .services import departement_unions_derive, unions_read, unions_seed

    started = time.perf_counter()
    say = progress or (lambda message: None)
    source = Path(path or DEFAULT_PATH)
    say(f"Vérification de {source}…")
    document = read_reference_file(source)
    unions_read(Path(unions_path) if unions_path else None)  # verified before any write too
    full = departements is None
    if not full:
        document = _select(document, list(departements or []), source)
    stats = LoadStats()

    def step(name: str, table_stats: TableStats) -> None:
        stats.tables[name] = table_stats
        say(f"  {name:<16} {table_stats}")

    everything = models.Q() if full else None
    step(
        "régions",
        _sync_by_pk(
            Region,
            {code: (name, normalise(name)) for code, name in document["regions"]},
            ["name", "name_search"],
            scope=everything,
            delete=False,
        ),
    )
    seeded = unions_seed(path=Path(unions_path) if unions_path else None)
    stats.unions_created = seeded.created
    step(
        "départements",
        _sync_by_pk(
            Departement,
            {
                code: (name, normalise(name), region)
                for code, name, region in document["departements"]
            },
            ["name", "name_search", "region_id"],
            scope=everything,
            delete=False,
        ),
    )
    step(
        "EPCI",
        _sync_by_pk(
            Epci,
            {
                siren: (name, normalise(name), kind, population)
                for siren, name, kind, population in document["epcis"]
            },
            ["name", "name_search", "kind", "population"],
            scope=everything,
            delete=False,
        ),
    )
    commune_scope = models.Q() if full else models.Q(departement_id__in=list(departements or []))
    communes = {row[0]: (row[1], normalise(row[1]), *row[2:]) for row in document["communes"]}
    step(
        "communes",
        _sync_by_pk(
            Commune,
            communes,
            [
                "name",
                "name_search",
                "departement_id",
                "region_id",
                "epci_id",
                "population",
                "latitude",
                "longitude",
                "point_source",
            ],
            scope=commune_scope,
        ),
    )
    related_scope = (
        models.Q() if full else models.Q(commune__departement_id__in=list(departements or []))
    )
    step(
        "arrondissements",
        _sync_by_pk(
            MunicipalArrondissement,
            {code: (name, commune) for code, name, commune in document["arrondissements"]},
            ["name", "commune_id"],
            scope=related_scope,
        ),
    )
    step(
        "codes postaux",
        _sync_by_natural_key(
            PostalCode,
            ["code", "commune_id"],
            ["routing_label"],
            {(code, commune): (label,) for code, commune, label in document["postal_codes"]},
            scope=related_scope,
        ),
    )
    postal_by_commune: dict[str, list[str]] = {}
    for code, commune, _label in sorted(document["postal_codes"]):
        postal_by_commune.setdefault(commune, []).append(code)
    keys: dict[tuple, tuple] = {}
    for code, (name, name_search, dep, _reg, _epci, population, *_rest) in communes.items():
        postal = " ".join(postal_by_commune.get(code, []))
        for index, key in enumerate(keys_of_normalised(name_search)):
            keys[(key, code)] = (population, index == 0, name, dep, postal)
    step(
        "clés de recherche",
        _sync_by_natural_key(
            CommuneSearchKey,
            ["key", "commune_id"],
            ["population", "is_full_name", "name", "departement_code", "postal_codes"],
            keys,
            scope=related_scope,
        ),
    )
    step("préfixes fréquents", _sync_prefixes(progress=say))
    if full:
        # Régions, départements and EPCI go last: until now, communes still pointed at them.
        for name, model, table in (
            ("EPCI", Epci, "epcis"),
            ("départements", Departement, "departements"),
            ("régions", Region, "regions"),
        ):
            wanted = {row[0] for row in document[table]}
            gone = [
                pk for pk in model._default_manager.values_list("pk", flat=True) if pk not in wanted
            ]
            for chunk in _chunks(gone):
                model._default_manager.filter(pk__in=list(chunk)).delete()
            stats.tables[name].deleted += len(gone)
    stats.departement_unions_changed = departement_unions_derive()
    stats.seconds = time.perf_counter() - started
    say(f"Terminé : {stats.summary()}")
    return stats
