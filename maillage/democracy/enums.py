"""Choices of the democracy app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
