"""Synthetic purchases for the demo network (seed_demo): the demo accounts' cooperative buys
from a handful of cooperatives and from outside suppliers; a few hundred other synthetic
cooperatives buy from each other over three years, so that the dashboards have figures to show
(and to hide). Rerunning replaces them: only purchases whose buyer is synthetic are touched."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from maillage.directory.models import Organisation

from .enums import PurchaseSource
from .models import Purchase

OUTSIDE_SUPPLIERS = (
    "Quincaillerie du Centre",
    "Papeterie Moderne",
    "Garage des Tilleuls",
    "Transports Rapides SA",
    "Fournitures Industrielles SAS",
)
OBJECTS = (
    "Prestation de nettoyage",
    "Travaux de menuiserie",
    "Site internet",
    "Expertise comptable",
    "Traiteur pour l'assemblée générale",
    "Impression de plaquettes",
    "Formation des associés",
    "Entretien des espaces verts",
)


def _amount(rng: random.Random) -> int:
    """Cents, log-normal around 3,000 €, between 100 € and 200,000 €."""
    euros = min(max(rng.lognormvariate(8.0, 1.1), 100), 200_000)
    return int(euros * 100)


def _date(rng: random.Random, year: int) -> dt.date:
    last = min(dt.date(year, 12, 31), dt.date.today())
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=rng.randrange(max((last - first).days, 1)))


@transaction.atomic
def demo_purchases_create(*, organisation: Organisation, seed: int = 2025) -> str:
    """Create the demo purchases; returns a one-line summary for the command's output."""
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not secrets
    Purchase.objects.filter(buyer__is_synthetic=True).delete()
    ids = list(
        Organisation.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", flat=True)
    )
    if len(ids) < 4:
        return "Achats de démonstration : réseau trop petit, aucun achat créé."
    this_year = dt.date.today().year
    years = (this_year - 2, this_year - 1, this_year)
    rows: list[Purchase] = []

    def add(buyer: int, supplier: int | None, year: int) -> None:
        rows.append(
            Purchase(
                buyer_id=buyer,
                supplier_id=supplier,
                supplier_name="" if supplier else rng.choice(OUTSIDE_SUPPLIERS),
                amount_cents=_amount(rng),
                date=_date(rng, year),
                description=rng.choice(OBJECTS),
                source=PurchaseSource.MANUAL,
            )
        )

    others = [pk for pk in ids if pk != organisation.pk]
    for year in years[1:]:
        for supplier in rng.sample(others, min(4, len(others))):
            add(organisation.pk, supplier, year)
        for _ in range(3):
            add(organisation.pk, None, year)
    buyers = rng.sample(others, min(300, len(others)))
    for buyer in buyers:
        for _ in range(rng.randint(2, 8)):
            supplier = rng.choice(others)
            inside = supplier != buyer and rng.random() < 0.6
            add(buyer, supplier if inside else None, rng.choice(years))
    Purchase.objects.bulk_create(rows, batch_size=1000)
    inside_count = sum(1 for p in rows if p.supplier_id)
    return f"Achats de démonstration : {len(rows)} achats, dont {inside_count} entre coopératives."
