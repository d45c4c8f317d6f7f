"""Organisations of the network: cooperatives and other ESS organisations.

The foundation keeps their identity and place; offers, establishments and search come with
the directory itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Family


class Organisation(models.Model):
    """A cooperative or another organisation of the social and solidarity economy."""

    name = models.CharField(_("raison sociale"), max_length=255)
    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, null=True, blank=True)
    family = models.CharField(_("famille"), max_length=12, choices=Family.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune du siège"),
    )
    sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("activité principale (NAF)"),
    )
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    is_union_member = models.BooleanField(_("adhérente à l'union"), default=False)
    is_synthetic = models.BooleanField(
        _("donnée de démonstration"),
        default=False,
        help_text=_("Organisation fictive du réseau de démonstration."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
