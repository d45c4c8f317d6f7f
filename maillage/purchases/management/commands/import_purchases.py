"""Import a cooperative's purchases from CSV: ``manage.py import_purchases SLUG_OR_SIREN FILE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from maillage.directory.imports.reading import FileRefused
from maillage.directory.models import Organisation
from maillage.purchases.importing import errors_csv, import_purchases


class Command(BaseCommand):
    help = "Importe les achats d'une coopérative (CSV, fournisseurs repérés par leur SIRET)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("buyer", help="adresse de la page (slug) ou SIREN de l'acheteuse")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--strict", action="store_true", help="ne rien enregistrer si une ligne est en erreur"
        )
        parser.add_argument(
            "--errors", type=Path, help="rapport CSV des erreurs (défaut : <fichier>.errors.csv)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        buyer = Organisation.objects.filter(
            Q(slug=options["buyer"]) | Q(siren=options["buyer"])
        ).first()
        if buyer is None:
            raise CommandError(f"« {options['buyer']} » : aucune organisation de l'annuaire.")
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path} : fichier introuvable.")
        sys.stderr.write(f"{path.name} : lecture et vérification…\n")
        try:
            report = import_purchases(
                path.read_bytes(), buyer=buyer, strict=options["strict"], source=path.name
            )
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        if report.errors:
            target = options["errors"] or path.with_name(path.name + ".errors.csv")
            target.write_text(errors_csv(report), encoding="utf-8")
            for error in report.errors[:10]:
                sys.stderr.write(f"  {error}\n")
            sys.stderr.write(f"  {len(report.errors)} erreur(s), rapport : {target}\n")
        if report.refused:
            raise CommandError("--strict : une ligne au moins est en erreur, rien n'est importé.")
        self.stdout.write(
            f"{buyer.name} : {report.created_in_network} achats dans le réseau et "
            f"{report.created_outside} hors réseau enregistrés, {report.already_imported} déjà "
            f"importés, {len(report.errors)} ligne(s) en erreur ({report.encoding})."
        )
