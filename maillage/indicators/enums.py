"""Choices of the indicators app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class FormStatus(models.TextChoices):
    """Where a cooperative's form stands.

    not started → draft → submitted → (corrections requested → submitted)* → validated.
    """

    NOT_STARTED = "not_started", _("Non commencé")
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis")
    CORRECTIONS = "corrections", _("Corrections demandées")
    VALIDATED = "validated", _("Validé")


EDITABLE_STATUSES = frozenset({FormStatus.NOT_STARTED, FormStatus.DRAFT, FormStatus.CORRECTIONS})
REMINDED_STATUSES = EDITABLE_STATUSES


class FormAction(models.TextChoices):
    """What the history of a form records."""

    SAVED = "saved", _("Brouillon enregistré")
    IMPORTED = "imported", _("Tableur importé")
    SUBMITTED = "submitted", _("Soumis à l'union")
    CORRECTIONS = "corrections", _("Corrections demandées")
    VALIDATED = "validated", _("Validé par l'union")
    REMINDED = "reminded", _("Relance envoyée")
