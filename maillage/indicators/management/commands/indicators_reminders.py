"""Remind cooperatives whose indicators form is not submitted yet (run it daily, e.g. by cron).

Idempotent: a form is reminded at most once every seven days, whatever the number of runs, and
an interrupted run loses nothing (each form is committed on its own).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.indicators.services import reminders_send


class Command(BaseCommand):
    help = "Relance par e-mail les coopératives dont le formulaire d'indicateurs n'est pas soumis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Afficher ce qui serait envoyé, sans rien envoyer ni enregistrer.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)

        def progress(index: int, total: int, form: Any) -> None:
            if verbosity >= 2:
                self.stdout.write(f"[{index}/{total}] {form}")

        report = reminders_send(dry_run=dry_run, progress=progress)
        prefix = "(simulation) " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{report.sent} relance(s) envoyée(s) ; {report.recent} déjà relancé(s) "
                f"depuis moins de 7 jours ; {report.without_recipient} sans administrateur·ice."
            )
        )
