"""Spreadsheet template and import for a campaign form (XLSX through openpyxl, and CSV).

The template has one row per field and four columns, ``clé``, ``libellé``, ``unité``,
``valeur``, pre-filled with the form's current values; a second sheet (XLSX only) gives each
field's definition, reference and accepted choices. A cooperative fills the ``valeur`` column
(and, for fuels, may change the ``unité``) and uploads the file.

Columns are matched by their header, whatever the case and accents (``Cle``, ``CLÉ``, ``key``);
their order does not matter. A header that is not one of the expected columns is refused with a
message naming it and listing the expected ones. Rows are matched by key. Import is all or
nothing: if one row cannot be read, nothing is written and every error is listed, so the draft
is never left half-imported. Values that can be read but break a rule (a negative figure, more
exits than people) are imported, as when typed in the form, and reported by the validation.

Pure: works on bytes and returns plain data; the service writes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from maillage.indicators.catalogue import (
    FUEL_LABELS,
    Catalogue,
    FieldDef,
    FieldType,
    ParseError,
    fold,
    parse_value,
    raw_for_input,
)
from maillage.indicators.formulas.base import issue
from maillage.indicators.formulas.emissions import UNITS

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "ImportIssue",
    "ImportResult",
    "parse_upload",
    "template_csv",
    "template_rows",
    "template_xlsx",
]

COLUMNS: Final[tuple[str, ...]] = ("clé", "libellé", "unité", "valeur")
_ALIASES: Final[Mapping[str, str]] = {
    "cle": "clé",
    "key": "clé",
    "libelle": "libellé",
    "label": "libellé",
    "unite": "unité",
    "unit": "unité",
    "valeur": "valeur",
    "value": "valeur",
}
MAX_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 2000


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """Why (part of) a file was refused: line number (1-based, as the spreadsheet shows it),
    the field concerned when known, the rule's key and a French message."""

    line: int | None
    field: str | None
    rule: str
    message: str


@dataclass
class ImportResult:
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


# --- template ------------------------------------------------------------------------------------


def template_rows(catalogue: Catalogue, values: Mapping[str, Any]) -> list[list[Any]]:
    """Header and one row per field (unit fields are carried by their quantity's row)."""
    unit_fields = catalogue.unit_fields()
    rows: list[list[Any]] = [list(COLUMNS)]
    for f in catalogue:
        if f.key in unit_fields:
            continue
        unit = f.unit
        if f.unit_field:
            unit = values.get(f.unit_field) or catalogue[f.unit_field].default or ""
        value = raw_for_input(f, values.get(f.key))
        if f.type is FieldType.MULTICHOICE:
            value = " ; ".join(dict(f.choices).get(v, v) for v in value)
        elif f.type is FieldType.CHOICE and value:
            value = dict(f.choices).get(value, value)
        rows.append([f.key, f.label, unit, value])
    return rows


def _help_rows(catalogue: Catalogue) -> list[list[str]]:
    rows = [["clé", "définition", "référence", "choix possibles"]]
    for f in catalogue:
        choices = " ; ".join(label for _, label in f.choices)
        rows.append(
            [f.key, f.definition, f.reference + (f" — {f.edition}" if f.edition else ""), choices]
        )
    return rows


def template_xlsx(catalogue: Catalogue, values: Mapping[str, Any], *, title: str) -> bytes:
    """The template as an XLSX workbook: sheet « Formulaire », and « Définitions »."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Formulaire"
    for row in template_rows(catalogue, values):
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (34, 60, 12, 18), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("Définitions")
    for row in _help_rows(catalogue):
        help_ws.append(row)
    for column, width in zip("ABCD", (34, 80, 60, 40), strict=True):
        help_ws.column_dimensions[column].width = width
    wb.properties.title = title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv(catalogue: Catalogue, values: Mapping[str, Any]) -> bytes:
    """The template as CSV: semicolon-separated, UTF-8 with BOM (what French spreadsheet
    programs open without asking)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows(catalogue, values))
    return ("\ufeff" + text.getvalue()).encode("utf-8")


# --- import --------------------------------------------------------------------------------------


def _rows_from_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    finally:
        wb.close()


def _rows_from_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ParseError("le fichier CSV n'est ni en UTF-8 ni en Windows-1252")
    first = next((line for line in text.splitlines() if line.strip()), "")
    # The delimiter is the separator the header line uses most (ties: the French « ; »).
    delimiter = max((";", ",", "\t"), key=lambda d: (first.count(d), d == ";"))
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _expected_columns() -> str:
    return ", ".join(f"« {c} »" for c in COLUMNS)


def _map_header(row: Sequence[Any]) -> tuple[dict[str, int], list[ImportIssue]]:
    columns: dict[str, int] = {}
    issues: list[ImportIssue] = []
    for index, cell in enumerate(row):
        if _blank(cell):
            continue
        name = _ALIASES.get(fold(str(cell)))
        if name is None:
            issues.append(
                ImportIssue(
                    1,
                    None,
                    "colonne_inconnue",
                    f"Colonne inconnue : « {str(cell).strip()} ». Colonnes attendues : "
                    f"{_expected_columns()} (majuscules et accents indifférents).",
                )
            )
        elif name in columns:
            issues.append(
                ImportIssue(
                    1, None, "colonne_inconnue", f"La colonne « {name} » apparaît deux fois."
                )
            )
        else:
            columns[name] = index
    for required in ("clé", "valeur"):
        if required not in columns and not issues:
            issues.append(
                ImportIssue(
                    1,
                    None,
                    "colonne_inconnue",
                    f"Colonne « {required} » introuvable. Colonnes attendues : "
                    f"{_expected_columns()}.",
                )
            )
    return columns, issues


def _unit_issue(f: FieldDef, unit_field: FieldDef, raw_unit: str, line: int) -> ImportIssue:
    folded = fold(raw_unit)
    known = {fold(u): u for u in UNITS}
    if folded in known:
        message = issue(
            "unite_incompatible",
            f.label,
            unit=known[folded],
            factor=FUEL_LABELS.get(f.key, f.label),
            expected=", ".join(k for k, _ in unit_field.choices),
        ).message
        return ImportIssue(line, f.key, "unite_incompatible", f"Ligne {line} : {message}")
    message = issue("unite_inconnue", f.label, unit=raw_unit).message
    return ImportIssue(line, f.key, "unite_inconnue", f"Ligne {line} : {message}")


def _rows_to_values(catalogue: Catalogue, rows: Iterable[Sequence[Any]]) -> ImportResult:
    result = ImportResult()
    iterator = iter(enumerate(rows, start=1))
    header: Sequence[Any] | None = None
    for _line, row in iterator:
        if any(not _blank(c) for c in row):
            header = row
            break
    if header is None:
        result.issues.append(ImportIssue(None, None, "vide", "Le fichier est vide."))
        return result
    columns, header_issues = _map_header(header)
    if header_issues:
        result.issues += header_issues
        return result

    def cell(row: Sequence[Any], name: str) -> Any:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    seen: dict[str, int] = {}
    folded_keys = {fold(f.key): f for f in catalogue}
    for line, row in iterator:
        raw_key = cell(row, "clé")
        raw_value = cell(row, "valeur")
        if _blank(raw_key):
            if not _blank(raw_value):
                result.issues.append(
                    ImportIssue(line, None, "ligne_inconnue", f"Ligne {line} : valeur sans clé.")
                )
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.issues.append(
                ImportIssue(line, None, "trop_de_lignes", f"Plus de {MAX_ROWS} lignes.")
            )
            break
        f = folded_keys.get(fold(str(raw_key)))
        if f is None:
            result.issues.append(
                ImportIssue(
                    line,
                    None,
                    "ligne_inconnue",
                    f"Ligne {line} : clé inconnue « {str(raw_key).strip()} » (la colonne "
                    "« clé » doit garder les clés du modèle).",
                )
            )
            continue
        if f.key in seen:
            result.issues.append(
                ImportIssue(
                    line,
                    f.key,
                    "ligne_inconnue",
                    f"Ligne {line} : « {f.label} » figure déjà ligne {seen[f.key]}.",
                )
            )
            continue
        seen[f.key] = line
        try:
            result.values[f.key] = parse_value(f, raw_value)
        except ParseError as error:
            result.issues.append(
                ImportIssue(line, f.key, "type", f"Ligne {line}, « {f.label} » : {error}.")
            )
            continue
        raw_unit = cell(row, "unité")
        if _blank(raw_unit):
            continue
        raw_unit = str(raw_unit).strip()
        if f.unit_field:
            unit_field = catalogue[f.unit_field]
            try:
                result.values[unit_field.key] = parse_value(unit_field, raw_unit)
            except ParseError:
                result.issues.append(_unit_issue(f, unit_field, raw_unit, line))
        elif f.unit and fold(raw_unit) != fold(f.unit):
            result.issues.append(
                ImportIssue(
                    line,
                    f.key,
                    "unite_differente",
                    f"Ligne {line}, « {f.label} » : unité « {raw_unit} » reçue, le catalogue "
                    f"attend « {f.unit} ». Convertissez la valeur en {f.unit}.",
                )
            )
    if not result.rows and not result.issues:
        result.issues.append(ImportIssue(None, None, "vide", "Aucune ligne de données."))
    return result


def parse_upload(catalogue: Catalogue, content: bytes, filename: str = "") -> ImportResult:
    """Read an uploaded XLSX or CSV file into values; see the module docstring."""
    if len(content) > MAX_BYTES:
        return ImportResult(
            issues=[
                ImportIssue(
                    None, None, "taille", "Le fichier dépasse 2 Mo : utilisez le modèle fourni."
                )
            ]
        )
    try:
        if _is_xlsx(content):
            rows = _rows_from_xlsx(content)
        elif filename.lower().endswith((".xlsx", ".xlsm")):
            raise ParseError("le fichier n'est pas un classeur XLSX lisible")
        else:
            rows = _rows_from_csv(content)
    except ParseError as error:
        return ImportResult(
            issues=[ImportIssue(None, None, "format", f"Fichier illisible : {error}.")]
        )
    except Exception as error:  # openpyxl raises many kinds on damaged files
        return ImportResult(
            issues=[
                ImportIssue(
                    None,
                    None,
                    "format",
                    "Fichier illisible : enregistrez-le au format XLSX ou CSV "
                    f"({type(error).__name__}).",
                )
            ]
        )
    result = _rows_to_values(catalogue, rows)
    if result.issues:
        result.values = {}
    return result
