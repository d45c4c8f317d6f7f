"""Import of one buyer's purchases from a CSV export of its accounting, keyed by supplier SIRET.

Columns are found by header name (case, accents and punctuation ignored), never by position.
Every line is checked; a bad line is reported with its line number, column, value and why, and
the rest is processed. A SIRET that is valid but unknown to the directory is not an error: the
purchase is kept « hors réseau » (it counts in the buyer's total). Writing is one transaction:
all valid lines, or — with ``strict`` — nothing at all if one line is bad. Each line carries a
fingerprint (content + rank among identical lines), so importing the same file twice adds
nothing the second time.

Files are read whole (a buyer's purchases: thousands of lines, not millions); the web form caps
uploads at :data:`MAX_BYTES`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from maillage.directory.imports.reading import FileRefused, Header, fold, sniff_delimiter
from maillage.directory.models import Establishment, Organisation

from .enums import PurchaseSource
from .models import Purchase
from .parsing import check_siret, parse_amount_cents, parse_date

MAX_BYTES = 5 * 1024 * 1024

COLUMNS: dict[str, tuple[str, ...]] = {
    "siret": (
        "SIRET du fournisseur",
        "SIRET fournisseur",
        "SIRET",
        "Numéro SIRET",
        "N° SIRET",
        "SIRET tiers",
    ),
    "amount": (
        "Montant",
        "Montant HT",
        "Montant TTC",
        "Montant en euros",
        "Montant (€)",
        "Total HT",
    ),
    "date": ("Date", "Date d'achat", "Date de facture", "Date facture", "Date de la facture"),
    "name": ("Fournisseur", "Nom du fournisseur", "Raison sociale", "Nom", "Tiers"),
    "description": ("Objet", "Description", "Libellé", "Désignation"),
}
REQUIRED = ("siret", "amount", "date")


@dataclass(frozen=True)
class LineError:
    """One problem: where (line, column), what (value) and why."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return (
            f"ligne {self.line}, colonne « {self.column} », valeur « {self.value} » : {self.reason}"
        )


@dataclass
class ImportReport:
    """What an import did; ``refused`` when nothing was written because of ``strict``."""

    lines: int = 0
    created_in_network: int = 0
    created_outside: int = 0
    already_imported: int = 0
    errors: list[LineError] = field(default_factory=list)
    refused: bool = False
    encoding: str = ""

    @property
    def created(self) -> int:
        return self.created_in_network + self.created_outside


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM when it decodes, else Windows-1252, else
    Latin-1 (which decodes anything)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


@dataclass
class _Row:
    line: int
    siret: str
    amount_cents: int
    date: dt.date
    name: str
    description: str

    def key(self) -> str:
        return "|".join(
            (self.siret, str(self.amount_cents), self.date.isoformat(), fold(self.description))
        )


def _rows(text: str, source: str, report: ImportReport) -> Iterable[_Row]:
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise FileRefused(f"{source} : fichier vide, pas de ligne d'en-tête.")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = Header.find(next(reader), COLUMNS, REQUIRED, source)
    labels = {key: header.names[i] for key, i in header.index.items()}
    today = dt.date.today()
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        report.lines += 1

        def cell(key: str, values: list[str] = values) -> str:
            i = header.get(key)
            return values[i].strip() if i is not None and i < len(values) else ""

        parsed: dict[str, Any] = {}
        bad = False
        for key, parse in (
            ("siret", check_siret),
            ("amount", parse_amount_cents),
            ("date", parse_date),
        ):
            try:
                parsed[key] = parse(cell(key))
            except ValueError as exc:
                report.errors.append(LineError(line, labels[key], cell(key), str(exc)))
                bad = True
        if not bad and parsed["date"] > today:
            report.errors.append(
                LineError(line, labels["date"], cell("date"), "date dans le futur")
            )
            bad = True
        if bad:
            continue
        yield _Row(
            line=line,
            siret=parsed["siret"],
            amount_cents=parsed["amount"],
            date=parsed["date"],
            name=cell("name")[:255],
            description=cell("description")[:500],
        )


def _suppliers(sirets: set[str]) -> dict[str, Organisation]:
    """SIRET → directory organisation, by establishment then by SIREN, in a few queries."""
    found: dict[str, Organisation] = {}
    chunk = sorted(sirets)
    for start in range(0, len(chunk), 500):
        part = chunk[start : start + 500]
        for est in Establishment.objects.select_related("organisation").filter(siret__in=part):
            found[est.siret] = est.organisation  # type: ignore[index]
        missing = {s[:9]: s for s in part if s not in found}
        if missing:
            by_siren = Organisation.objects.filter(siren__in=list(missing))
            sirens = {org.siren: org for org in by_siren}
            for siret in part:
                if siret not in found and siret[:9] in sirens:
                    found[siret] = sirens[siret[:9]]
    return found


def import_purchases(
    data: bytes,
    *,
    buyer: Organisation,
    recorded_by: Any | None = None,
    strict: bool = False,
    source: str = "fichier",
) -> ImportReport:
    """Import ``data`` (CSV bytes) as purchases of ``buyer``. Raises :class:`FileRefused` when
    the file as a whole cannot be read (empty, required column missing)."""
    report = ImportReport()
    text, report.encoding = decode(data)
    rows = list(_rows(text, source, report))
    suppliers = _suppliers({row.siret for row in rows})
    seen: Counter[str] = Counter()
    candidates: list[tuple[_Row, str, Organisation | None]] = []
    for row in rows:
        supplier = suppliers.get(row.siret)
        if supplier is not None and supplier.pk == buyer.pk:
            report.errors.append(
                LineError(
                    row.line,
                    "SIRET",
                    row.siret,
                    "ce SIRET est celui de la coopérative acheteuse : ce n'est pas un achat",
                )
            )
            continue
        key = row.key()
        seen[key] += 1
        fingerprint = hashlib.sha256(f"{key}#{seen[key]}".encode()).hexdigest()
        candidates.append((row, fingerprint, supplier))
    report.errors.sort(key=lambda e: e.line)
    if strict and report.errors:
        report.refused = True
        return report
    existing = set(
        Purchase.objects.filter(
            buyer=buyer, fingerprint__in=[fp for _row, fp, _s in candidates]
        ).values_list("fingerprint", flat=True)
    )
    to_create: list[Purchase] = []
    for row, fingerprint, supplier in candidates:
        if fingerprint in existing:
            report.already_imported += 1
            continue
        to_create.append(
            Purchase(
                buyer=buyer,
                supplier=supplier,
                supplier_siret=row.siret,
                supplier_name=row.name or (supplier.name if supplier else ""),
                amount_cents=row.amount_cents,
                date=row.date,
                description=row.description,
                source=PurchaseSource.IMPORT,
                fingerprint=fingerprint,
                recorded_by=recorded_by,
            )
        )
        if supplier is not None:
            report.created_in_network += 1
        else:
            report.created_outside += 1
    with transaction.atomic():
        Purchase.objects.bulk_create(to_create, batch_size=1000)
    return report


def errors_csv(report: ImportReport) -> str:
    """The error report as CSV (`;`, opens in Excel): ligne, colonne, valeur, motif."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["ligne", "colonne", "valeur", "motif"])
    for error in report.errors:
        writer.writerow([error.line, error.column, error.value, error.reason])
    return "\ufeff" + out.getvalue()
