"""Purchases between cooperatives: one row per deal a cooperative of the network made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import PurchaseSource


class PurchaseQuerySet(models.QuerySet["Purchase"]):
    def in_network(self) -> PurchaseQuerySet:
        """Bought from an organisation of the directory."""
        return self.filter(supplier__isnull=False)


class Purchase(models.Model):
    """A purchase by a cooperative of the network (the buyer) from a supplier.

    The supplier is an organisation of the directory (an inter-cooperative purchase), or, when
    the SIRET is unknown to the directory, a name and SIRET kept as text (« hors réseau »): those
    count in the buyer's total, the denominator of its in-network share. Amounts are in cents,
    excluding nothing: whatever the buyer's accounting says (usually excluding VAT).
    """

    buyer = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="purchases_made",
        verbose_name=_("acheteur"),
    )
    supplier = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases_supplied",
        verbose_name=_("fournisseur du réseau"),
    )
    supplier_siret = models.CharField(_("SIRET du fournisseur"), max_length=14, blank=True)
    supplier_name = models.CharField(_("nom du fournisseur"), max_length=255, blank=True)
    amount_cents = models.PositiveBigIntegerField(_("montant (centimes)"))
    date = models.DateField(_("date"))
    need = models.ForeignKey(
        "exchange.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases",
        verbose_name=_("besoin à l'origine de l'achat"),
    )
    description = models.CharField(_("objet"), max_length=500, blank=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=PurchaseSource.choices, default=PurchaseSource.MANUAL
    )
    # Imported lines only: a hash of the line's content and rank among identical lines, so
    # that importing the same file again adds nothing.
    fingerprint = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("achat")
        verbose_name_plural = _("achats")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "fingerprint"], name="purchase_unique_fingerprint"
            ),
            models.CheckConstraint(
                condition=Q(supplier__isnull=False) | ~Q(supplier_name="") | ~Q(supplier_siret=""),
                name="purchase_has_supplier",
            ),
            models.CheckConstraint(
                condition=~Q(supplier=models.F("buyer")), name="purchase_not_from_itself"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="purchase_amount_pos"),
        ]
        indexes = [
            models.Index(fields=["buyer", "date"], name="purchase_buyer_date_idx"),
            models.Index(fields=["date"], name="purchase_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ← {self.supplier_display} ({self.date:%d/%m/%Y})"

    @property
    def in_network(self) -> bool:
        return self.supplier_id is not None

    @property
    def supplier_display(self) -> str:
        if self.supplier is not None:
            return self.supplier.name
        return self.supplier_name or self.supplier_siret
