"""Send the mentoring reminders that are due; each is sent once, so the command can run as
often as wanted (hourly from cron, say) and be interrupted and rerun without harm."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maillage.mentoring.services import reminders_send


class Command(BaseCommand):
    help = (
        "Envoie les rappels du parrainage : interventions d'ambassadeurs dans les 7 jours, "
        "étapes d'accompagnement à renseigner. Idempotent : un rappel n'est envoyé qu'une fois."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stats = reminders_send()
        self.stdout.write(
            f"Rappels envoyés : {stats.events} pour des interventions, "
            f"{stats.milestones} pour des étapes."
        )
