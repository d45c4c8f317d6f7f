"""Import of a union's member list (CSV or XLSX): who is a member, since when, until when.

Columns are found by their French header names, ignoring case, accents and punctuation
("Date d'adhésion", "DATE ADHESION"…). Rows are matched to organisations by SIREN (the first
nine digits of a SIRET); an organisation not yet in the directory is created from the row.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from maillage.directory.enums import Family
from maillage.directory.models import Organisation
from maillage.directory.validators import siren_valid, siret_valid
from maillage.territories.models import Union

from .engine import BatchHook, Chunk, ImportRefused, Pass, PassStats, after_import, run_pass
from .reading import CsvRows, FileRefused, XlsxRows, fold, open_rows
from .report import Checkpoint, ErrorReport, fingerprint
from .sirene import organisation_slug

DEFAULT_BATCH = 2_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")

# Folded spellings of each family, as union staff write them.
FAMILY_WORDS = {
    "scop": Family.SCOP, "scop sa": Family.SCOP, "scop sarl": Family.SCOP,
    "scop sas": Family.SCOP, "cooperative ouvriere de production": Family.SCOP,
    "societe cooperative et participative": Family.SCOP,
    "scic": Family.SCIC, "scic sa": Family.SCIC, "scic sarl": Family.SCIC,
    "scic sas": Family.SCIC, "societe cooperative d interet collectif": Family.SCIC,
    "cae": Family.CAE, "cooperative d activite et d emploi": Family.CAE,
    "cooperative d activites et d emploi": Family.CAE,
    "habitants": Family.HABITANTS, "cooperative d habitants": Family.HABITANTS,
    "autre cooperative": Family.OTHER_COOP, "cooperative": Family.OTHER_COOP,
    "other coop": Family.OTHER_COOP,
    "ess": Family.OTHER_ESS, "autre ess": Family.OTHER_ESS,
    "autre organisation de l ess": Family.OTHER_ESS, "other ess": Family.OTHER_ESS,
}  # fmt: skip


def parse_family(value: str) -> str | None:
    """The family a cell names, or None when it names none."""
    key = fold(value)
    if key in FAMILY_WORDS:
        return FAMILY_WORDS[key].value
    for family in Family:
        if key in (fold(family.value), fold(str(family.label))):
            return family.value
    return None


def parse_date(value: str) -> dt.date:
    """A date as written in a spreadsheet (ISO, or day first); ValueError otherwise."""
    value = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


class MemberPass(Pass):
    """Member rows → Organisation membership fields (created when absent)."""

    name = "adherents"
    wanted = {
        "siren": ("SIREN", "Numéro SIREN", "N° SIREN"),
        "siret": ("SIRET", "Numéro SIRET", "N° SIRET"),
        "name": ("Nom", "Raison sociale", "Dénomination", "Nom de la structure", "Organisation"),
        "family": ("Famille", "Type", "Forme coopérative", "Statut coopératif"),
        "joined": ("Date d'adhésion", "Adhésion", "Adhérent depuis", "Début d'adhésion"),
        "left": ("Date de sortie", "Fin d'adhésion", "Date de fin d'adhésion", "Sortie",
                 "Date de radiation"),
        "email": ("E-mail", "Email", "Courriel", "Adresse e-mail", "Mail"),
    }  # fmt: skip
    required = (("siren", "siret"), "name")

    def __init__(
        self, reader: CsvRows | XlsxRows, report: ErrorReport, *, union: Union | None
    ) -> None:
        super().__init__(reader, report)
        self.union = union
        self.today = timezone.localdate()

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        items: list[tuple[int, Any]] = []
        for line, values in zip(chunk.lines, chunk.rows, strict=True):
            siren_cell, siret_cell, name, family_cell, joined_cell, left_cell, email = (
                v.strip() for v in values
            )
            if not any((siren_cell, siret_cell, name)):
                continue  # a blank row between blocks
            self.stats.kept += 1
            siren_cell = siren_cell.replace(" ", "")
            siret_cell = siret_cell.replace(" ", "")
            if siren_cell:
                if not siren_valid(siren_cell):
                    self.error(line, "siren", siren_cell, "SIREN invalide (9 chiffres, Luhn)")
                    continue
                siren = siren_cell
            elif siret_valid(siret_cell):
                siren = siret_cell[:9]
            else:
                self.error(line, "siret", siret_cell, "SIRET invalide (14 chiffres, Luhn)")
                continue
            family = None
            if family_cell:
                family = parse_family(family_cell)
                if family is None:
                    choices = ", ".join(str(f.label) for f in Family)
                    self.error(line, "family", family_cell, f"famille inconnue ({choices})")
                    continue
            dates: list[dt.date | None] = []
            for key, cell in (("joined", joined_cell), ("left", left_cell)):
                try:
                    dates.append(parse_date(cell) if cell else None)
                except ValueError:
                    self.error(line, key, cell, "date illisible (attendu JJ/MM/AAAA)")
                    break
            if len(dates) < 2:
                continue
            joined, left = dates
            if joined and left and left < joined:
                self.error(line, "left", left_cell, "date de sortie antérieure à l'adhésion")
                continue
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(line, "email", email, "adresse e-mail invalide")
                    continue
            items.append((line, (siren, name[:255], family, joined, left, email)))
        return items

    def save(self, items: list[tuple[int, Any]]) -> None:
        rows = {row[0]: (line, row) for line, row in items}
        existing = {o.siren: o for o in Organisation.objects.filter(siren__in=list(rows))}
        create, update = [], []
        for siren, (line, (_siren, name, family, joined, left, email)) in rows.items():
            member = left is None or left > self.today
            organisation = existing.get(siren)
            if organisation is None:
                if family is None:
                    self.error(line, "family", "", "famille requise pour créer l'organisation")
                    continue
                if not name:
                    self.error(line, "name", "", "nom requis pour créer l'organisation")
                    continue
                organisation = Organisation(
                    siren=siren, name=name, slug=organisation_slug(name, siren), family=family
                )
                create.append(organisation)
            else:
                update.append(organisation)
                if family:
                    organisation.family = family
            organisation.is_union_member = member
            if self.union is not None:
                organisation.union = self.union
            organisation.union_joined_on = joined
            organisation.union_left_on = left
            if email:
                organisation.contact_email = email
        Organisation.objects.bulk_create(create)
        Organisation.objects.bulk_update(
            update,
            ["family", "is_union_member", "union", "union_joined_on", "union_left_on",
             "contact_email", "updated_at"],
        )  # fmt: skip
        self.stats.written += len(create) + len(update)


@dataclass
class MembersResult:
    """What a member-list import did."""

    stats: PassStats
    errors: int
    report: Path
    resumed_line: int = 0


def members_import(
    *,
    path: Path,
    union: str | None = None,
    strict: bool = False,
    errors_path: Path | None = None,
    batch_size: int = DEFAULT_BATCH,
    encoding: str | None = None,
    restart: bool = False,
    progress_stream: IO[str] | None = sys.stderr,
    on_batch: BatchHook | None = None,
) -> MembersResult:
    """Import a member list; same transactions, report and resumption as ``sirene_import``."""
    path = Path(path)
    union_row = None
    if union:
        union_row = Union.objects.filter(slug=union).first()
        if union_row is None:
            known = ", ".join(Union.objects.values_list("slug", flat=True)) or "aucune"
            raise FileRefused(f"Union « {union} » inconnue (unions connues : {known}).")
    report_path = Path(errors_path) if errors_path else path.with_name(path.name + ".errors.csv")
    reader = open_rows(path, encoding)
    checkpoint = None
    state: dict[str, Any] = {}
    if not strict:
        checkpoint = Checkpoint(
            path.with_name(path.name + ".checkpoint.json"),
            {"kind": "members", "file": fingerprint(path), "union": union, "batch": batch_size},
        )
        if restart:
            checkpoint.clear()
        state = checkpoint.load() or {}
    report = ErrorReport(report_path, append=bool(state), echo=progress_stream)
    try:
        step = MemberPass(reader, report, union=union_row)
        done = state.get(MemberPass.name, {})
        if done:
            step.stats = PassStats(**done["stats"])
        options = {
            "batch_size": batch_size,
            "strict": strict,
            "progress_stream": progress_stream,
            "checkpoint": checkpoint,
            "resume_line": done.get("line", 0),
            "on_batch": on_batch,
        }
        if strict:
            with transaction.atomic():
                run_pass(step, **options)  # type: ignore[arg-type]
                if report.count:
                    raise ImportRefused(report.count, report_path)
        else:
            run_pass(step, **options)  # type: ignore[arg-type]
            assert checkpoint is not None
            checkpoint.clear()
        after_import()
    finally:
        reader.close()
        report.close()
    return MembersResult(step.stats, report.count, report_path, done.get("line", 0))
