"""Import DECP JSON files (v1, v2 nested or flattened): ``manage.py import_decp FILE…``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from maillage.public_procurement.importing import (
    DecpRefused,
    ImportResult,
    import_decp,
    write_issues_csv,
)


class Command(BaseCommand):
    help = "Importe les données essentielles de la commande publique (DECP, JSON v1 ou v2)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--errors", type=Path, help="rapport CSV des problèmes (défaut : <fichier>.errors.csv)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"{path} : fichier introuvable.")

            def progress(result: ImportResult, name: str = path.name) -> None:
                sys.stderr.write(
                    f"\r{name} : {result.read} marchés lus, {result.written} enregistrés, "
                    f"{result.holders_linked} titulaires du réseau"
                )
                sys.stderr.flush()

            try:
                result = import_decp(path, batch_size=options["batch_size"], progress=progress)
            except DecpRefused as exc:
                sys.stderr.write(f"\n{path.name} : fichier refusé, rien n'est importé : {exc}\n")
                failed = True
                continue
            sys.stderr.write("\n")
            report = options["errors"] or path.with_name(path.name + ".errors.csv")
            messages = [str(i) for i in result.issues] + result.unknown_field_messages()
            if messages:
                write_issues_csv(result, report)
                for line in messages[:10]:
                    sys.stderr.write(f"  {line}\n")
                if len(messages) > 10:
                    sys.stderr.write(f"  … {len(messages) - 10} autres, voir {report}\n")
            shapes = ", ".join(f"{k} : {v}" for k, v in sorted(result.shapes.items()))
            self.stdout.write(
                f"{path.name} ({result.layout}; {shapes}) : {result.written} marchés enregistrés, "
                f"{result.left_out} laissés de côté, {result.holders} titulaires dont "
                f"{result.holders_linked} dans l'annuaire, {result.skipped_concessions} "
                f"concessions ignorées, {len(messages)} problème(s) signalé(s)."
            )
        if failed:
            raise CommandError("au moins un fichier a été refusé.")
