"""Choices of the sortition app: a convention's steps, runs, panel seats."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConventionStatus(models.TextChoices):
    """The steps of a convention, in order; each step is reached by one service."""

    VOLUNTEERING = "volunteering", _("Appel à volontaires ouvert")
    QUOTAS_SET = "quotas_set", _("Quotas fixés")
    PUBLISHED = "published", _("Loterie publiée")
    SEED_ANNOUNCED = "seed_announced", _("Source du hasard annoncée")
    DRAWN = "drawn", _("Panel tiré au sort")
    REPLACEMENTS = "replacements", _("Remplacements en cours")


STATUS_ORDER = [s.value for s in ConventionStatus]


class RunKind(models.TextChoices):
    DISTRIBUTION = "distribution", _("Probabilités et loterie")
    REPLACEMENT = "replacement", _("Remplacements")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class SeatStatus(models.TextChoices):
    """A volunteer's place with respect to the panel."""

    NONE = "", _("Non tiré·e")
    SELECTED = "selected", _("Tiré·e au sort")
    DECLINED = "declined", _("A décliné")
    REPLACEMENT = "replacement", _("Remplaçant·e")
