"""Import the INSEE SIRENE stock files (legal units, then establishments) into the directory."""

from __future__ import annotations

from pathlib import Path
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.directory.imports.engine import ImportRefused
from maillage.directory.imports.reading import FileRefused
from maillage.directory.imports.sirene import DEFAULT_BATCH, sirene_import


class Command(BaseCommand):
    help = (
        "Importe les fichiers stock SIRENE (StockUniteLegale puis StockEtablissement) : "
        "coopératives et unités de l'ESS, leurs établissements. Relançable : reprend après le "
        "dernier lot enregistré ; relancer un import terminé ne crée aucun doublon."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unites", type=Path, required=True, help="StockUniteLegale (CSV).")
        parser.add_argument(
            "--etablissements", type=Path, required=True, help="StockEtablissement (CSV)."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuser tout l'import à la moindre ligne en erreur (une seule transaction).",
        )
        parser.add_argument(
            "--errors",
            type=Path,
            help="Rapport des lignes en erreur (CSV). Par défaut : <unites>.errors.csv.",
        )
        parser.add_argument(
            "--encoding", help="Forcer l'encodage (utf-8, cp1252…) au lieu de le deviner."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH,
            help=(
                "Lignes lues par lot : chaque lot est écrit dans sa propre transaction, puis "
                f"le point de reprise enregistré (défaut : {DEFAULT_BATCH})."
            ),
        )
        parser.add_argument(
            "--no-search-refresh",
            action="store_true",
            help="Ne pas reconstruire l'index de recherche à la fin (à faire ensuite).",
        )
        parser.add_argument(
            "--restart",
            action="store_true",
            help="Ignorer le point de reprise d'un import interrompu et tout relire.",
        )

    def handle(self, *args, **options) -> None:
        try:
            result = sirene_import(
                unites=options["unites"],
                etablissements=options["etablissements"],
                strict=options["strict"],
                errors_path=options["errors"],
                batch_size=options["batch_size"],
                encoding=options["encoding"],
                restart=options["restart"],
                progress_stream=cast(IO[str], self.stderr._out),
                refresh_search=not options["no_search_refresh"],
            )
        except (FileRefused, ImportRefused) as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            raise CommandError(
                "Interrompu. Les lots terminés sont enregistrés ; relancez la même commande "
                "pour reprendre."
            ) from None
        u, e = result.unites, result.etablissements
        self.stdout.write(
            self.style.SUCCESS(
                f"Unités légales : {u.rows} lues, {u.kept} dans le champ, {u.written} écrites. "
                f"Établissements : {e.rows} lus, {e.kept} dans le champ, {e.written} écrits."
            )
        )
        if result.errors:
            self.stdout.write(
                self.style.WARNING(f"{result.errors} ligne(s) en erreur : voir {result.report}")
            )
