"""Ecological assessments of a cooperative (at its review) or of a founders' project (at its
creation), scored against a versioned grid, with evidence attached; and the union's loan grid."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Context, Status


def evidence_path(instance: Answer, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"ecology/{instance.assessment_id}/{instance.criterion}{suffix}"


class Assessment(models.Model):
    """One assessment: a cooperative at its review, or a founders' project at its creation."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="eco_assessments",
        verbose_name=_("coopérative"),
    )
    project_name = models.CharField(_("nom du projet"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eco_assessments",
        verbose_name=_("union"),
    )
    context = models.CharField(_("moment"), max_length=12, choices=Context.choices)
    grid_version = models.CharField(_("version de la grille"), max_length=20)
    year = models.PositiveSmallIntegerField(_("année évaluée"))
    baseline_year = models.PositiveSmallIntegerField(_("année de référence"), null=True, blank=True)
    review_date = models.DateField(_("date de la révision"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    max_points = models.PositiveSmallIntegerField(_("points possibles"), default=0)
    passes = models.BooleanField(_("tous les planchers atteints"), default=False)
    result = models.JSONField(_("résultat détaillé"), default=dict, blank=True)
    delegate_comment = models.TextField(_("commentaire de l'union"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par"),
    )
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("évaluation écologique")
        verbose_name_plural = _("évaluations écologiques")
        ordering = ["-year", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(project_name=""),
                name="ecology_assessment_has_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_year__isnull=True)
                | models.Q(baseline_year__lt=models.F("year")),
                name="ecology_baseline_before_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.year}"

    @property
    def subject(self) -> str:
        return self.organisation.name if self.organisation_id else self.project_name  # type: ignore[union-attr]


class Answer(models.Model):
    """What was entered for one criterion of the grid, with its evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.CharField(_("critère"), max_length=60)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=3, null=True, blank=True)
    baseline_value = models.DecimalField(
        _("valeur de l'année de référence"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    done = models.BooleanField(_("en place"), default=False)
    note = models.TextField(_("précisions"), blank=True)
    evidence = models.FileField(_("justificatif"), upload_to=evidence_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="ecology_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion}"


class LoanRateGrid(models.Model):
    """The union's grid of rate reductions for eco-conditional loans, editable by its staff."""

    name = models.CharField(_("nom"), max_length=120)
    data = models.JSONField(
        _("barème"),
        help_text=_(
            "Même format que maillage/ecology/data/loan-grid-*.json : paliers "
            "[atteinte en %, réduction en points], taux plancher, modes de vérification."
        ),
    )
    is_active = models.BooleanField(_("en vigueur"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("barème de prêt éco-conditionnel")
        verbose_name_plural = _("barèmes de prêt éco-conditionnel")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .loan import rate_grid_parse

        try:
            rate_grid_parse(self.data, self.name)
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError({"data": _("Barème invalide : %s") % error}) from error

    def natural(self) -> dict[str, Any]:
        return dict(self.data)
