"""Public contracts (DECP) and the holders who won them, linked to the directory by SIRET."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Contract(models.Model):
    """A public contract as published in the DECP: one row per (contract id, buyer id).

    The amount is the one notified (``montant``), not changed by later modifications. The
    territory is the département of the place of performance (``lieuExecution``) when its code
    gives one, else the département of the buyer when the buyer is in the directory.
    """

    contract_id = models.CharField(_("identifiant du marché"), max_length=255)
    buyer_id = models.CharField(_("identifiant de l'acheteur"), max_length=64, blank=True)
    buyer_name = models.CharField(_("acheteur"), max_length=255, blank=True)
    nature = models.CharField(_("nature"), max_length=100, blank=True)
    subject = models.TextField(_("objet"), blank=True)
    cpv_code = models.CharField(_("code CPV"), max_length=12, blank=True)
    cpv_division = models.CharField(_("division CPV"), max_length=2, blank=True, db_index=True)
    procedure = models.CharField(_("procédure"), max_length=120, blank=True)
    place_code = models.CharField(_("code du lieu d'exécution"), max_length=10, blank=True)
    place_type = models.CharField(_("type de code du lieu"), max_length=40, blank=True)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "territories.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("région"),
    )
    notified_on = models.DateField(_("notifié le"), null=True, blank=True)
    published_on = models.DateField(_("données publiées le"), null=True, blank=True)
    duration_months = models.PositiveIntegerField(_("durée (mois)"), null=True, blank=True)
    amount_cents = models.PositiveBigIntegerField(_("montant (centimes)"), null=True, blank=True)
    source_shape = models.CharField(_("format"), max_length=12, blank=True)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("marché public")
        verbose_name_plural = _("marchés publics")
        ordering = ["-notified_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "buyer_id"], name="contract_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} ({self.buyer_name or self.buyer_id})"


class Award(models.Model):
    """One holder (« titulaire ») of a contract; linked to a directory organisation when its
    SIRET (then its SIREN) is known there."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="awards")
    position = models.PositiveSmallIntegerField(_("rang"))
    identifier = models.CharField(_("identifiant"), max_length=64)
    identifier_type = models.CharField(_("type d'identifiant"), max_length=40, blank=True)
    name = models.CharField(_("dénomination"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_contracts",
        verbose_name=_("organisation de l'annuaire"),
    )

    class Meta:
        verbose_name = _("titulaire")
        verbose_name_plural = _("titulaires")
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="award_unique_position"),
        ]
        indexes = [models.Index(fields=["identifier"], name="award_identifier_idx")]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.contract}"
