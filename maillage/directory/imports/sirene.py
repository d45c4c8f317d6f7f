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
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.db import transaction

from maillage.directory.enums import Family
from maillage.directory.models import Organisation

from .engine import BatchHook, Chunk, ImportRefused, Pass, PassStats, after_import, run_pass
from .reading import CsvRows, FileRefused
from .reference import (
    HEADCOUNT_BANDS,
    commune_lookup,
    cooperative_codes,
    legal_categories,
    sector_lookup,
)
from .report import Checkpoint, ErrorReport, fingerprint
from .sirene_establishments import EstablishmentPass
from .sirene_fields import NAF_REV2, NAME_MAX, OLD_NOMENCLATURES, organisation_slug, text
from .sirens import code_of, column_codes, field_spans, luhn_valid
from .writers import Upsert, bulk_session

DEFAULT_BATCH = 50_000
ESS_YES = code_of("O")
CEASED = code_of("C")
__all__ = ["DEFAULT_BATCH", "EstablishmentPass", "SireneResult", "UnitPass", "sirene_import"]


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
        self._delimiter = (getattr(reader, "delimiter", ",") or ",").encode("ascii")
        self._cooperative_codes = np.array([code_of(c) for c in self.cooperative if c.isascii()])
        self._by_status_codes = np.array([code_of(c) for c in self.ess_by_status if c.isascii()])
        self.prefilter = self._prefilter
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

    def _prefilter(self, records: list[bytes]) -> list[bool]:
        """``keep_rows`` on raw lines, in numpy, so that only units in scope are parsed.

        Exact for lines without quotes; a block where some line has quotes is parsed whole
        (``keep_rows`` then decides).
        """
        spans = field_spans(records, self._delimiter, self.width)
        if spans is None:
            return [True] * len(records)
        _raw, starts, ends = spans
        category = column_codes(spans, self._category, 4)
        keep = np.isin(category, self._cooperative_codes)
        by_status = np.isin(category, self._by_status_codes)
        if self._ess is None:
            keep |= by_status
        else:
            keep |= column_codes(spans, self._ess, 1) == ESS_YES
            keep |= (ends[:, self._ess] == starts[:, self._ess]) & by_status
        if self._state is not None:
            keep &= column_codes(spans, self._state, 1) != CEASED
        result: list[bool] = keep.tolist()
        return result

    def keep_rows(self, rows: list[list[str]]) -> list[bool]:
        categories = [row[self._category] for row in rows]
        if self._ess is not None:
            ess = self._ess
            flags = [row[ess] for row in rows]
        else:
            flags = [""] * len(rows)
        coop, by_status = self.cooperative, self.ess_by_status
        if self._state is not None:
            state = self._state
            alive = [row[state] != "C" for row in rows]
        else:
            alive = [True] * len(rows)
        return [
            (flag == "O" or category in coop or (flag == "" and category in by_status)) and ok
            for category, flag, ok in zip(categories, flags, alive, strict=True)
        ]

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        items: list[tuple[int, Any]] = []
        categories = self.categories
        sectors = self.sectors
        stats = self.stats
        sirens = [values[0].strip() for values in chunk.rows]
        stats.kept += len(sirens)
        for line, values, siren, siren_ok in zip(
            chunk.lines, chunk.rows, sirens, luhn_valid(sirens, 9), strict=True
        ):
            (_siren, category, name, usual_name, acronym, ess, _state, diffusion, created,
             band, naf, nomenclature) = values  # fmt: skip
            if not siren_ok:
                self.error(line, "siren", siren, "SIREN invalide (9 chiffres, clé de Luhn)")
                continue
            legal = categories.get(category)
            if legal is None:
                self.error(
                    line, "category", category, "catégorie juridique inconnue de la nomenclature"
                )
                continue
            sector_id = None
            naf = text(naf)
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
            created = text(created)
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
            display = (text(name) or text(usual_name) or text(acronym)
                       or f"Unité légale {siren}")[:NAME_MAX]  # fmt: skip
            is_ess = ess == "O" if ess in ("O", "N") else legal.ess_by_status
            family = legal.family or Family.OTHER_ESS.value
            items.append(
                (
                    line,
                    (siren, display, text(acronym)[:60], organisation_slug(display, siren),
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
            with bulk_session(), transaction.atomic():
                unit_stats, estab_stats = _both_passes(
                    unites, etablissements, report, sectors, encoding, batch_size, True,
                    progress_stream, None, {}, on_batch, counter,
                )  # fmt: skip
                if report.count:
                    raise ImportRefused(report.count, report_path)
        else:
            with bulk_session():
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
                resume_position=done.get("position"),
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
            resume_position=done.get("position"),
            on_batch=on_batch,
            batch_counter=counter,
        )
    finally:
        unit_reader.close()
        estab_reader.close()
    return unit_pass.stats, estab_pass.stats
