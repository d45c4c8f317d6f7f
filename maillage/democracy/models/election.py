"""Sociocratic elections without candidates: the role, the nominations, the consent rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import ElectionPhase
from .bodies import Body, ConsentPosition


class Election(models.Model):
    """The election of a person to a role of a body (e.g. a co-presidency, for a term).

    ``candidate`` is the person the facilitator proposes in the current consent round
    (``round``); once concluded, ``elected``, ``decided_at``, ``term_ends_on`` and
    ``participants`` form the record.
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="elections")
    role = models.CharField(_("rôle"), max_length=200)
    role_description = models.TextField(_("missions du rôle"), blank=True)
    term_months = models.PositiveSmallIntegerField(_("durée du mandat (mois)"), default=24)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("facilitation"),
    )
    phase = models.CharField(
        _("étape"),
        max_length=12,
        choices=ElectionPhase.choices,
        default=ElectionPhase.NOMINATIONS,
    )
    round = models.PositiveSmallIntegerField(_("tour de consentement"), default=0)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne proposée"),
    )
    proposal_reason = models.TextField(_("raisons de la proposition"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(_("conclue le"), null=True, blank=True)
    elected = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne élue"),
    )
    term_ends_on = models.DateField(_("fin du mandat"), null=True, blank=True)
    outcome_note = models.TextField(_("relevé"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("participants")
    )

    class Meta:
        verbose_name = _("élection sans candidat")
        verbose_name_plural = _("élections sans candidat")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.role

    @property
    def is_open(self) -> bool:
        return self.phase in (
            ElectionPhase.NOMINATIONS,
            ElectionPhase.CHANGES,
            ElectionPhase.CONSENT,
        )


class Nomination(models.Model):
    """A member nominates someone, with a reason: round 1 (nominations) or 2 (a change)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("personne nommée"),
    )
    reason = models.TextField(_("pourquoi cette personne"), max_length=2000)
    round = models.PositiveSmallIntegerField(_("tour"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["election", "round", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "voter", "round"], name="nomination_unique_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.nominee}"


class ElectionPosition(ConsentPosition):
    """A member's position in one consent round of an election, on the person then proposed."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="positions")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(ConsentPosition.Meta):
        verbose_name = _("position sur une personne proposée")
        verbose_name_plural = _("positions sur les personnes proposées")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "round", "member"], name="election_position_unique"
            ),
            ConsentPosition.reason_required("election_objection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.election} — {self.round} — {self.member}"
