from django.db import models
from django.utils.translation import gettext_lazy as _


class Context(models.TextChoices):
    CREATION = "creation", _("Création d'une coopérative (projet des fondateurs)")
    REVIEW = "review", _("Révision coopérative")


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise à l'union")
    VALIDATED = "validated", _("Validée")
