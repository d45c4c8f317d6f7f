"""``manage.py seed_congress``: the demo congress of 20 November 2025 (see
``services.demo_congress_create``); seed_demo calls the same service."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maillage.democracy import services


class Command(BaseCommand):
    help = "Crée ou met à jour le congrès de démonstration (textes réels du 20 novembre 2025)."

    def handle(self, *args: Any, **options: Any) -> None:
        event = services.demo_congress_create()
        self.stdout.write(
            self.style.SUCCESS(
                f"{event.title} : {event.workshops.count()} ateliers, "
                f"{sum(w.proposals.count() for w in event.workshops.all())} propositions, "
                f"{event.votes.count()} vote(s). /vie-democratique/{event.slug}/"
            )
        )
