"""Import of the INSEE SIRENE stock files: legal units, then their establishments.

Only units in scope are kept: cooperative legal categories whatever the ESS flag, and units
flagged ``economieSocialeSolidaireUniteLegale = O``; when a file has no ESS column (older
layouts), associations, mutuals and foundations count as ESS by status (see
``data/legal_categories.csv``). Ceased units (``etatAdministratifUniteLegale = C``) are left
out. Establishments are kept when their unit is in the directory; the others are skipped
before any validation. Columns are found by header name, so the column order and extra
columns of each vintage do not matter. See docs/imports.md.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from maillage.directory.enums import Family, PointPrecision
from maillage.directory.models import Establishment, Organisation
from maillage.directory.validators import LA_POSTE_SIREN, siret_valid

from . import geo
from .engine import BatchHook, Chunk, ImportRefused, Pass, PassStats, after_import, run_pass
from .reading import CsvRows, FileRefused
from .reference import (
    HEADCOUNT_BANDS,
    OUTSIDE_TERRITORIES_PREFIXES,
    commune_lookup,
    cooperative_codes,
    legal_categories,
    sector_lookup,
)
from .report import Checkpoint, ErrorReport, fingerprint
from .writers import Upsert, ids_for_sirens, organisation_communes_set

NOT_DIFFUSED = "[ND]"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Each digit doubled, then its digits summed (Luhn).
_DOUBLED = str.maketrans("0123456789", "0246813579")
NAF_REV2 = {"NAFRev2", ""}
OLD_NOMENCLATURES = {"NAFRev1", "NAF1993", "NAP"}
GENERIC_FAMILIES = (Family.OTHER_COOP.value, Family.OTHER_ESS.value)
NAME_MAX = 255
SLUG_STEM_MAX = 60
DEFAULT_BATCH = 20_000

# Street types as INSEE abbreviates them (typeVoie…), spelled out in addresses.
STREET_TYPES = {
    "ALL": "Allée", "AV": "Avenue", "BD": "Boulevard", "CAR": "Carrefour", "CHE": "Chemin",
    "CHS": "Chaussée", "CITE": "Cité", "COR": "Corniche", "CRS": "Cours", "DOM": "Domaine",
    "DSC": "Descente", "ECA": "Écart", "ESP": "Esplanade", "FG": "Faubourg", "GR": "Grande Rue",
    "HAM": "Hameau", "HLE": "Halle", "IMP": "Impasse", "LD": "Lieu-dit", "LOT": "Lotissement",
    "MAR": "Marché", "MTE": "Montée", "PAS": "Passage", "PL": "Place", "PLN": "Plaine",
    "PLT": "Plateau", "PRO": "Promenade", "PRV": "Parvis", "QUA": "Quartier", "QUAI": "Quai",
    "RES": "Résidence", "RLE": "Ruelle", "ROC": "Rocade", "RPT": "Rond-point", "RTE": "Route",
    "RUE": "Rue", "SEN": "Sentier", "SQ": "Square", "TPL": "Terre-plein", "TRA": "Traverse",
    "VLA": "Villa", "VLGE": "Village",
}  # fmt: skip
REPETITION = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}


def _text(value: str) -> str:
    """A SIRENE text field, with the "[ND]" of non-diffused values read as empty."""
    value = value.strip()
    return "" if value == NOT_DIFFUSED else value


def organisation_slug(name: str, siren: str) -> str:
    """A stable, unique page address: the name's slug, then the SIREN."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_SLUG.sub("-", folded.lower()).strip("-")[:SLUG_STEM_MAX].strip("-")
    return f"{stem or 'organisation'}-{siren}"


def _luhn(digits: str) -> bool:
    """Luhn checksum of an ASCII digit string (one C-level pass per half, no Python loop)."""
    return (
        sum(map(int, digits[-1::-2])) + sum(map(int, digits[-2::-2].translate(_DOUBLED)))
    ) % 10 == 0


def siren_ok(value: str) -> bool:
    """Same answer as ``validators.siren_valid``, several times faster (hot path)."""
    return len(value) == 9 and value.isascii() and value.isdigit() and _luhn(value)


def siret_ok(value: str) -> bool:
    """Same answer as ``validators.siret_valid`` (La Poste's rule delegated to it)."""
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        return False
    if value.startswith(LA_POSTE_SIREN):
        return siret_valid(value)
    return _luhn(value)


class UnitPass(Pass):
    """StockUniteLegale → Organisation, upserted by SIREN."""

    name = "unites"
    wanted = {
        "siren": ("siren",),
        "category": ("categorieJuridiqueUniteLegale",),
        "name": ("denominationUniteLegale",),
        "usual_name": ("denominationUsuelle1UniteLegale",),
        "acronym": ("sigleUniteLegale",),
        "ess": ("economieSocialeSolidaireUniteLegale",),
        "state": ("etatAdministratifUniteLegale",),
        "diffusion": ("statutDiffusionUniteLegale",),
        "created": ("dateCreationUniteLegale",),
        "band": ("trancheEffectifsUniteLegale",),
        "naf": ("activitePrincipaleUniteLegale",),
        "naf_nomenclature": ("nomenclatureActivitePrincipaleUniteLegale",),
    }
    required = ("siren", "category", "name")

    def __init__(self, reader: CsvRows, report: ErrorReport, *, sectors: dict[str, int]) -> None:
        super().__init__(reader, report)
        self.sectors = sectors
        self.categories = legal_categories()
        self.cooperative = cooperative_codes()
        self.ess_by_status = frozenset(c for c, cat in self.categories.items() if cat.ess_by_status)
        index = self.header.index
        self._category = index["category"]
        self._ess = index.get("ess")
        self._state = index.get("state")
        self.upsert = Upsert(
            Organisation,
            key="siren",
            fields=[
                "siren", "name", "acronym", "slug", "legal_category", "family", "is_ess",
                "sector_id", "creation_date", "headcount_band", "diffusion_partial",
            ],
            update=[
                "name", "acronym", "legal_category", "family", "is_ess", "sector_id",
                "creation_date", "headcount_band", "diffusion_partial",
            ],
            # A family set by a person or the union's list (Scic, CAE…) beats the generic one
            # the legal category gives.
            update_sql={
                "family": "CASE WHEN {table}.family IN ('other_coop', 'other_ess') "
                "THEN excluded.family ELSE {table}.family END"
            },
        )  # fmt: skip

    def keep(self, row: list[str]) -> bool:
        category = row[self._category]
        ess = row[self._ess] if self._ess is not None else ""
        if not (
            ess == "O"
            or category in self.cooperative
            or (ess == "" and category in self.ess_by_status)
        ):
            return False
        return self._state is None or row[self._state] != "C"

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        items: list[tuple[int, Any]] = []
        categories = self.categories
        sectors = self.sectors
        stats = self.stats
        for line, values in zip(chunk.lines, chunk.rows, strict=True):
            (siren, category, name, usual_name, acronym, ess, _state, diffusion, created,
             band, naf, nomenclature) = values  # fmt: skip
            stats.kept += 1
            siren = siren.strip()
            if not siren_ok(siren):
                self.error(line, "siren", siren, "SIREN invalide (9 chiffres, clé de Luhn)")
                continue
            legal = categories.get(category)
            if legal is None:
                self.error(
                    line, "category", category, "catégorie juridique inconnue de la nomenclature"
                )
                continue
            sector_id = None
            naf = _text(naf)
            if naf:
                if nomenclature in NAF_REV2:
                    sector_id = sectors.get(naf)
                    if sector_id is None:
                        self.error(line, "naf", naf, "code NAF rév. 2 inconnu")
                        continue
                elif nomenclature not in OLD_NOMENCLATURES:
                    self.error(
                        line, "naf_nomenclature", nomenclature, "nomenclature d'activité inconnue"
                    )
                    continue
            creation_date = None
            created = _text(created)
            if created:
                try:
                    creation_date = dt.date.fromisoformat(created)
                except ValueError:
                    self.error(line, "created", created, "date invalide (attendu AAAA-MM-JJ)")
                    continue
            band = band.strip() or "NN"
            if band not in HEADCOUNT_BANDS:
                self.error(line, "band", band, "tranche d'effectif inconnue")
                continue
            display = (_text(name) or _text(usual_name) or _text(acronym)
                       or f"Unité légale {siren}")[:NAME_MAX]  # fmt: skip
            is_ess = ess == "O" if ess in ("O", "N") else legal.ess_by_status
            family = legal.family or Family.OTHER_ESS.value
            items.append(
                (
                    line,
                    (siren, display, _text(acronym)[:60], organisation_slug(display, siren),
                     category, family, is_ess, sector_id, creation_date, band,
                     diffusion in ("P", "N")),
                )
            )  # fmt: skip
        return items

    def save(self, items: list[tuple[int, Any]]) -> None:
        # The same SIREN twice in a batch: the last line wins (PostgreSQL refuses duplicates).
        rows = list({row[0]: row for _line, row in items}.values())
        self.upsert.run(rows)
        self.stats.written += len(rows)


class EstablishmentPass(Pass):
    """StockEtablissement → Establishment, upserted by SIRET, for units in the directory."""

    name = "etablissements"
    wanted = {
        "siret": ("siret",),
        "siren": ("siren",),
        "head_office": ("etablissementSiege",),
        "state": ("etatAdministratifEtablissement",),
        "commune": ("codeCommuneEtablissement",),
        "country": ("codePaysEtrangerEtablissement",),
        "diffusion": ("statutDiffusionEtablissement",),
        "band": ("trancheEffectifsEtablissement",),
        "sign": ("enseigne1Etablissement",),
        "usual_name": ("denominationUsuelleEtablissement",),
        "number": ("numeroVoieEtablissement",),
        "repetition": ("indiceRepetitionEtablissement",),
        "street_type": ("typeVoieEtablissement",),
        "street": ("libelleVoieEtablissement",),
        "postal_code": ("codePostalEtablissement",),
        "x": ("coordonneeLambertAbscisseEtablissement",),
        "y": ("coordonneeLambertOrdonneeEtablissement",),
        "naf": ("activitePrincipaleEtablissement",),
        "naf_nomenclature": ("nomenclatureActivitePrincipaleEtablissement",),
    }
    required = ("siret", "head_office", "state", "commune")

    def __init__(
        self,
        reader: CsvRows,
        report: ErrorReport,
        *,
        sectors: dict[str, int],
        communes: dict[str, Any],
    ) -> None:
        super().__init__(reader, report)
        self.sectors = sectors
        self.communes = communes
        self.has_siren = "siren" in self.header.index
        self.upsert = Upsert(
            Establishment,
            key="siret",
            fields=[
                "siret", "organisation_id", "name", "is_headquarters", "is_active", "address",
                "postal_code", "commune_id", "latitude", "longitude", "point_precision",
                "sector_id", "headcount_band", "diffusion_partial",
            ],
            update=[
                "organisation_id", "name", "is_headquarters", "is_active", "address",
                "postal_code", "commune_id", "latitude", "longitude", "point_precision",
                "sector_id", "headcount_band", "diffusion_partial",
            ],
        )  # fmt: skip

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        rows = chunk.rows
        if self.has_siren:
            sirens = {values[1] for values in rows}
        else:
            sirens = {values[0][:9] for values in rows}
        organisations = ids_for_sirens(sirens)
        if not organisations:
            return []
        communes = self.communes
        sectors = self.sectors
        stats = self.stats
        has_siren = self.has_siren
        items: list[tuple[int, Any]] = []
        projected: dict[int, tuple[list[int], list[float], list[float]]] = {}
        # Establishments of units outside the directory are dropped before any other work.
        position = 1 if has_siren else None
        in_scope = [
            (line, values)
            for line, values in zip(chunk.lines, rows, strict=True)
            if (values[1] if position else values[0][:9]) in organisations
        ]
        stats.kept += len(in_scope)
        for line, values in in_scope:
            (siret, siren, head_office, state, commune_code, country, diffusion, band, sign,
             usual_name, number, repetition, street_type, street, postal_code, x, y, naf,
             nomenclature) = values  # fmt: skip
            if not has_siren:
                siren = siret[:9]
            organisation_id = organisations[siren]
            if not siret_ok(siret) or not siret.startswith(siren):
                self.error(line, "siret", siret, "SIRET invalide (14 chiffres, clé de Luhn)")
                continue
            if state not in ("A", "F"):
                self.error(line, "state", state, "état administratif inconnu (attendu A ou F)")
                continue
            commune = communes.get(commune_code)
            if commune is None and commune_code:
                if not commune_code.startswith(OUTSIDE_TERRITORIES_PREFIXES):
                    self.error(line, "commune", commune_code, "code commune INSEE inconnu")
                    continue
            elif commune is None and not _text(country):
                self.error(line, "commune", commune_code, "code commune absent (et pas de pays)")
                continue
            sector_id = None
            naf = _text(naf)
            if naf:
                if nomenclature in NAF_REV2:
                    sector_id = sectors.get(naf)
                    if sector_id is None:
                        self.error(line, "naf", naf, "code NAF rév. 2 inconnu")
                        continue
                elif nomenclature not in OLD_NOMENCLATURES:
                    self.error(
                        line, "naf_nomenclature", nomenclature, "nomenclature d'activité inconnue"
                    )
                    continue
            band = band.strip() or "NN"
            if band not in HEADCOUNT_BANDS:
                self.error(line, "band", band, "tranche d'effectif inconnue")
                continue
            partial = diffusion in ("P", "N")
            latitude = longitude = None
            precision = PointPrecision.NONE.value
            address = ""
            if not partial:
                number = _text(number)
                street = _text(street)
                if street:
                    kind = _text(street_type)
                    kind = STREET_TYPES.get(kind, kind)
                    suffix = REPETITION.get(_text(repetition), _text(repetition).lower())
                    address = " ".join(part for part in (number, suffix, kind, street) if part)[
                        :NAME_MAX
                    ]
                if commune is not None:
                    x, y = _text(x), _text(y)
                    if x and y:
                        try:
                            fx, fy = float(x), float(y)
                        except ValueError:
                            self.error(line, "x", f"{x} {y}", "coordonnées non numériques")
                            continue
                        epsg = geo.crs_for_departement(commune.departement)
                        slot = projected.setdefault(epsg, ([], [], []))
                        slot[0].append(len(items))
                        slot[1].append(fx)
                        slot[2].append(fy)
                    if commune.latitude is not None:
                        latitude, longitude = commune.latitude, commune.longitude
                        precision = PointPrecision.COMMUNE.value
            postal = _text(postal_code)[:5]
            items.append(
                (
                    line,
                    [siret, organisation_id, (_text(sign) or _text(usual_name))[:NAME_MAX],
                     head_office.lower() in ("true", "1", "o", "oui"), state == "A", address,
                     postal, commune.code if commune else None, latitude, longitude, precision,
                     sector_id, band, partial],
                )
            )  # fmt: skip
        for epsg, (indexes, xs, ys) in projected.items():
            for position, point in zip(indexes, geo.to_wgs84(epsg, xs, ys), strict=True):
                if point is not None:
                    row = items[position][1]
                    row[8], row[9] = point
                    row[10] = PointPrecision.ADDRESS.value
        return items

    def save(self, items: list[tuple[int, Any]]) -> None:
        unique = {row[0]: tuple(row) for _line, row in items}
        rows = list(unique.values())
        self.upsert.run(rows)
        # The unit's commune is its head office's.
        organisation_communes_set(
            [(row[7], row[1]) for row in rows if row[3] and row[7] is not None]
        )
        self.stats.written += len(rows)


@dataclass
class SireneResult:
    """What an import did, per file, and where the error report is."""

    unites: PassStats
    etablissements: PassStats
    errors: int
    report: Path
    resumed: dict[str, int] = field(default_factory=dict)


def sirene_import(
    *,
    unites: Path,
    etablissements: Path,
    strict: bool = False,
    errors_path: Path | None = None,
    batch_size: int = DEFAULT_BATCH,
    encoding: str | None = None,
    restart: bool = False,
    progress_stream: IO[str] | None = sys.stderr,
    on_batch: BatchHook | None = None,
    refresh_search: bool = True,
) -> SireneResult:
    """Import a StockUniteLegale file then a StockEtablissement file (see the module docstring).

    Not strict: each batch is committed on its own, bad lines are skipped and written to the
    error report, and the position is saved in ``<unites>.checkpoint.json`` so that rerunning
    the same command resumes after the last committed batch (``restart`` ignores it). Strict:
    everything is written in one transaction, rolled back if any line is bad
    (``ImportRefused``). Raises ``FileRefused`` when a file cannot be read at all. At the end,
    the search documents are rebuilt (``refresh_search``) and the map's indexes dropped.
    """
    unites, etablissements = Path(unites), Path(etablissements)
    report_path = (
        Path(errors_path) if errors_path else unites.with_name(unites.name + ".errors.csv")
    )
    checkpoint = None
    state: dict[str, Any] = {}
    if not strict:
        for path in (unites, etablissements):
            if not path.exists():
                raise FileRefused(f"{path} : fichier introuvable.")
        checkpoint = Checkpoint(
            unites.with_name(unites.name + ".checkpoint.json"),
            {
                "kind": "sirene",
                "unites": fingerprint(unites),
                "etablissements": fingerprint(etablissements),
                "encoding": encoding,
                "batch_size": batch_size,
            },
        )
        if restart:
            checkpoint.clear()
        state = checkpoint.load() or {}
    report = ErrorReport(report_path, append=bool(state), echo=progress_stream)
    sectors = sector_lookup()
    resumed: dict[str, int] = {
        name: state[name]["line"] for name in ("unites", "etablissements") if name in state
    }
    if progress_stream is not None and resumed:
        where = ", ".join(f"{name} ligne {line}" for name, line in resumed.items())
        progress_stream.write(f"Reprise de l'import interrompu : {where}.\n")
    counter = [0]
    try:
        if strict:
            with transaction.atomic():
                unit_stats, estab_stats = _both_passes(
                    unites, etablissements, report, sectors, encoding, batch_size, True,
                    progress_stream, None, {}, on_batch, counter,
                )  # fmt: skip
                if report.count:
                    raise ImportRefused(report.count, report_path)
        else:
            unit_stats, estab_stats = _both_passes(
                unites, etablissements, report, sectors, encoding, batch_size, False,
                progress_stream, checkpoint, state, on_batch, counter,
            )  # fmt: skip
            assert checkpoint is not None
            checkpoint.clear()
        after_import(refresh_search=refresh_search)
    finally:
        report.close()
    return SireneResult(
        unites=unit_stats,
        etablissements=estab_stats,
        errors=report.count,
        report=report_path,
        resumed=resumed,
    )


def _both_passes(
    unites: Path,
    etablissements: Path,
    report: ErrorReport,
    sectors: dict[str, int],
    encoding: str | None,
    batch_size: int,
    strict: bool,
    progress_stream: IO[str] | None,
    checkpoint: Checkpoint | None,
    state: dict[str, Any],
    on_batch: BatchHook | None,
    counter: list[int],
) -> tuple[PassStats, PassStats]:
    # Both headers are checked before anything is written.
    unit_reader = CsvRows(unites, encoding)
    estab_reader = CsvRows(etablissements, encoding)
    try:
        unit_pass = UnitPass(unit_reader, report, sectors=sectors)
        estab_pass = EstablishmentPass(
            estab_reader, report, sectors=sectors, communes=commune_lookup()
        )
        done = state.get("unites", {})
        if done.get("finished"):
            unit_pass.stats = PassStats(**done["stats"])
        else:
            if done:
                unit_pass.stats = PassStats(**done["stats"])
            run_pass(
                unit_pass,
                batch_size=batch_size,
                strict=strict,
                progress_stream=progress_stream,
                checkpoint=checkpoint,
                resume_line=done.get("line", 0),
                on_batch=on_batch,
                batch_counter=counter,
            )
            if checkpoint is not None:
                checkpoint.save(unites={**checkpoint.state["unites"], "finished": True})
        done = state.get("etablissements", {})
        if done:
            estab_pass.stats = PassStats(**done["stats"])
        run_pass(
            estab_pass,
            batch_size=batch_size,
            strict=strict,
            progress_stream=progress_stream,
            checkpoint=checkpoint,
            resume_line=done.get("line", 0),
            on_batch=on_batch,
            batch_counter=counter,
        )
    finally:
        unit_reader.close()
        estab_reader.close()
    return unit_pass.stats, estab_pass.stats
