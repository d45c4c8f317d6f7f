"""Load the shipped reference data (territories and NAF sectors) in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from maillage.territories.services import (
    ReferenceDataError,
    departement_unions_derive,
    reference_data_analyse,
    reference_data_load,
    unions_seed,
)


class Command(BaseCommand):
    help = (
        "Charge les données de référence livrées (communes, EPCI, départements, régions, "
        "codes postaux, unions régionales, nomenclature NAF) en une seule transaction. "
        "Relançable sans risque : seule la différence est écrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--departements",
            help="Ne charger que ces départements (codes séparés par des virgules, ex. 42,75).",
        )
        parser.add_argument("--territories-file", type=Path, help="Fichier des territoires.")
        parser.add_argument("--unions-file", type=Path, help="Fichier des unions par défaut.")
        parser.add_argument("--sectors-file", type=Path, help="Fichier de la nomenclature NAF.")
        parser.add_argument(
            "--reset-unions",
            action="store_true",
            help="Réécrire les unions par défaut par-dessus les modifications des opérateurs.",
        )
        parser.add_argument(
            "--skip-sectors", action="store_true", help="Ne pas charger la nomenclature NAF."
        )

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def handle(self, *args, **options) -> None:
        departements = None
        if options["departements"]:
            departements = [
                c.strip().upper() for c in options["departements"].split(",") if c.strip()
            ]
        load_naf: Callable[..., object] | None = None
        if not options["skip_sectors"]:
            try:
                from maillage.sectors.loader import load_naf as sectors_load

                load_naf = sectors_load
            except ImportError as exc:
                raise CommandError(
                    "Le chargeur des secteurs (maillage.sectors.loader.load_naf) est introuvable "
                    f"({exc}). Utilisez --skip-sectors pour ne charger que les territoires."
                ) from exc
        started = time.perf_counter()
        try:
            # reference_data_load verifies both files before its first write; anything raised
            # later (sectors included) rolls the whole transaction back.
            with transaction.atomic():
                stats = reference_data_load(
                    path=options["territories_file"],
                    departements=departements,
                    progress=self._progress,
                    unions_path=options["unions_file"],
                )
                if options["reset_unions"]:
                    unions_seed(path=options["unions_file"], reset=True)
                    departement_unions_derive()
                if load_naf is not None:
                    self._progress("Nomenclature NAF…")
                    sectors = load_naf(path=options["sectors_file"], progress=self._progress)
                    self._progress(f"  secteurs        {sectors}")
            reference_data_analyse()
        except ReferenceDataError as exc:
            raise CommandError(
                f"Données de référence refusées — {exc.path} : {exc.problem}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de référence chargées en {time.perf_counter() - started:.1f} s "
                f"({stats.written} lignes écrites)."
            )
        )
