"""Writes: record and delete purchases; supplier lookup by SIRET/SIREN shared with the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.services import RuleError
from maillage.directory.models import Establishment, Organisation
from maillage.exchange.models import Need

from .enums import PurchaseSource
from .models import Purchase


def supplier_lookup(identifier: str) -> Organisation | None:
    """The directory organisation behind a SIRET (its establishment, else its SIREN) or a SIREN.

    ``identifier`` is already checked (digits, Luhn). None: not in the directory.
    """
    if len(identifier) == 14:
        establishment = (
            Establishment.objects.select_related("organisation").filter(siret=identifier).first()
        )
        if establishment is not None:
            return establishment.organisation
        identifier = identifier[:9]
    return Organisation.objects.filter(siren=identifier).first()


def purchase_create(
    *,
    buyer: Organisation,
    amount_cents: int,
    date: dt.date,
    recorded_by: Any | None = None,
    supplier: Organisation | None = None,
    supplier_siret: str = "",
    supplier_name: str = "",
    need: Need | None = None,
    description: str = "",
    source: str = PurchaseSource.MANUAL,
    fingerprint: str | None = None,
) -> Purchase:
    """Record one purchase of ``buyer``.

    A purchase from a directory organisation is inter-cooperative; without one, the supplier's
    name or SIRET is kept and the purchase counts as « hors réseau ». A cooperative does not buy
    from itself; a need linked to the purchase must be one of the buyer's.
    """
    if amount_cents <= 0:
        raise RuleError(_("Le montant doit être positif."))
    if supplier is None and not (supplier_name.strip() or supplier_siret.strip()):
        raise RuleError(_("Indiquez le fournisseur : son SIRET ou son nom."))
    if supplier is not None and supplier.pk == buyer.pk:
        raise RuleError(
            _("Le fournisseur est la coopérative acheteuse elle-même : ce n'est pas un achat.")
        )
    if need is not None and need.organisation_id != buyer.pk:
        raise RuleError(_("Ce besoin n'a pas été déposé par la coopérative acheteuse."))
    if date > dt.date.today() + dt.timedelta(days=1):
        raise RuleError(_("La date de l'achat est dans le futur."))
    with transaction.atomic():
        return Purchase.objects.create(
            buyer=buyer,
            supplier=supplier,
            supplier_siret=supplier_siret.strip(),
            supplier_name=(supplier_name.strip() or (supplier.name if supplier else ""))[:255],
            amount_cents=amount_cents,
            date=date,
            need=need,
            description=description.strip()[:500],
            source=source,
            fingerprint=fingerprint,
            recorded_by=recorded_by,
        )


def purchase_delete(*, purchase: Purchase) -> None:
    """Remove a purchase recorded by mistake (imported ones come back if re-imported)."""
    purchase.delete()
