"""Send the next batches and reminders of every sent need (run periodically, e.g. hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.exchange.services import exchange_dispatch


class Command(BaseCommand):
    help = (
        "Envoie les vagues suivantes et les relances des besoins envoyés, meilleures "
        "coopératives d'abord, jusqu'à assez de réponses intéressées. Relançable sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site-url", help="Adresse publique du site pour les liens.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = exchange_dispatch(site_url=options.get("site_url"))
        self.stdout.write(
            f"{report.needs} besoin(s) traité(s) : {report.invited} invitation(s), "
            f"{report.reminded} relance(s), {report.without_address} coopérative(s) sans adresse."
        )
