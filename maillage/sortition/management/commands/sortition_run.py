"""Execute queued sortition runs (LEXIMIN distributions, replacements) outside the web workers.

Run it from cron every minute, or as a loop with ``--loop``. Interrupting it leaves the run it
was computing in the "running" state; ``--requeue-stale`` puts such runs back in the queue.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from maillage.sortition.enums import RunStatus
from maillage.sortition.models import Run
from maillage.sortition.runs import run_next


class Command(BaseCommand):
    help = "Exécute les calculs de tirage au sort en attente (probabilités, remplacements)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Attendre de nouveaux calculs.")
        parser.add_argument(
            "--requeue-stale",
            type=int,
            metavar="MINUTES",
            help="Remettre en attente les calculs « en cours » depuis plus de MINUTES minutes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue_stale"]:
            limit = timezone.now() - timedelta(minutes=options["requeue_stale"])
            count = Run.objects.filter(status=RunStatus.RUNNING, started_at__lt=limit).update(
                status=RunStatus.QUEUED, started_at=None
            )
            self.stdout.write(f"{count} calcul(s) remis en attente.")
        while True:
            run = run_next()
            if run is not None:
                run.refresh_from_db()
                self.stdout.write(
                    f"Calcul n° {run.pk} ({run.convention}) : {run.get_status_display()}"
                    f" en {run.seconds} s."
                )
                continue
            if not options["loop"]:
                break
            time.sleep(5)
