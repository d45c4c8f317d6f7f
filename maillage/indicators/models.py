"""Indicators campaigns: a union's yearly campaign, each member cooperative's form, the review
trail, reminders, and the anonymous employee survey.

Values are stored as one JSON document per form, validated against the versioned catalogue
(:mod:`maillage.indicators.catalogue` explains the choice). Writes go through
:mod:`maillage.indicators.services` only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import CURRENT_VERSION, Catalogue, get_catalogue
from .enums import EDITABLE_STATUSES, CampaignStatus, FormAction, FormStatus
from .survey import QUESTIONNAIRE_VERSION


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def open(self) -> CampaignQuerySet:
        return self.filter(status=CampaignStatus.OPEN)


class Campaign(models.Model):
    """A union's yearly collection of figures from its member cooperatives.

    ``year`` is the year the figures describe; ``catalogue_version`` freezes the definitions the
    forms are filled against, ``survey_version`` the questionnaire of the employee survey.
    """

    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.PROTECT,
        related_name="indicator_campaigns",
        verbose_name=_("union régionale"),
    )
    year = models.PositiveSmallIntegerField(_("année des données"))
    status = models.CharField(
        _("statut"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    deadline = models.DateField(_("date limite de réponse"))
    catalogue_version = models.CharField(
        _("version du catalogue"), max_length=20, default=CURRENT_VERSION
    )
    survey_version = models.CharField(
        _("version du questionnaire"), max_length=10, default=QUESTIONNAIRE_VERSION
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne d'indicateurs")
        verbose_name_plural = _("campagnes d'indicateurs")
        ordering = ["-year", "union__name"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="campaign_unique_union_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100),
                name="campaign_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.year}"

    @property
    def catalogue(self) -> Catalogue:
        return get_catalogue(self.catalogue_version)

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class IndicatorFormQuerySet(models.QuerySet["IndicatorForm"]):
    def for_organisations(self, organisation_ids: Any) -> IndicatorFormQuerySet:
        return self.filter(organisation_id__in=organisation_ids)


class IndicatorForm(models.Model):
    """One cooperative's answers to one campaign: the values document and where it stands.

    ``values`` maps catalogue keys to JSON values (int, float, decimal string for money, ISO
    date, choice key, list of choice keys, text); only the services write it, after
    :func:`maillage.indicators.catalogue.parse_value`.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="forms", verbose_name=_("campagne")
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="indicator_forms",
        verbose_name=_("coopérative"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=FormStatus.choices, default=FormStatus.NOT_STARTED
    )
    values = models.JSONField(_("valeurs"), default=dict, blank=True)
    catalogue_version = models.CharField(_("version du catalogue"), max_length=20)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)

    objects = IndicatorFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("formulaire d'indicateurs")
        verbose_name_plural = _("formulaires d'indicateurs")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="indicator_form_unique_campaign_org"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="indicator_form_status_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign.year}"

    @property
    def catalogue(self) -> Catalogue:
        return get_catalogue(self.catalogue_version)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class FieldComment(models.Model):
    """A delegate's correction request on one field (or on the whole form: ``field_key`` "")."""

    form = models.ForeignKey(
        IndicatorForm, on_delete=models.CASCADE, related_name="comments", verbose_name=_("form")
    )
    field_key = models.CharField(_("champ"), max_length=80, blank=True)
    comment = models.TextField(_("commentaire"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de correction")
        verbose_name_plural = _("demandes de correction")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field_key or '—'}: {self.comment[:40]}"


class FormEvent(models.Model):
    """One step in a form's history (saved, imported, submitted, corrections, validated…)."""

    form = models.ForeignKey(
        IndicatorForm, on_delete=models.CASCADE, related_name="events", verbose_name=_("form")
    )
    action = models.CharField(_("action"), max_length=12, choices=FormAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("étape d'un formulaire")
        verbose_name_plural = _("historique des formulaires")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["form", "action", "at"], name="indicator_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.form}"


class SurveyLink(models.Model):
    """The anonymous survey link of one cooperative for one campaign.

    One token per cooperative and campaign, not per person: whoever has the link may answer,
    which is what makes answers impossible to tie to a person. The token is stored as is because
    the cooperative's administrators must be able to show it again; it opens nothing but the
    questionnaire, and :func:`services.survey_link_rotate` replaces a leaked one.
    """

    form = models.OneToOneField(IndicatorForm, on_delete=models.CASCADE, related_name="survey_link")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateField(_("créé le"), default=timezone.localdate)

    class Meta:
        verbose_name = _("lien d'enquête")
        verbose_name_plural = _("liens d'enquête")

    def __str__(self) -> str:
        return f"Enquête — {self.form}"


class SurveyResponse(models.Model):
    """One anonymous set of answers.

    Nothing here can point to a person: a random UUID key (no sequence revealing the order of
    answers), no user, no IP address, no user agent, and the day of answering only, never the
    time. ``answers`` maps item keys to option positions.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="responses")
    questionnaire_version = models.CharField(max_length=10)
    answered_on = models.DateField(_("jour de réponse"))
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("réponse anonyme")
        verbose_name_plural = _("réponses anonymes")

    def __str__(self) -> str:
        return str(self.id)


class PublishedReport(models.Model):
    """The report « Démocratie et travail » of a union for a year, as its staff published it.

    ``data`` holds the figures already through statistical secrecy (never a hidden value),
    ``charts`` the SVG charts drawn from them, ``pdf`` the document. The public page and the PDF
    download show this snapshot and never recompute from the forms: what was published stays
    what is shown. Publishing again replaces the snapshot and bumps ``revision``.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="report", verbose_name=_("campagne")
    )
    data = models.JSONField(_("chiffres publiés"))
    charts = models.JSONField(_("graphiques (SVG)"), default=dict)
    pdf = models.BinaryField(_("PDF"))
    revision = models.PositiveSmallIntegerField(_("révision"), default=1)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publié par"),
    )
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("rapport publié")
        verbose_name_plural = _("rapports publiés")
        ordering = ["-campaign__year"]

    def __str__(self) -> str:
        return f"Démocratie et travail — {self.campaign}"
