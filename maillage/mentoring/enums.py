"""Choices of the mentoring area: who volunteers, what is asked, how it is followed up."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerKind(models.TextChoices):
    """A cooperative sponsors a new one; a person mentors or speaks as an ambassador."""

    SPONSOR = "sponsor", _("Coopérative marraine")
    MENTOR = "mentor", _("Mentor")
    AMBASSADOR = "ambassador", _("Ambassadeur·rice du mouvement")


class RequestKind(models.TextChoices):
    """What a cooperative asks for (ambassadors are asked through an event)."""

    SPONSOR = "sponsor", _("Une coopérative marraine")
    MENTOR = "mentor", _("Un ou une mentor")


class RequestReason(models.TextChoices):
    CREATION = "creation", _("Création de la coopérative")
    MANAGER_CHANGE = "manager_change", _("Changement de gérance")
    OTHER = "other", _("Autre étape importante")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("En attente")
    MATCHED = "matched", _("Accompagnement en cours")
    CLOSED = "closed", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


class Topic(models.TextChoices):
    """What mentors and ambassadors talk about (congress 2025: governance, the manager's role,
    Scic for citizens, ecological transition, financial set-up)."""

    GOVERNANCE = "governance", _("Gouvernance")
    FINANCE = "finance", _("Finances et montage financier")
    MANAGER = "manager", _("Rôle du gérant ou de la gérante")
    SCIC = "scic", _("La Scic")
    TRANSITION = "transition", _("Transition écologique")


class Format(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("Accompagnement individuel")
    TRAINING = "training", _("Intervention en formation")
    SCHOOL = "school", _("Intervention scolaire")
    EVENT = "event", _("Événement public")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class RequesterType(models.TextChoices):
    """Who asks for an ambassador."""

    SCHOOL = "school", _("Établissement scolaire")
    AUTHORITY = "authority", _("Collectivité locale")
    UNION = "union", _("Union régionale")
    OTHER = "other", _("Autre structure")


class Audience(models.TextChoices):
    COLLEGE = "college", _("Collégiens")
    LYCEE = "lycee", _("Lycéens")
    HIGHER = "higher", _("Étudiants")
    ELECTED = "elected", _("Élus et agents")
    JOBSEEKERS = "jobseekers", _("Personnes en recherche d'emploi")
    PUBLIC = "public", _("Grand public")
    COOPERATORS = "cooperators", _("Coopérateurs et coopératrices")


SCHOOL_AUDIENCES = frozenset({Audience.COLLEGE, Audience.LYCEE, Audience.HIGHER})


class EventStatus(models.TextChoices):
    TO_VALIDATE = "to_validate", _("À valider par l'union")
    OPEN = "open", _("En attente d'un ambassadeur")
    ASSIGNED = "assigned", _("Ambassadeur confirmé")
    DONE = "done", _("Réalisé")
    REJECTED = "rejected", _("Refusé")
    CANCELLED = "cancelled", _("Annulé")


class SponsorshipStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    ENDED = "ended", _("Terminé")


class Side(models.TextChoices):
    """The two sides of a sponsorship."""

    NEWCOMER = "newcomer", _("Coopérative accompagnée")
    VOLUNTEER = "volunteer", _("Parrain ou mentor")


class MilestoneKind(models.TextChoices):
    FIRST_MEETING = "first_meeting", _("Première rencontre")
    THREE_MONTHS = "three_months", _("Point à 3 mois")
    ONE_YEAR = "one_year", _("Bilan à 1 an")


MILESTONE_DUE_DAYS = {
    MilestoneKind.FIRST_MEETING: 30,
    MilestoneKind.THREE_MONTHS: 91,
    MilestoneKind.ONE_YEAR: 365,
}
"""Days after the start by which each milestone is expected (reminders use them)."""


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposition")
    ACCEPTED = "accepted", _("Acceptée")
    SUPERSEDED = "superseded", _("Remplacée")


class ReminderKind(models.TextChoices):
    EVENT_SOON = "event_soon", _("Intervention dans les prochains jours")
    MILESTONE_DUE = "milestone_due", _("Étape d'accompagnement à renseigner")
