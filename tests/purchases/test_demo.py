"""Demo purchases: created among synthetic cooperatives only, replaced on rerun."""

from __future__ import annotations

from maillage.directory.models import Organisation
from maillage.purchases.demo import demo_purchases_create
from maillage.purchases.models import Purchase

from .factories import cooperative, purchase


def test_demo_purchases_are_replaced_and_touch_only_synthetic_buyers(coops):
    real = purchase(coops["buyer"], coops["joinery"])
    demo = [cooperative(f"Démo {i}") for i in range(6)]
    Organisation.objects.filter(pk__in=[o.pk for o in demo]).update(is_synthetic=True)
    message = demo_purchases_create(organisation=demo[0])
    first = Purchase.objects.filter(buyer__is_synthetic=True).count()
    assert first > 0
    assert "achats" in message
    assert Purchase.objects.filter(buyer=demo[0]).exists()
    demo_purchases_create(organisation=demo[0])
    assert Purchase.objects.filter(buyer__is_synthetic=True).count() == first
    assert Purchase.objects.filter(pk=real.pk).exists()
