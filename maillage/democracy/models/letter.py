"""The letter a congress sends to the national direction, built from a closed vote."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .congress import Vote


class CongressLetter(models.Model):
    """The organisers' wording of the letter; the figures come from the vote at each download."""

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="letter")
    recipient = models.CharField(_("destinataire"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=6000)
    signature = models.CharField(_("signature"), max_length=200)
    priorities = models.PositiveSmallIntegerField(
        _("nombre de priorités détaillées"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("courrier à la direction nationale")
        verbose_name_plural = _("courriers à la direction nationale")

    def __str__(self) -> str:
        return f"{self.recipient} — {self.vote}"
