"""Import a union's member list (CSV or XLSX) into the directory."""

from __future__ import annotations

from pathlib import Path
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.directory.imports.engine import ImportRefused
from maillage.directory.imports.members import members_import
from maillage.directory.imports.reading import FileRefused


class Command(BaseCommand):
    help = (
        "Importe la liste des adhérents d'une union (CSV ou XLSX) : SIREN ou SIRET, nom, "
        "famille, dates d'adhésion et de sortie, e-mail. Les organisations absentes sont créées."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Liste des adhérents (.csv ou .xlsx).")
        parser.add_argument("--union", help="Identifiant (slug) de l'union régionale.")
        parser.add_argument(
            "--strict", action="store_true", help="Tout refuser à la moindre ligne en erreur."
        )
        parser.add_argument("--errors", type=Path, help="Rapport des lignes en erreur (CSV).")
        parser.add_argument("--encoding", help="Forcer l'encodage d'un CSV (utf-8, cp1252…).")
        parser.add_argument(
            "--restart", action="store_true", help="Ignorer le point de reprise et tout relire."
        )

    def handle(self, *args, **options) -> None:
        try:
            result = members_import(
                path=options["file"],
                union=options["union"],
                strict=options["strict"],
                errors_path=options["errors"],
                encoding=options["encoding"],
                restart=options["restart"],
                progress_stream=cast(IO[str], self.stderr._out),
            )
        except (FileRefused, ImportRefused) as exc:
            raise CommandError(str(exc)) from exc
        stats = result.stats
        self.stdout.write(
            self.style.SUCCESS(
                f"Adhérents : {stats.rows} lignes lues, {stats.written} organisations à jour."
            )
        )
        if result.errors:
            self.stdout.write(
                self.style.WARNING(f"{result.errors} ligne(s) en erreur : voir {result.report}")
            )
