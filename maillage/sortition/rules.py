"""Rules shared by the sortition services: the error they raise, when the pool is frozen, when
a run is computed in the request, and whether a run still matches the pool and quotas."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from . import record
from .enums import ConventionStatus
from .models import Convention, Run
from .problem import SortitionInputError
from .snapshot import problem_from_input, problem_input


class SortitionError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sync_max_pool() -> int:
    """Pools up to this size are computed during the request; larger ones are queued."""
    return int(getattr(settings, "SORTITION_SYNC_MAX_POOL", 80))


def pool_open_to_organisers(convention: Convention) -> None:
    convention.refresh_from_db(fields=["status"])
    if convention.reached(ConventionStatus.PUBLISHED):
        raise SortitionError(_("La loterie est publiée : le vivier ne peut plus changer."))


def run_is_current(run: Run, convention: Convention) -> bool:
    """Whether the run was computed on the pool and quotas as they are now."""
    try:
        problem = problem_from_input(problem_input(convention))
    except SortitionInputError:
        return False
    return run.pool_sha256 == record.pool_digest(problem) and run.quotas == problem.snapshot()
