from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneLevel(models.TextChoices):
    """The levels at which the platform speaks of a place; a zone is a (level, code) pair."""

    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    UNION = "union", _("Union régionale")
    FRANCE = "france", _("France entière")


class EpciKind(models.TextChoices):
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d'agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon")


class PointSource(models.TextChoices):
    """Where a commune's point comes from."""

    MAIRIE = "mairie", _("Mairie")
    CENTROIDE = "centroide", _("Centre de la surface communale")
