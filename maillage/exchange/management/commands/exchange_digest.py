"""Send the weekly digest of alerts (once per alert and ISO week; safe to rerun)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.exchange.services import exchange_digest


class Command(BaseCommand):
    help = (
        "Envoie le récapitulatif hebdomadaire des besoins aux alertes hebdomadaires (par "
        "défaut pour la dernière semaine complète). Une seule fois par alerte et par semaine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="Semaine ISO, ex. 2026-W05.")
        parser.add_argument("--site-url", help="Adresse publique du site pour les liens.")

    def handle(self, *args: Any, **options: Any) -> None:
        week = options.get("week")
        if week and not re.fullmatch(r"\d{4}-W\d{2}", week):
            raise CommandError("Semaine attendue au format AAAA-Wnn, ex. 2026-W05.")
        sent = exchange_digest(week=week, site_url=options.get("site_url"))
        self.stdout.write(f"{sent} récapitulatif(s) envoyé(s).")
