"""Load the shipped NAF rév. 2 file into :class:`~maillage.sectors.models.Sector`.

The file is checked in full before the first write. Rows are matched on (nomenclature, code) and
updated in place, so primary keys stay stable across reloads and the organisations pointing at a
sector keep pointing at it. No transaction is opened here: ``load_reference_data`` runs this
loader and the territories loader inside one ``transaction.atomic()`` so that a failure leaves the
previous data untouched; a caller running it alone can do the same, and an interrupted run
without a transaction is repaired by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db.models import PROTECT, RESTRICT
from django.utils.translation import gettext as _

from maillage.core.reference import ReferenceDataError, read_reference_file
from maillage.territories.text import normalise

from .models import Nomenclature, Sector, SectorLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
NAF_REV2_FILE = DATA_DIR / "naf-rev2.json.xz"
FORMAT = "maillage.sectors.naf"
SUPPORTED_VERSIONS = frozenset({1})
COLUMNS = ["code", "level", "parent", "label", "display_label"]
_FIELDS = ("level", "label", "display_label", "label_search", "parent_id", "section_code")
# Stays under SQLite's historical limit of 999 query parameters.
_CHUNK = 500
_MAX_LABEL = Sector._meta.get_field("label").max_length or 255


def _validate(path: Path, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Check the structure of the records and return them as dicts, parents before children."""
    if payload.get("nomenclature") != Nomenclature.NAF_REV2:
        raise ReferenceDataError(f"{path}: nomenclature {payload.get('nomenclature')!r}, not naf2.")
    if payload.get("columns") != COLUMNS:
        raise ReferenceDataError(f"{path}: columns {payload.get('columns')!r}, expected {COLUMNS}.")
    records = payload["records"]
    if not isinstance(records, list):
        raise ReferenceDataError(f"{path}: 'records' is not a list.")
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, list) or len(record) != len(COLUMNS):
            raise ReferenceDataError(f"{path}: record {index} is not a {len(COLUMNS)}-item list.")
        row = dict(zip(COLUMNS, record, strict=True))
        code, level, parent = row["code"], row["level"], row["parent"]
        if not isinstance(code, str) or not code or code in seen:
            raise ReferenceDataError(f"{path}: record {index} has an empty or repeated code.")
        if level not in SectorLevel.values:
            raise ReferenceDataError(f"{path}: {code} has level {level!r}.")
        # Parents come first in the file; checking it here lets the loader go level by level.
        if (level == 1) != (parent is None) or (
            parent is not None and seen.get(parent) != level - 1
        ):
            raise ReferenceDataError(f"{path}: {code} has parent {parent!r}, not one level up.")
        labels = (row["label"], row["display_label"] or row["label"])
        if not all(isinstance(label, str) and 0 < len(label) <= _MAX_LABEL for label in labels):
            raise ReferenceDataError(f"{path}: {code} has an empty or overlong label.")
        seen[code] = level
        rows.append(row)
    counts = {str(level): sum(1 for v in seen.values() if v == level) for level in range(1, 6)}
    if counts != payload.get("counts"):
        raise ReferenceDataError(
            f"{path}: counts by level {counts} differ from the manifest {payload.get('counts')}."
        )
    return rows


def _check_removable(path: Path, nomenclature: str, codes: list[str]) -> None:
    """Refuse, before any write, to delete sectors that protected rows still point at.

    Generic over ``Sector``'s reverse relations so that this app does not import the apps that
    point at it (the directory today, others later).
    """
    for relation in Sector._meta.related_objects:
        if relation.on_delete not in (PROTECT, RESTRICT):
            continue
        field = relation.field.name
        model = relation.related_model
        used: set[str] = set()
        for start in range(0, len(codes), _CHUNK):
            used.update(
                model._default_manager.filter(
                    **{
                        f"{field}__nomenclature": nomenclature,
                        f"{field}__code__in": codes[start : start + _CHUNK],
                    }
                ).values_list(f"{field}__code", flat=True)
            )
        if used:
            raise ReferenceDataError(
                f"{path}: codes {sorted(used)[:10]} are no longer in the "
                f"nomenclature but {model._meta.verbose_name_plural} still use them; "
                "reassign them first."
            )


def load_naf(
    *, path: Path | str | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Upsert NAF rév. 2 from ``path`` (default: the shipped file); return what changed.

    Idempotent: a second run changes nothing. Codes of the ``naf2`` nomenclature absent from the
    file are deleted; other nomenclatures are never touched. Raises
    :class:`~maillage.core.reference.ReferenceDataError` before writing anything when the file
    is missing, corrupt, of another format version, fails its checksum, or would delete sectors
    still in use. About a dozen queries whatever the size: bulk inserts and updates, level by
    level so that each level can point at the ids of the one above.

    Returns ``{"total", "created", "updated", "unchanged", "deleted"}`` counts.
    """
    say = progress or (lambda _message: None)
    path = Path(path) if path is not None else NAF_REV2_FILE
    nomenclature = Nomenclature.NAF_REV2
    say(_("NAF rév. 2 : lecture de %(file)s…") % {"file": path})
    rows = _validate(
        path,
        read_reference_file(path, expected_format=FORMAT, supported_versions=SUPPORTED_VERSIONS),
    )

    existing = {s.code: s for s in Sector.objects.filter(nomenclature=nomenclature)}
    wanted = {row["code"] for row in rows}
    obsolete = sorted(set(existing) - wanted)
    _check_removable(path, nomenclature, obsolete)

    ids: dict[str, int] = {}
    sections: dict[str, str] = {}
    stats = {"total": len(rows), "created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    for level in SectorLevel.values:
        to_create: list[Sector] = []
        to_update: list[Sector] = []
        for row in (r for r in rows if r["level"] == level):
            code, parent = row["code"], row["parent"]
            section = code if parent is None else sections[parent]
            sections[code] = section
            display = row["display_label"] or row["label"]
            values = {
                "level": level,
                "label": row["label"],
                "display_label": display,
                "label_search": normalise(display),
                "parent_id": ids[parent] if parent else None,
                "section_code": section,
            }
            current = existing.get(code)
            if current is None:
                to_create.append(Sector(nomenclature=nomenclature, code=code, **values))
            elif any(getattr(current, f) != v for f, v in values.items()):
                for field, value in values.items():
                    setattr(current, field, value)
                to_update.append(current)
            else:
                stats["unchanged"] += 1
            if current is not None:
                ids[code] = current.pk
        if to_create:
            Sector.objects.bulk_create(to_create, batch_size=500)
            # Not every backend hands back ids from bulk_create; one query per level is cheap
            # (and avoids an IN list longer than SQLite's parameter limit).
            ids.update(
                Sector.objects.filter(nomenclature=nomenclature, level=level).values_list(
                    "code", "pk"
                )
            )
        if to_update:
            Sector.objects.bulk_update(to_update, _FIELDS, batch_size=500)
        stats["created"] += len(to_create)
        stats["updated"] += len(to_update)
        say(
            _("  %(level)s : %(created)d créé(s), %(updated)d mis à jour")
            % {
                "level": SectorLevel(level).label,
                "created": len(to_create),
                "updated": len(to_update),
            }
        )

    if obsolete:
        # Children of an obsolete node were re-parented above or are obsolete too, so the
        # parent cascade removes nothing that is still wanted.
        for start in range(0, len(obsolete), _CHUNK):
            deleted, _by_model = Sector.objects.filter(
                nomenclature=nomenclature, code__in=obsolete[start : start + _CHUNK]
            ).delete()
            stats["deleted"] += deleted
    say(
        _(
            "NAF rév. 2 : %(total)d secteurs (%(created)d créés, %(updated)d mis à jour, "
            "%(deleted)d supprimés)."
        )
        % stats
    )
    return stats
