from django.db import models
from django.utils.translation import gettext_lazy as _


class PurchaseSource(models.TextChoices):
    MANUAL = "manual", _("saisi")
    IMPORT = "import", _("importé")
