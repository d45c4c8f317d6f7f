from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcologyConfig(AppConfig):
    name = "maillage.ecology"
    verbose_name = _("Écologie")
