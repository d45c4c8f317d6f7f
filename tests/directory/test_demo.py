"""The demo network generator: proportions, marking, determinism, replacing only its rows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from maillage.directory.demo import (
    NATIONAL_COOPERATIVES,
    DemoNetworkError,
    band_for_headcount,
    demo_network_create,
)
from maillage.directory.enums import ZoneMode
from maillage.directory.models import Entrepreneur, Establishment, Offer, Organisation
from tests.directory.factories import (
    CommuneFactory,
    DepartementFactory,
    OrganisationFactory,
    UnionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    big = DepartementFactory(code="69", union=UnionFactory(slug="grande"))
    small = DepartementFactory(code="07", union=UnionFactory(slug="petite"))
    for population in [500_000, 20_000, 3_000, 800]:
        CommuneFactory(departement=big, population=population, latitude=45.7, longitude=4.8)
    CommuneFactory(departement=small, population=100, latitude=44.7, longitude=4.5)
    return big, small


def test_refuses_without_communes():
    with pytest.raises(DemoNetworkError):
        demo_network_create(establishments=10)


def test_union_sized_network_keeps_the_movement_proportions(places):
    stats = demo_network_create(establishments=840, union="grande", search_refresh=False)
    assert stats.establishments == Establishment.objects.count() == 840
    assert 500 <= stats.organisations <= 700
    organisations = Organisation.objects.all()
    assert organisations.filter(is_synthetic=False).count() == 0
    assert not organisations.exclude(commune__departement__union="grande").exists()
    scop, scic, cae = (organisations.filter(family=f).count() for f in NATIONAL_COOPERATIVES)
    assert scop + scic + cae == stats.organisations  # no "other ESS" below the national scale
    assert abs(scop / stats.organisations - 2723 / 4295) < 0.01
    assert abs(scic / stats.organisations - 1417 / 4295) < 0.01
    assert cae >= 15 and Entrepreneur.objects.filter(cae__family="cae").count() >= 8 * cae
    assert Entrepreneur.objects.filter(is_synthetic=False).count() == 0
    modes = {m: Offer.objects.filter(zone_mode=m).count() for m in ZoneMode.values}
    assert all(modes.values())
    assert not Offer.objects.filter(zone_mode=ZoneMode.RADIUS, radius_km=None).exists()
    assert not Organisation.objects.exclude(siren=None).exists()  # never a made-up SIREN
    for organisation in organisations.exclude(headcount=None)[:200]:
        assert band_for_headcount(organisation.headcount) == organisation.headcount_band


def test_deterministic_and_replaces_only_synthetic_rows(places):
    real = OrganisationFactory(name="Scop réelle", commune=places[0].communes.first())
    demo_network_create(establishments=300, seed=7, search_refresh=False)
    first = list(
        Organisation.objects.filter(is_synthetic=True)
        .order_by("pk")
        .values_list("name", "family", "commune_id", "headcount_band")
    )
    stats = demo_network_create(establishments=300, seed=7, search_refresh=False)
    again = list(
        Organisation.objects.filter(is_synthetic=True)
        .order_by("pk")
        .values_list("name", "family", "commune_id", "headcount_band")
    )
    assert first == again
    assert stats.deleted_organisations == len(first)
    assert Organisation.objects.filter(pk=real.pk, name="Scop réelle").exists()


def test_beyond_the_cooperatives_other_ess_fills_the_network(places, monkeypatch):
    monkeypatch.setattr(
        "maillage.directory.demo.NATIONAL_COOPERATIVES", {"scop": 6, "scic": 3, "cae": 1}
    )
    stats = demo_network_create(establishments=200, search_refresh=False)
    assert stats.by_family["scop"] == 6 and stats.by_family["cae"] == 1
    assert stats.by_family["other_ess"] > 50


def test_seed_demo_builds_the_union_network_and_the_accounts(places, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--size", "300", stdout=out, stderr=StringIO())
    assert Establishment.objects.count() == 300
    admin_org = Organisation.objects.get(memberships__user__email="admin@demo.maillage.coop")
    assert admin_org.is_synthetic and admin_org.commune.departement.union_id == "grande"
    assert "demo-maillage-2025" in out.getvalue()
    call_command("seed_demo", "--size", "300", stdout=StringIO(), stderr=StringIO())
    assert Establishment.objects.count() == 300  # replaced, not added


def test_demo_badge_and_banner_on_the_page(places, client):
    demo_network_create(establishments=20, search_refresh=False)
    organisation = Organisation.objects.first()
    html = client.get(f"/annuaire/organisations/{organisation.slug}/").content.decode()
    assert "Démonstration" in html and "Organisation fictive du réseau de démonstration" in html
