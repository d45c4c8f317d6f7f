"""Import of DECP files: contracts upserted by (contract id, buyer id), holders linked to the
directory by SIRET then SIREN.

Nothing is lost: a contract with odd values is kept with those values empty and each problem
reported with its position (« marché n° 12, id 2024-001 »); a holder whose SIRET is malformed is
kept, unlinked, and reported; an unknown field is reported once with how many contracts carry
it. Only a record that is not JSON, or has no ``id``, is left out (and reported). Writes go in
batches, one transaction each, every write an upsert: an interrupted import is rerun from the
start without harm, and importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from maillage.directory.models import Establishment, Organisation
from maillage.directory.validators import siren_valid, siret_valid

from .decp import Contract as Record
from .decp import DecpRefused, MalformedRecord, ReadStats, iter_contracts, normalise
from .models import Award, Contract
from .places import PlaceResolver

MAX_AMOUNT_EUROS = 1e11  # above, a typing error (1e17 is seen in real files)

__all__ = ["DecpRefused", "ImportIssue", "ImportResult", "import_decp"]


@dataclass(frozen=True)
class ImportIssue:
    position: int
    contract_id: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"marché n° {self.position}"
        if self.contract_id:
            where += f" (id {self.contract_id})"
        return f"{where}, champ « {self.field} », valeur « {self.value} » : {self.reason}"


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    left_out: int = 0
    holders: int = 0
    holders_linked: int = 0
    skipped_concessions: int = 0
    layout: str = ""
    shapes: Counter[str] = field(default_factory=Counter)
    issues: list[ImportIssue] = field(default_factory=list)
    unknown_fields: Counter[str] = field(default_factory=Counter)
    unknown_first: dict[str, int] = field(default_factory=dict)

    def unknown_field_messages(self) -> list[str]:
        return [
            f"champ inconnu « {name} » dans {count} marché(s), le premier n° "
            f"{self.unknown_first[name]} : ignoré"
            for name, count in sorted(self.unknown_fields.items())
        ]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class _Batch:
    def __init__(self, resolver: PlaceResolver, result: ImportResult) -> None:
        self.resolver = resolver
        self.result = result
        self.records: dict[tuple[str, str], tuple[int, Record]] = {}

    def add(self, position: int, record: Record) -> None:
        self.records[(record.contract_id, record.buyer_id)] = (position, record)

    def _issue(self, position: int, record: Record, name: str, value: object, why: str) -> None:
        self.result.issues.append(ImportIssue(position, record.contract_id, name, str(value), why))

    def _row(self, position: int, record: Record) -> Contract:
        amount_cents = None
        if record.amount is not None:
            if 0 <= record.amount <= MAX_AMOUNT_EUROS:
                amount_cents = round(record.amount * 100)
            else:
                self._issue(
                    position, record, "montant", record.amount, "montant invraisemblable, ignoré"
                )
        notified = _date(record.notified_on)
        if record.notified_on and notified is None:
            self._issue(
                position,
                record,
                "dateNotification",
                record.notified_on,
                "date illisible (AAAA-MM-JJ attendu)",
            )
        dep, region = self.resolver.resolve(record.place_code, record.place_type)
        cpv = record.cpv.split("-")[0].strip()
        if cpv and not (cpv.isdigit() and len(cpv) == 8):
            self._issue(position, record, "codeCPV", record.cpv, "code CPV de 8 chiffres attendu")
        return Contract(
            contract_id=record.contract_id[:255],
            buyer_id=record.buyer_id[:64],
            buyer_name=record.buyer_name[:255],
            nature=record.nature[:100],
            subject=record.subject,
            cpv_code=record.cpv[:12],
            cpv_division=cpv[:2] if cpv[:2].isdigit() else "",
            procedure=record.procedure[:120],
            place_code=record.place_code[:10],
            place_type=record.place_type[:40],
            departement_id=dep,
            region_id=region,
            notified_on=notified,
            published_on=_date(record.published_on),
            duration_months=(
                record.duration_months
                if record.duration_months is not None and 0 <= record.duration_months < 10**6
                else None
            ),
            amount_cents=amount_cents,
            source_shape=record.shape,
        )

    def _holders(self) -> tuple[list[tuple[tuple[str, str], int, str, str, str]], set[str]]:
        rows = []
        sirets: set[str] = set()
        for key, (position, record) in self.records.items():
            for rank, holder in enumerate(record.holders, start=1):
                identifier = holder.identifier.replace(" ", "")
                kind = holder.identifier_type.upper()
                if kind in ("SIRET", "") and identifier.isdigit() and len(identifier) == 14:
                    if siret_valid(identifier):
                        sirets.add(identifier)
                    else:
                        self._issue(
                            position,
                            record,
                            f"titulaires[{rank}].id",
                            identifier,
                            "SIRET invalide (clé de contrôle fausse) : titulaire gardé sans lien",
                        )
                elif kind == "SIRET":
                    self._issue(
                        position,
                        record,
                        f"titulaires[{rank}].id",
                        identifier,
                        f"SIRET malformé ({len(identifier)} caractères, 14 chiffres attendus) : "
                        "titulaire gardé sans lien",
                    )
                rows.append(
                    (key, rank, identifier[:64], holder.identifier_type[:40], holder.name[:255])
                )
        return rows, sirets

    def write(self) -> None:
        if not self.records:
            return
        rows = {
            key: self._row(position, record) for key, (position, record) in self.records.items()
        }
        holder_rows, sirets = self._holders()
        by_siret = {
            e.siret: e.organisation_id
            for e in Establishment.objects.filter(siret__in=sirets).only("siret", "organisation_id")
        }
        sirens = {s[:9] for s in sirets if s not in by_siret and siren_valid(s[:9])}
        by_siren = dict(Organisation.objects.filter(siren__in=sirens).values_list("siren", "pk"))
        with transaction.atomic():
            existing = {
                (c.contract_id, c.buyer_id): c.pk
                for c in Contract.objects.filter(contract_id__in={k[0] for k in rows}).only(
                    "pk", "contract_id", "buyer_id"
                )
                if (c.contract_id, c.buyer_id) in rows
            }
            fields = [f.name for f in Contract._meta.concrete_fields if f.name not in ("id",)]
            updates = []
            for key, row in rows.items():
                if key in existing:
                    row.pk = existing[key]
                    updates.append(row)
            Contract.objects.bulk_update(
                updates, [f for f in fields if f != "imported_at"], batch_size=200
            )
            Contract.objects.bulk_create(
                [r for k, r in rows.items() if k not in existing], batch_size=500
            )
            ids = {
                (c.contract_id, c.buyer_id): c.pk
                for c in Contract.objects.filter(contract_id__in={k[0] for k in rows}).only(
                    "pk", "contract_id", "buyer_id"
                )
            }
            Award.objects.filter(contract_id__in=[ids[k] for k in rows]).delete()
            awards = []
            for key, rank, identifier, kind, name in holder_rows:
                organisation_id = (
                    (by_siret.get(identifier) or by_siren.get(identifier[:9]))
                    if identifier in sirets
                    else None
                )
                awards.append(
                    Award(
                        contract_id=ids[key],
                        position=rank,
                        identifier=identifier,
                        identifier_type=kind,
                        name=name,
                        organisation_id=organisation_id,
                    )
                )
                self.result.holders += 1
                self.result.holders_linked += organisation_id is not None
            Award.objects.bulk_create(awards, batch_size=500)
        self.result.written += len(rows)
        self.records.clear()


def import_decp(
    path: Path,
    *,
    batch_size: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import one DECP JSON file (v1, v2 nested or flattened). Raises :class:`DecpRefused`
    when the file is not DECP JSON at all; everything else is reported in the result."""
    result = ImportResult()
    stats = ReadStats()
    batch = _Batch(PlaceResolver(), result)
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for position, item in iter_contracts(handle, stats):
            result.read += 1
            if isinstance(item, MalformedRecord):
                result.left_out += 1
                result.issues.append(
                    ImportIssue(
                        position,
                        "",
                        "(marché)",
                        f"caractère {item.position}",
                        f"JSON illisible : {item.reason}",
                    )
                )
                continue
            if not isinstance(item, dict):
                result.left_out += 1
                result.issues.append(
                    ImportIssue(
                        position, "", "(marché)", str(item)[:60], "un objet JSON était attendu"
                    )
                )
                continue
            record = normalise(item, stats.layout)
            result.shapes[record.shape] += 1
            for name in record.unknown_fields:
                result.unknown_fields[name] += 1
                result.unknown_first.setdefault(name, position)
            if not record.contract_id:
                result.left_out += 1
                result.issues.append(
                    ImportIssue(position, "", "id", "", "marché sans identifiant : laissé de côté")
                )
                continue
            batch.add(position, record)
            if len(batch.records) >= batch_size:
                batch.write()
                if progress:
                    progress(result)
        batch.write()
    result.layout = stats.layout
    result.skipped_concessions = stats.skipped_concessions
    if progress:
        progress(result)
    return result


def write_issues_csv(result: ImportResult, path: Path) -> None:
    """The report as CSV (`;`, UTF-8 with BOM): position, id, champ, valeur, motif."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["marché n°", "id", "champ", "valeur", "motif"])
        for issue in result.issues:
            writer.writerow(
                [issue.position, issue.contract_id, issue.field, issue.value, issue.reason]
            )
        for message in result.unknown_field_messages():
            writer.writerow(["", "", "", "", message])
