"""Choices of the intercooperation app: needs, their buyers and states, answers, alerts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuyerKind(models.TextChoices):
    """Who posts a need: an organisation of the directory, a public buyer or another company."""

    ORGANISATION = "organisation", _("Une organisation de l'annuaire dont je suis membre")
    PUBLIC = "public", _("Un acheteur public (collectivité, établissement public)")
    COMPANY = "company", _("Une autre entreprise")


class NeedStatus(models.TextChoices):
    """Life of a need: draft → submitted → validated → sent → closed, or rejected."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis à validation")
    VALIDATED = "validated", _("Validé")
    SENT = "sent", _("Envoyé aux coopératives")
    CLOSED = "closed", _("Clos")
    REJECTED = "rejected", _("Refusé")


class BudgetBand(models.TextChoices):
    """Budget bands, cut at the thresholds buyers know (code de la commande publique, 2026)."""

    UNKNOWN = "", _("Non précisé")
    UNDER_40K = "lt40k", _("Moins de 40 000 € HT")
    UNDER_90K = "lt90k", _("De 40 000 à 90 000 € HT")
    UNDER_221K = "lt221k", _("De 90 000 à 221 000 € HT")
    UNDER_1M = "lt1m", _("De 221 000 € à 1 M€ HT")
    OVER_1M = "gt1m", _("Plus de 1 M€ HT")


class PlaceLevel(models.TextChoices):
    """Levels at which a place of execution is given."""

    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")


class SupplierSource(models.TextChoices):
    MATCHING = "matching", _("Proposée par le rapprochement")
    DELEGATE = "delegate", _("Ajoutée par la déléguée ou le délégué")


class Answer(models.TextChoices):
    """A supplier's decision on a need (one per personal link)."""

    PENDING = "", _("Pas encore de réponse")
    INTERESTED = "interested", _("Intéressée")
    DECLINED = "declined", _("Pas intéressée")


class DeclineReason(models.TextChoices):
    CAPACITY = "capacity", _("Pas disponible sur la période")
    SCOPE = "scope", _("Hors de notre activité")
    ZONE = "zone", _("Trop loin, hors de notre zone")
    SIZE = "size", _("Marché trop gros ou trop petit pour nous")
    OTHER = "other", _("Autre raison")


class AlertFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Dès qu'un besoin est envoyé")
    WEEKLY = "weekly", _("Un récapitulatif chaque semaine")


class ConsortiumForm(models.TextChoices):
    """Liability of a group of economic operators (code de la commande publique, R2142-19 s.)."""

    CONJOINT = "conjoint", _("Groupement conjoint")
    SOLIDAIRE = "solidaire", _("Groupement solidaire")


class ConsortiumStatus(models.TextChoices):
    """Life of a consortium: forming → formed → submitted → won or lost; dissolved at any time."""

    FORMING = "forming", _("En constitution")
    FORMED = "formed", _("Constitué")
    SUBMITTED = "submitted", _("Candidature déposée")
    WON = "won", _("Marché obtenu")
    LOST = "lost", _("Marché non obtenu")
    DISSOLVED = "dissolved", _("Dissous")


class MemberRole(models.TextChoices):
    MANDATAIRE = "mandataire", _("Mandataire")
    COTRAITANT = "cotraitant", _("Cotraitant")
