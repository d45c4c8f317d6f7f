from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemocracyConfig(AppConfig):
    name = "maillage.democracy"
    verbose_name = _("Démocratie")
