"""E-mail the administrators of profiles not confirmed nor updated for 12 months.

Idempotent: an organisation reminded in the last 30 days is skipped, and every reminder sent
is recorded (ProfileReminder). Meant for a daily cron job.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maillage.directory.services import profile_reminders_send


class Command(BaseCommand):
    help = (
        "Envoie un rappel aux administrateur·ices des fiches ni confirmées ni modifiées depuis "
        "12 mois (jamais deux fois en 30 jours). Relançable sans risque."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = profile_reminders_send()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
