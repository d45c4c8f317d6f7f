"""Decisions by consent: a proposal and its versions, clarification questions, reactions, and
the positions of each consent round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import DecisionPhase
from .bodies import Body, ConsentPosition


class ConsentDecision(models.Model):
    """A proposal put to a body, decided by consent (rules in ``consent_process``).

    ``round`` is the number of the current consent round (0 before the first). Once concluded,
    ``decided_at``, ``adopted_version`` (when adopted) and ``participants`` (those who stated a
    position in the last round) form the record.
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(_("intitulé"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur ou autrice"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("facilitation"),
    )
    phase = models.CharField(
        _("étape"), max_length=12, choices=DecisionPhase.choices, default=DecisionPhase.QUESTIONS
    )
    round = models.PositiveSmallIntegerField(_("tour de consentement"), default=0)
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("conclue le"), null=True, blank=True)
    adopted_version = models.ForeignKey(
        "DecisionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version adoptée"),
    )
    outcome_note = models.TextField(_("relevé"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("participants")
    )

    class Meta:
        verbose_name = _("décision par consentement")
        verbose_name_plural = _("décisions par consentement")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.phase in (
            DecisionPhase.QUESTIONS,
            DecisionPhase.REACTIONS,
            DecisionPhase.CONSENT,
        )


class DecisionVersion(models.Model):
    """One wording of the proposal; an amendment adds a version, none is ever changed."""

    decision = models.ForeignKey(ConsentDecision, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("texte"))
    note = models.TextField(_("ce qui change"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version d'une proposition")
        verbose_name_plural = _("versions des propositions")
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="decision_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} — v{self.number}"


class DecisionQuestion(models.Model):
    """A clarification question, and its answer by the author or the facilitator."""

    decision = models.ForeignKey(
        ConsentDecision, on_delete=models.CASCADE, related_name="questions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("réponse"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question de clarification")
        verbose_name_plural = _("questions de clarification")
        ordering = ["decision", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class DecisionReaction(models.Model):
    """A member's reaction to the proposal (one per member; saying it again replaces it)."""

    decision = models.ForeignKey(
        ConsentDecision, on_delete=models.CASCADE, related_name="reactions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("réaction"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réaction")
        verbose_name_plural = _("réactions")
        ordering = ["decision", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "author"], name="decision_reaction_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class DecisionPosition(ConsentPosition):
    """A member's position in one consent round of a decision, on the version then current."""

    decision = models.ForeignKey(
        ConsentDecision, on_delete=models.CASCADE, related_name="positions"
    )
    version = models.ForeignKey(DecisionVersion, on_delete=models.PROTECT, related_name="positions")

    class Meta(ConsentPosition.Meta):
        verbose_name = _("position dans un tour de consentement")
        verbose_name_plural = _("positions dans les tours de consentement")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "round", "member"], name="decision_position_unique"
            ),
            ConsentPosition.reason_required("decision_objection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} — {self.round} — {self.member}"
