"""Needs posted to the network, the suppliers matched to them, their answers, and alerts.

A need (or a public tender split into lots) is posted by a person on behalf of an organisation
they belong to, or of a public buyer or company named in the need. A union delegate of the
territory of the place of execution validates it; the ranked suppliers (``NeedMatch``) become a
shortlist (``Solicitation``) the delegate may amend, then the need is sent: suppliers are
e-mailed in batches, best first, each with a personal link to answer without logging in.
Cooperatives also subscribe to needs by sector and territory (``Alert``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    AlertFrequency,
    Answer,
    BudgetBand,
    BuyerKind,
    DeclineReason,
    NeedStatus,
    PlaceLevel,
    SupplierSource,
)


class Need(models.Model):
    """A purchase need or a public tender, proposed to the cooperatives of the network."""

    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="exchange_needs",
        verbose_name=_("déposé par"),
    )
    buyer_kind = models.CharField(
        _("au nom de"), max_length=12, choices=BuyerKind.choices, default=BuyerKind.ORGANISATION
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_needs",
        verbose_name=_("organisation acheteuse"),
    )
    buyer_name = models.CharField(_("nom de l'acheteur"), max_length=200, blank=True)
    buyer_siren = models.CharField(_("SIREN de l'acheteur"), max_length=9, blank=True)
    is_tender = models.BooleanField(_("appel d'offres en lots"), default=False)
    budget_band = models.CharField(
        _("budget"), max_length=8, choices=BudgetBand.choices, blank=True, default=""
    )
    deadline = models.DateField(_("date limite de réponse"))
    sectors = models.ManyToManyField(
        "sectors.Sector", related_name="exchange_needs", verbose_name=_("secteurs d'activité")
    )
    place_level = models.CharField(_("niveau du lieu"), max_length=12, choices=PlaceLevel.choices)
    place_code = models.CharField(_("code du lieu"), max_length=9)
    place_label = models.CharField(_("lieu d'exécution"), max_length=200)
    place_commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune de référence du lieu"),
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange_needs",
        verbose_name=_("union du territoire"),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    wanted_interested = models.PositiveSmallIntegerField(
        _("réponses intéressées recherchées"),
        default=5,
        help_text=_(
            "Les envois s'arrêtent quand autant de coopératives se sont dites intéressées."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validé par"),
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "union"], name="need_status_union_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer_kind=BuyerKind.ORGANISATION) | Q(organisation__isnull=False),
                name="need_organisation_buyer_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def buyer_display(self) -> str:
        if self.buyer_kind == BuyerKind.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        return self.buyer_name


class Lot(models.Model):
    """One lot of a tender, with its own sectors and, if it differs, its own place."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé du lot"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    sectors = models.ManyToManyField(
        "sectors.Sector", related_name="exchange_lots", verbose_name=_("secteurs d'activité")
    )
    place_level = models.CharField(
        _("niveau du lieu"), max_length=12, choices=PlaceLevel.choices, blank=True
    )
    place_code = models.CharField(_("code du lieu"), max_length=9, blank=True)
    place_label = models.CharField(_("lieu d'exécution"), max_length=200, blank=True)
    place_commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune de référence du lieu"),
    )

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["need", "number"]
        constraints = [
            models.UniqueConstraint(fields=["need", "number"], name="lot_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{_('Lot')} {self.number} — {self.title}"


class NeedMatch(models.Model):
    """One ranked supplier for a need (lot empty) or for one lot, as computed at validation."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    entrepreneur = models.ForeignKey(
        "directory.Entrepreneur", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        "directory.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("score"))
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    reasons = models.JSONField(_("raisons"), default=list)

    class Meta:
        verbose_name = _("correspondance")
        verbose_name_plural = _("correspondances")
        ordering = ["need", "lot", "rank"]

    def __str__(self) -> str:
        return f"{self.need} — {self.organisation} ({self.score:.2f})"


class Solicitation(models.Model):
    """A supplier on a need's shortlist: what was sent to it, and what it answered.

    The personal link carries a token derived from ``token_nonce`` with the site's secret key
    (so reminders can repeat the same link); only its SHA-256 hash is stored for look-up, so a
    database leak alone yields no working link. One decision (interested or not) and one
    question per link; the link expires at ``expires_at``.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="solicitations")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="exchange_solicitations"
    )
    entrepreneur = models.ForeignKey(
        "directory.Entrepreneur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exchange_solicitations",
    )
    rank = models.PositiveIntegerField(_("ordre d'envoi"))
    score = models.FloatField(_("score"), default=0.0)
    lot_numbers = models.JSONField(_("lots"), default=list, blank=True)
    reasons = models.JSONField(_("raisons"), default=list, blank=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=SupplierSource.choices, default=SupplierSource.MATCHING
    )
    excluded = models.BooleanField(_("retirée par la délégation"), default=False)
    email = models.EmailField(_("adresse d'envoi"), blank=True)
    token_nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_at = models.DateTimeField(_("invitée le"), null=True, blank=True)
    batch = models.PositiveSmallIntegerField(_("vague d'envoi"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances"), default=0)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"), null=True, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=10, choices=Answer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    decline_reason = models.CharField(
        _("motif"), max_length=10, choices=DeclineReason.choices, blank=True
    )
    answer_comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    question = models.TextField(_("question"), blank=True, max_length=2000)
    question_at = models.DateTimeField(_("question posée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("coopérative sollicitée")
        verbose_name_plural = _("coopératives sollicitées")
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=Q(entrepreneur__isnull=True),
                name="solicitation_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["need", "entrepreneur"],
                condition=Q(entrepreneur__isnull=False),
                name="solicitation_unique_entrepreneur",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "answer"], name="solicitation_rate_idx")]

    def __str__(self) -> str:
        return f"{self.need} → {self.supplier_name}"

    @property
    def supplier_name(self) -> str:
        if self.entrepreneur is not None:
            return f"{self.entrepreneur.display_name} ({self.organisation.name})"
        return self.organisation.name


class Alert(models.Model):
    """A cooperative's subscription to needs by sector and territory."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="exchange_alerts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_alerts",
        verbose_name=_("destinataire"),
    )
    sectors = models.ManyToManyField(
        "sectors.Sector", blank=True, related_name="+", verbose_name=_("secteurs")
    )
    zone_level = models.CharField(_("niveau du territoire"), max_length=12)
    zone_code = models.CharField(_("code du territoire"), max_length=9, blank=True)
    zone_label = models.CharField(_("territoire"), max_length=200)
    frequency = models.CharField(
        _("fréquence"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.IMMEDIATE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["organisation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.zone_label}"


class AlertDelivery(models.Model):
    """A need told to an alert's subscriber (once, immediately or in a digest)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    digest_week = models.CharField(max_length=8, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alerte envoyée")
        verbose_name_plural = _("alertes envoyées")
        constraints = [
            models.UniqueConstraint(fields=["alert", "need"], name="alert_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} ← {self.need}"


class DigestRun(models.Model):
    """The weekly digest of one alert for one ISO week: its existence makes the run idempotent."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="digests")
    week = models.CharField(max_length=8)
    needs_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "week"], name="digest_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} {self.week}"


# The consortium workspace lives in its own module to keep this one short.
from .consortium_models import (  # noqa: E402
    ChecklistItem,
    Consortium,
    ConsortiumComment,
    ConsortiumMember,
)

__all__ = [
    "Alert",
    "AlertDelivery",
    "ChecklistItem",
    "Consortium",
    "ConsortiumComment",
    "ConsortiumMember",
    "DigestRun",
    "Lot",
    "Need",
    "NeedMatch",
    "Solicitation",
]
