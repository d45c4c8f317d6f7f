from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    """Cooperative family, as the movement names them."""

    SCOP = "scop", _("Scop")
    SCIC = "scic", _("Scic")
    CAE = "cae", _("CAE (coopérative d'activité et d'emploi)")
    HABITANTS = "habitants", _("Coopérative d'habitants")
    OTHER_COOP = "other_coop", _("Autre coopérative")
    OTHER_ESS = "other_ess", _("Autre organisation de l'ESS")
