"""Executing runs: the LEXIMIN distribution with its 1,000-panel lottery, and replacements.

LEXIMIN on a large pool takes minutes, so it never runs in a web worker for a large pool: the
service queues a :class:`~maillage.sortition.models.Run` and ``manage.py sortition_run`` executes
it (small pools, and tests, run synchronously through the same :func:`run_execute`). A run is
claimed by a conditional update (queued → running), so two workers never compute the same one.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .diagnosis import explain
from .draw import ReplacementImpossible, find_replacements
from .enums import RunKind, RunStatus, SeatStatus
from .leximin import find_leximin
from .lottery import Lottery, make_pseudonyms, publication, round_to_lottery
from .models import Replacement, Run, Volunteer
from .public_draw import notify_selected
from .snapshot import problem_from_input

logger = logging.getLogger(__name__)


def run_next() -> Run | None:
    """Execute the oldest queued run, if any; return it."""
    for pk in (
        Run.objects.filter(status=RunStatus.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    ):
        run = Run.objects.get(pk=pk)
        if run_execute(run):
            return run
    return None


def run_execute(run: Run) -> bool:
    """Claim and execute ``run``; False if another worker claimed it first."""
    claimed = Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    run.refresh_from_db()
    try:
        if run.kind == RunKind.DISTRIBUTION:
            result = _distribution(run)
            Run.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, result=result, finished_at=timezone.now()
            )
        else:
            _replacement(run)
    except ReplacementImpossible as error:
        message = _("Aucun remplacement ne respecte les quotas. %(why)s") % {
            "why": explain(run.convention, error.diagnosis).summary()
        }
        _fail(run, message)
    except Exception as error:  # a failed run must say so on the page, whatever the cause
        logger.exception("Sortition run %s failed", run.pk)
        _fail(
            run,
            _(
                "Le calcul a échoué (%(error)s). Relancez-le ; si l'échec se répète, transmettez "
                "le registre du calcul à l'équipe technique."
            )
            % {"error": f"{type(error).__name__}: {error}"},
        )
    return True


def _fail(run: Run, message: str) -> None:
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now()
    )


def _distribution(run: Run) -> dict[str, Any]:
    """LEXIMIN probabilities, then the uniform lottery over 1,000 panels (rounded)."""
    problem = problem_from_input(run.input)
    settings = run.settings
    distribution = find_leximin(problem, seed=int(settings.get("seed", 0)))
    lottery = round_to_lottery(
        problem,
        distribution.panels,
        distribution.weights,
        size=int(settings.get("lottery_size", 1000)),
        seed=int(settings.get("rounding_seed", 0)),
    )
    return {
        "distribution": distribution.to_dict(),
        "lottery": {
            "size": lottery.size,
            "panels": [sorted(p) for p in lottery.panels],
            # k/m, not reduced, as published_probabilities() writes it.
            "probabilities": {
                i: f"{round(p * lottery.size)}/{lottery.size}"
                for i, p in lottery.probabilities.items()
            },
            "max_deviation": lottery.max_deviation,
            "systematic_max_deviation": lottery.systematic_max_deviation,
        },
    }


def stored_lottery(run: Run) -> Lottery:
    """The lottery kept in a finished distribution run."""
    data = run.result["lottery"]
    return Lottery(
        panels=[frozenset(p) for p in data["panels"]],
        size=int(data["size"]),
        probabilities={i: Fraction(p) for i, p in data["probabilities"].items()},
        exact={i: float(p) for i, p in run.result["distribution"]["probabilities"].items()},
        max_deviation=float(data["max_deviation"]),
        systematic_max_deviation=float(data["systematic_max_deviation"]),
    )


def publication_document(run: Run, secret: str) -> tuple[dict[str, object], dict[str, str]]:
    """The file to publish (pseudonyms only) and the pseudonym of each volunteer id."""
    lottery = stored_lottery(run)
    ids = [person[0] for person in run.input["people"]]
    pseudonyms = make_pseudonyms(ids, secret.encode("utf-8"))
    return publication(lottery, pseudonyms), pseudonyms


def _replacement(run: Run) -> None:
    """Draw replacements for the declined members and seat them, in one transaction."""
    problem = problem_from_input(run.input)
    settings = run.settings
    found = find_replacements(
        problem,
        settings["panel"],
        settings["declined"],
        seed_string=settings["seed"],
        unavailable=settings.get("unavailable", []),
    )
    with transaction.atomic():
        convention = run.convention
        added = [int(i) for i in found.added]
        Volunteer.objects.filter(convention=convention, pk__in=added).update(
            seat=SeatStatus.REPLACEMENT
        )
        notify_selected(convention, convention.volunteers.filter(pk__in=added))
        pseudonyms = dict(
            convention.volunteers.filter(pk__in=[*added, *map(int, found.removed)]).values_list(
                "pk", "pseudonym"
            )
        )
        Replacement.objects.create(
            convention=convention,
            run=run,
            declined=sorted(pseudonyms[int(i)] for i in found.removed),
            added=sorted(pseudonyms[i] for i in added),
            seed=found.seed_string,
        )
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            result={"replacement": found.to_dict()},
            finished_at=timezone.now(),
        )
