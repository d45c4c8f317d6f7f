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


class HeadcountBand(models.TextChoices):
    """INSEE employee-headcount bands (tranche d'effectif salarié, SIRENE)."""

    NN = "NN", _("Non renseigné")
    B00 = "00", _("0 salarié")
    B01 = "01", _("1 ou 2 salariés")
    B02 = "02", _("3 à 5 salariés")
    B03 = "03", _("6 à 9 salariés")
    B11 = "11", _("10 à 19 salariés")
    B12 = "12", _("20 à 49 salariés")
    B21 = "21", _("50 à 99 salariés")
    B22 = "22", _("100 à 199 salariés")
    B31 = "31", _("200 à 249 salariés")
    B32 = "32", _("250 à 499 salariés")
    B41 = "41", _("500 à 999 salariés")
    B42 = "42", _("1 000 à 1 999 salariés")
    B51 = "51", _("2 000 à 4 999 salariés")
    B52 = "52", _("5 000 à 9 999 salariés")
    B53 = "53", _("10 000 salariés et plus")


class PointPrecision(models.TextChoices):
    """How precisely an establishment is placed on the map."""

    ADDRESS = "address", _("Adresse")
    COMMUNE = "commune", _("Commune")
    NONE = "none", _("Non diffusé")


class ZoneMode(models.TextChoices):
    """Where an offer can be delivered."""

    FRANCE = "france", _("Toute la France")
    RADIUS = "radius", _("Dans un rayon autour de l'établissement")
    ZONES = "zones", _("Dans des territoires choisis")


class Visibility(models.TextChoices):
    """Who sees a CAE entrepreneur's profile (the entrepreneur decides)."""

    PUBLIC = "public", _("Tout le monde")
    MEMBERS = "members", _("Les membres connectés de la plateforme")
    HIDDEN = "hidden", _("Personne (masqué)")
