"""The movement's bodies that decide together (conseil d'administration, bureau, commissions),
their members, and what every consent round records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import BodyKind, Stance


class Body(models.Model):
    """A body of a regional union (``union``) or of the national movement (no union).

    Its members are people (``BodyMember``); only they take part in its decisions and elections,
    and only they see them while they run. ``public_record``: the body publishes the record of
    its concluded decisions and elections (outcome, version adopted, participants) to everyone.
    """

    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=BodyKind.choices)
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="democracy_bodies",
        verbose_name=_("union régionale"),
    )
    description = models.TextField(_("présentation"), blank=True)
    public_record = models.BooleanField(
        _("relevé de décisions public"),
        default=False,
        help_text=_("Les décisions et élections conclues sont visibles de toutes et tous."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A person who sits in a body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="democracy_body_memberships",
        verbose_name=_("personne"),
    )
    joined_on = models.DateField(_("membre depuis"), default=timezone.localdate)

    class Meta:
        verbose_name = _("membre d'une instance")
        verbose_name_plural = _("membres des instances")
        ordering = ["body", "user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="body_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.body}"


class ConsentPosition(models.Model):
    """What one member stated in one consent round: consent or a reasoned objection, and an
    optional concern that does not block. An objection withdrawn by its author is kept, with
    the date it was lifted."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("membre"),
    )
    round = models.PositiveSmallIntegerField(_("tour"))
    stance = models.CharField(_("position"), max_length=12, choices=Stance.choices)
    reason = models.TextField(_("motif"), blank=True)
    concern = models.TextField(_("préoccupation"), blank=True)
    withdrawn_at = models.DateTimeField(_("objection levée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("exprimée le"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["round", "created_at"]

    @staticmethod
    def reason_required(name: str) -> models.CheckConstraint:
        """An objection always carries its reason."""
        return models.CheckConstraint(
            condition=~Q(stance=Stance.OBJECTION) | ~Q(reason=""), name=name
        )

    @property
    def is_objection(self) -> bool:
        return self.stance == Stance.OBJECTION

    @property
    def blocks(self) -> bool:
        """A standing objection."""
        return self.is_objection and self.withdrawn_at is None
