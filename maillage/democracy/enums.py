"""Choices of the democracy app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .consent_process import DecisionPhase as Phase
from .consent_process import ElectionPhase as EPhase
from .consent_process import Stance as StanceValue
from .majority_judgment import MissingGradeRule


class EventKind(models.TextChoices):
    """What kind of gathering an event is."""

    CONGRESS = "congress", _("Congrès")
    ASSEMBLY = "assembly", _("Assemblée générale")
    MEETING = "meeting", _("Rencontre")


class Electorate(models.TextChoices):
    """Who may vote; chosen by the organisers when they create the vote.

    See docs/decisions/ballot-secrecy.md ("Who may vote").
    """

    #: Every person who is a member of an organisation that is a member of the event's union
    #: (of any union, for an event without union). One person, one ballot, whatever the number
    #: of organisations they belong to.
    UNION_MEMBERS = "union_members", _("Membres des coopératives adhérentes à l'union")
    #: The people registered for the event.
    PARTICIPANTS = "participants", _("Personnes inscrites à l'événement")


class MissingGrades(models.TextChoices):
    """The missing-grade rule of majority_judgment.MissingGradeRule, as stored choices."""

    AS_REJECT = (
        MissingGradeRule.AS_REJECT.value,
        _("Une mention manquante compte comme « À rejeter »"),
    )
    IGNORE = MissingGradeRule.IGNORE.value, _("Les mentions manquantes sont ignorées")


class ActionStatus(models.TextChoices):
    """Where a roadmap action stands."""

    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class BodyKind(models.TextChoices):
    """The bodies of a union or of the movement that decide together."""

    BOARD = "board", _("Conseil d'administration")
    BUREAU = "bureau", _("Bureau")
    COMMISSION = "commission", _("Commission")
    CIRCLE = "circle", _("Cercle")
    OTHER = "other", _("Autre instance")


class DecisionPhase(models.TextChoices):
    """consent_process.DecisionPhase, as stored choices."""

    QUESTIONS = Phase.QUESTIONS.value, _("Questions de clarification")
    REACTIONS = Phase.REACTIONS.value, _("Tour de réactions")
    CONSENT = Phase.CONSENT.value, _("Tour de consentement")
    ADOPTED = Phase.ADOPTED.value, _("Adoptée")
    WITHDRAWN = Phase.WITHDRAWN.value, _("Retirée")


class ElectionPhase(models.TextChoices):
    """consent_process.ElectionPhase, as stored choices."""

    NOMINATIONS = EPhase.NOMINATIONS.value, _("Tour des nominations")
    CHANGES = EPhase.CHANGES.value, _("Tour des changements")
    CONSENT = EPhase.CONSENT.value, _("Tour de consentement")
    ELECTED = EPhase.ELECTED.value, _("Élection faite")
    CANCELLED = EPhase.CANCELLED.value, _("Élection annulée")


class Stance(models.TextChoices):
    """consent_process.Stance, as stored choices."""

    CONSENT = StanceValue.CONSENT.value, _("Consentement")
    OBJECTION = StanceValue.OBJECTION.value, _("Objection")
