"""``manage.py import_congress PATH... --event SLUG``: import workshops and proposals.

Idempotent: rerunning with the same documents changes nothing; with corrected documents it
updates the texts in place. Everything is imported in one transaction, so an interrupted or
failed run leaves the database as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.democracy import services
from maillage.democracy.models import Event


class Command(BaseCommand):
    help = (
        "Importe les ateliers et les propositions d'un congrès depuis ses documents de "
        "restitution (texte brut). Relançable sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Documents de restitution (.txt).")
        parser.add_argument("--event", required=True, help="Identifiant (slug) de l'événement.")
        parser.add_argument("--title", help="Titre, pour créer l'événement s'il n'existe pas.")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="Date (AAAA-MM-JJ), pour le créer."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            if not (options["title"] and options["date"]):
                raise CommandError(
                    f"L'événement « {options['event']} » n'existe pas : donnez --title et --date "
                    "pour le créer."
                )
            event = services.event_create(
                slug=options["event"], title=options["title"], starts_on=options["date"]
            )
            self.stdout.write(f"Événement créé : {event.title}")
        documents = []
        for path in options["paths"]:
            try:
                documents.append((path.name, path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{path} : {error}") from error
        try:
            report = services.congress_import(
                event=event,
                documents=documents,
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except services.ImportConflict as error:
            raise CommandError(error.message) from error
        for line in report.skipped_lines:
            self.stdout.write(self.style.WARNING(f"  ligne ignorée : {line}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Ateliers : {report.workshops_created} créés, {report.workshops_updated} à jour. "
                f"Propositions : {report.proposals_created} créées, "
                f"{report.proposals_updated} modifiées, {report.proposals_unchanged} inchangées."
            )
        )
