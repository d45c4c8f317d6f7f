"""Recording purchases: in the network, « hors réseau », and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.accounts.services import RuleError
from maillage.purchases import services
from maillage.purchases.models import Purchase

from .factories import cooperative, headquarters_siret, purchase


def test_purchase_from_a_cooperative_is_in_the_network(coops):
    made = purchase(coops["buyer"], coops["joinery"], euros=2500)
    assert made.in_network
    assert made.supplier_display == "Menuiserie du Gier"
    assert Purchase.objects.in_network().count() == 1


def test_purchase_outside_the_network_keeps_the_supplier_name(coops):
    made = purchase(coops["buyer"], supplier_name="Quincaillerie Dupont")
    assert not made.in_network
    assert made.supplier_display == "Quincaillerie Dupont"


def test_supplier_lookup_by_siret_then_siren(coops):
    joinery = coops["joinery"]
    assert services.supplier_lookup(headquarters_siret(joinery)) == joinery
    # An establishment the directory does not list: found by its SIREN.
    from .factories import siret_of

    assert services.supplier_lookup(siret_of(joinery.siren, nic=7)) == joinery
    assert services.supplier_lookup(joinery.siren) == joinery
    assert services.supplier_lookup(siret_of("732829320", 74)) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount_cents": 0}, "positif"),
        ({"supplier": "self"}, "elle-même"),
        ({"supplier": None}, "Indiquez le fournisseur"),
        ({"date": dt.date.today() + dt.timedelta(days=5)}, "futur"),
    ],
)
def test_refusals_say_why(coops, kwargs, message):
    buyer = coops["buyer"]
    args = {
        "buyer": buyer,
        "supplier": coops["joinery"],
        "amount_cents": 100,
        "date": dt.date(2025, 1, 2),
    }
    args.update(kwargs)
    if args["supplier"] == "self":
        args["supplier"] = buyer
    with pytest.raises(RuleError, match=message):
        services.purchase_create(**args)
    assert not Purchase.objects.exists()


def test_need_must_be_the_buyers(coops):
    from maillage.exchange.models import Need

    other = cooperative("Autre")
    need = Need.objects.create(
        title="Fenêtres",
        description="Six fenêtres bois",
        organisation=other,
        deadline=dt.date(2025, 6, 1),
        place_level="departement",
        place_code="42",
        place_label="Loire",
        place_commune=other.commune,
    )
    with pytest.raises(RuleError, match="besoin"):
        services.purchase_create(
            buyer=coops["buyer"],
            supplier=coops["joinery"],
            amount_cents=100,
            date=dt.date(2025, 1, 2),
            need=need,
        )
