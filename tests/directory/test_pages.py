"""Organisation, territory and sector pages: what they show, to whom, and at what query cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.directory.enums import Visibility, ZoneMode
from maillage.directory.models import Entrepreneur, Establishment, Offer, OfferZone
from maillage.sectors.models import Sector
from tests.accounts.factories import UserFactory
from tests.directory.factories import CommuneFactory, DepartementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sectors():
    section = Sector.objects.create(
        code="F", level=1, label="CONSTRUCTION", display_label="Construction", section_code="F"
    )
    division = Sector.objects.create(
        code="43",
        level=2,
        label="Travaux",
        display_label="Travaux de construction spécialisés",
        section_code="F",
        parent=section,
    )
    sub = Sector.objects.create(
        code="43.32A",
        level=5,
        label="Menuiserie",
        display_label="Travaux de menuiserie bois et PVC",
        section_code="F",
        parent=division,
    )
    return section, division, sub


def _network(n, *, sub=None, departement=None):
    departement = departement or DepartementFactory(code="42")
    commune = CommuneFactory(departement=departement, name="Saint-Étienne")
    orgs = []
    for i in range(n):
        org = OrganisationFactory(
            name=f"Coop {departement.code} {i:03d}",
            commune=commune,
            sector=sub,
            headcount=None if i % 2 else 10,
            headcount_band="11" if i % 2 else "NN",
        )
        Establishment.objects.create(organisation=org, commune=commune, is_headquarters=True)
        orgs.append(org)
    return commune, orgs


def test_organisation_page_shows_identity_offers_in_words_and_respects_visibility(client, sectors):
    commune, (org,) = _network(1, sub=sectors[2])
    org.family, org.legal_category, org.contact_email = "cae", "5458", "secret@coop.example"
    org.save()
    Offer.objects.create(organisation=org, title="Partout", zone_mode=ZoneMode.FRANCE)
    Offer.objects.create(organisation=org, title="Autour", zone_mode=ZoneMode.RADIUS, radius_km=30)
    zoned = Offer.objects.create(organisation=org, title="Ici", zone_mode=ZoneMode.ZONES)
    OfferZone.objects.create(offer=zoned, level="departement", code=commune.departement_id)
    for name, visibility in [
        ("Pub Lic", Visibility.PUBLIC),
        ("Mem Bre", Visibility.MEMBERS),
        ("Ca Ché", Visibility.HIDDEN),
    ]:
        Entrepreneur.objects.create(
            cae=org, display_name=name, slug=name.lower().replace(" ", "-"), visibility=visibility
        )
    html = client.get(f"/annuaire/organisations/{org.slug}/").content.decode()
    assert "Toute la France" in html
    assert "Dans un rayon de 30 km autour de Saint-Étienne" in html
    assert "Département 42" in html
    assert "SARL coopérative ouvrière de production" in html
    assert "Pub Lic" in html and "Mem Bre" not in html and "Ca Ché" not in html
    assert "secret@coop.example" not in html
    client.force_login(UserFactory())
    html = client.get(f"/annuaire/organisations/{org.slug}/").content.decode()
    assert "Mem Bre" in html and "Ca Ché" not in html
    assert "Fiche complète" not in html  # completeness only for its admins


def test_territory_pages_count_jobs_with_band_midpoints(client, sectors):
    commune, _orgs = _network(4, sub=sectors[2])
    response = client.get(f"/annuaire/territoires/departement/{commune.departement_id}/")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.organisations == 4 and overview.cooperatives == 4
    assert overview.jobs == 10 + 10 + 14 + 14 + 1  # exact 10s, band 11 midpoint 14.5
    assert overview.jobs_estimated == 2
    assert overview.top[0][:2] == ("43", "Travaux de construction spécialisés")
    for level, code in [
        ("commune", commune.code),
        ("union", commune.departement.union_id),
        ("region", commune.region_id),
    ]:
        assert client.get(f"/annuaire/territoires/{level}/{code}/").status_code == 200
    assert client.get("/annuaire/territoires/planete/1/").status_code == 404


def test_sector_pages_at_any_level(client, sectors):
    commune, _orgs = _network(3, sub=sectors[2])
    for code in ["F", "43", "43.32A"]:
        response = client.get(f"/annuaire/secteurs/{code}/")
        assert response.status_code == 200
        assert response.context["overview"].organisations == 3
        assert response.context["overview"].top[0][0] == commune.departement_id


@pytest.mark.parametrize("url", ["territory", "sector", "organisation"])
def test_query_count_does_not_grow_with_the_list(client, sectors, url):
    def count(n, dep):
        _commune, orgs = _network(n, sub=sectors[2], departement=DepartementFactory(code=dep))
        for org in orgs:
            Offer.objects.create(
                organisation=org, title="A", zone_mode=ZoneMode.RADIUS, radius_km=5
            )
            zoned = Offer.objects.create(organisation=org, title="B", zone_mode=ZoneMode.ZONES)
            OfferZone.objects.create(offer=zoned, level="departement", code=dep)
        path = {
            "territory": f"/annuaire/territoires/departement/{dep}/",
            "sector": "/annuaire/secteurs/43/",
            "organisation": f"/annuaire/organisations/{orgs[0].slug}/",
        }[url]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    small = count(2, "42")
    large = count(20, "69")
    assert large <= small + 1
    assert large <= 25
