from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicProcurementConfig(AppConfig):
    name = "maillage.public_procurement"
    verbose_name = _("Marchés publics")
