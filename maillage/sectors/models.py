"""Sectors of activity: the NAF nomenclature, keyed by (nomenclature, code).

NAF rév. 2 is loaded from the shipped reference file; NAF 2025 codes can be added beside it
under their own nomenclature key without touching the existing rows.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Nomenclature(models.TextChoices):
    NAF_REV2 = "naf2", _("NAF rév. 2 (2008)")
    NAF_2025 = "naf2025", _("NAF 2025")


class SectorLevel(models.IntegerChoices):
    SECTION = 1, _("Section")
    DIVISION = 2, _("Division")
    GROUP = 3, _("Groupe")
    CLASS = 4, _("Classe")
    SUBCLASS = 5, _("Sous-classe")


class Sector(models.Model):
    """One node of the NAF hierarchy (section A … sub-class 01.11Z).

    Below the section, codes nest by prefix (43 ⊃ 43.3 ⊃ 43.32 ⊃ 43.32A), which the selectors use
    to find ancestors and descendants in one query; ``section_code`` covers the section level,
    whose letter is not a prefix of its divisions' codes. Rows are written by
    ``maillage.sectors.loader.load_naf`` only, which keeps their primary keys stable across
    reloads (organisations point at them).
    """

    nomenclature = models.CharField(
        _("nomenclature"),
        max_length=10,
        choices=Nomenclature.choices,
        default=Nomenclature.NAF_REV2,
    )
    code = models.CharField(_("code"), max_length=8)
    level = models.PositiveSmallIntegerField(_("niveau"), choices=SectorLevel.choices)
    label = models.CharField(_("libellé officiel"), max_length=255)
    display_label = models.CharField(
        _("libellé"),
        max_length=255,
        help_text=_("Libellé à afficher : l'officiel, en minuscules pour les sections."),
    )
    # Folded by maillage.territories.text.normalise() for accent-insensitive search.
    label_search = models.CharField(max_length=255, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    section_code = models.CharField(
        _("section"), max_length=1, help_text=_("Lettre de la section, pour filtrer vite.")
    )

    class Meta:
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")
        ordering = ["nomenclature", "code"]
        constraints = [
            models.UniqueConstraint(fields=["nomenclature", "code"], name="sector_unique_code"),
        ]
        indexes = [models.Index(fields=["nomenclature", "level"], name="sector_level_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_label}"

    def get_absolute_url(self) -> str:
        return reverse("sectors:detail", args=[self.nomenclature, self.code])
