"""The map endpoint (clusters, cards, filters, what stays hidden) and the embeddable widget."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.directory import map_index
from maillage.directory.enums import Family, PointPrecision
from maillage.directory.models import Establishment, Organisation

from .factories import CommuneFactory, DepartementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FRANCE = "-5.5,41,10,51.5"
SAINT_ETIENNE = (45.4397, 4.3872)


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """Indexes live per process: a test never sees the points of the previous one."""
    map_index.map_index_clear()
    yield
    map_index.map_index_clear()


def place(
    organisation: Organisation, lat: float | None, lon: float | None, **fields
) -> Establishment:
    """An establishment of `organisation` at (lat, lon), in the organisation's commune."""
    return Establishment.objects.create(
        organisation=organisation,
        commune=organisation.commune,
        latitude=lat,
        longitude=lon,
        point_precision=fields.pop("point_precision", PointPrecision.ADDRESS),
        **fields,
    )


def around(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800) -> str:
    """The bbox parameter of a screen centred on (lat, lon) (Mercator-correct enough)."""
    import math

    degrees_per_px = 360 / (256 * 2**zoom)
    half_w = width / 2 * degrees_per_px
    half_h = height / 2 * degrees_per_px * math.cos(math.radians(lat))
    return f"{lon - half_w},{lat - half_h},{lon + half_w},{lat + half_h}"


def get_map(client, **params):
    response = client.get(reverse("directory:map_clusters"), params)
    return response, (response.json() if response["Content-Type"] == "application/json" else None)


@pytest.fixture
def loire(db):
    departement = DepartementFactory(code="42", name="Loire")
    commune = CommuneFactory(
        departement=departement, code="42218", name="Saint-Étienne", latitude=45.43, longitude=4.39
    )
    scop = OrganisationFactory(name="Menuiserie du Furan", family=Family.SCOP, commune=commune)
    scic = OrganisationFactory(
        name="Énergies du Pilat", family=Family.SCIC, commune=commune, is_synthetic=True
    )
    for i in range(3):
        place(scop, SAINT_ETIENNE[0] + i * 0.001, SAINT_ETIENNE[1] + i * 0.001, siret=None)
    place(scic, 45.2, 4.6, name="Atelier de Bourg-Argental")
    return {"commune": commune, "scop": scop, "scic": scic}


def test_national_view_gives_clusters_then_points_and_cards_when_zoomed(client, loire):
    response, data = get_map(client, bbox=FRANCE, zoom=5)
    assert response.status_code == 200
    assert data["n"] == 4
    assert sum(c[2] for c in data["c"]) + len(data["p"]) == 4
    # Compact: short keys, no spaces.
    assert b", " not in response.content and b'": ' not in response.content

    response, data = get_map(client, bbox=around(*SAINT_ETIENNE, 16), zoom=16)
    assert data["n"] == 3 and data["c"] == []
    lat, lon, pk, name, family, demo = data["p"][0]
    assert (name, family, demo) == ("Menuiserie du Furan", "scop", 0)
    assert round(lat, 2) == 45.44 and round(lon, 2) == 4.39
    # Opening the point gives its card: what the popup shows and the organisation's page.
    _response, card = get_map(client, etablissement=pk)
    assert card["p"] == [
        [pk, "Menuiserie du Furan", "", loire["scop"].slug, "scop", "Saint-Étienne (42)", 0]
    ]


def test_cluster_carries_count_centroid_and_bounds(client, loire):
    _response, data = get_map(client, bbox=around(*SAINT_ETIENNE, 9), zoom=9)
    (cluster,) = [c for c in data["c"] if c[2] == 3]
    lat, lon, _count, south, west, north, east, stacked = cluster
    assert south <= lat <= north and west <= lon <= east
    assert south == pytest.approx(45.4397, abs=1e-4) and north == pytest.approx(45.4417, abs=1e-4)
    assert stacked == 0


def test_demo_organisations_are_flagged_and_enseigne_given(client, loire):
    _response, data = get_map(client, bbox=around(45.2, 4.6, 15), zoom=15)
    (point,) = data["p"]
    assert point[3:] == ["Énergies du Pilat", "scic", 1]
    _response, card = get_map(client, etablissement=point[2])
    assert card["p"][0][1:] == [
        "Énergies du Pilat",
        "Atelier de Bourg-Argental",
        loire["scic"].slug,
        "scic",
        "Saint-Étienne (42)",
        1,
    ]


def test_filters_of_the_search_are_honoured(client, loire):
    _response, data = get_map(client, bbox=FRANCE, zoom=6, famille="scic")
    assert data["n"] == 1
    _response, data = get_map(client, bbox=FRANCE, zoom=6, famille="scop")
    assert data["n"] == 3
    # The short form of embed links works too.
    _response, data = get_map(client, bbox=FRANCE, zoom=6, family="scic")
    assert data["n"] == 1
    _response, data = get_map(client, bbox=FRANCE, zoom=6, zone="departement:42", famille="scop")
    assert data["n"] == 3
    DepartementFactory(code="75", name="Paris")
    _response, data = get_map(client, bbox=FRANCE, zoom=6, zone="departement:75")
    assert data["n"] == 0


def test_partial_diffusion_unpublished_and_closed_never_appear(client, loire):
    hidden = OrganisationFactory(name="Diffusion partielle", diffusion_partial=True)
    place(hidden, None, None, diffusion_partial=True, point_precision=PointPrecision.NONE)
    unpublished = OrganisationFactory(name="Fiche masquée", is_published=False)
    place(unpublished, 45.44, 4.39)
    place(loire["scop"], 45.5, 4.5, is_active=False)
    _response, data = get_map(client, bbox=FRANCE, zoom=5)
    assert data["n"] == 4
    for zoom in (12, 18):
        body = get_map(client, bbox=around(45.44, 4.39, zoom), zoom=zoom)[0].content.decode()
        assert "Diffusion partielle" not in body and "Fiche masquée" not in body


def test_hidden_since_the_index_was_built_loses_its_card_at_once(client, loire):
    get_map(client, bbox=FRANCE, zoom=5)  # builds the index
    Organisation.objects.filter(pk=loire["scic"].pk).update(is_published=False)
    _response, data = get_map(client, bbox=around(45.2, 4.6, 15), zoom=15)
    assert data["p"] == []
    hidden = Establishment.objects.get(organisation=loire["scic"])
    assert get_map(client, etablissement=hidden.pk)[1] == {"n": 0, "p": []}


def test_index_follows_new_points_after_its_freshness_delay(client, loire, monkeypatch):
    get_map(client, bbox=FRANCE, zoom=5)
    place(loire["scic"], 44.0, 4.0)
    monkeypatch.setattr(map_index, "FRESHNESS_SECONDS", 0)
    _response, data = get_map(client, bbox=FRANCE, zoom=5)
    assert data["n"] == 5


def test_points_at_one_place_are_listed(client, loire):
    commune_scop = OrganisationFactory(name="Coop au centre", commune=loire["commune"])
    for _ in range(3):
        place(commune_scop, 45.43, 4.39, point_precision=PointPrecision.COMMUNE)
    _response, data = get_map(client, bbox=around(45.43, 4.39, 18), zoom=18)
    (cluster,) = data["c"]
    assert cluster[2] == 3 and cluster[7] == 1  # stacked: zooming cannot split it
    lat, lon = cluster[0], cluster[1]
    box = f"{lon - 1e-5},{lat - 1e-5},{lon + 1e-5},{lat + 1e-5}"
    _response, listed = get_map(client, bbox=box, zoom=18, liste="1")
    assert listed["n"] == 3
    assert {row[1] for row in listed["p"]} == {"Coop au centre"}


def test_bad_viewports_are_refused(client, db):
    assert get_map(client, zoom=5)[0].status_code == 400
    assert get_map(client, bbox="a,b,c,d", zoom=5)[0].status_code == 400
    assert get_map(client, bbox="10,40,-5,50", zoom=5)[0].status_code == 400
    assert get_map(client, bbox=FRANCE, zoom=40)[0].status_code == 400
    response, data = get_map(client, bbox="-180,-85,180,85", zoom=14)
    assert response.status_code == 400 and "error" in data


def test_query_count_guard(client, loire, django_assert_max_num_queries):
    get_map(client, bbox=FRANCE, zoom=5)  # cold: the index is built
    # Warm: only the cards of the single points drawn, whatever the zoom.
    for zoom, centre in ((5, (46.5, 2.5)), (12, SAINT_ETIENNE), (16, SAINT_ETIENNE)):
        with CaptureQueriesContext(connection) as queries:
            get_map(client, bbox=around(*centre, zoom), zoom=zoom)
        assert len(queries) <= 1, [q["sql"] for q in queries]
    map_index.map_index_clear()
    with django_assert_max_num_queries(3):  # fingerprint, points, cards
        get_map(client, bbox=around(*SAINT_ETIENNE, 16), zoom=16)


def test_a_full_screen_of_single_points_stays_small(client, db):
    """Worst case: every 64-px cell of a 1280 × 800 screen holds one point with a long name."""
    commune = CommuneFactory(name="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson")
    organisations = [
        OrganisationFactory(
            name=f"{i:02d} {'Société coopérative ouvrière de production ' * 6}"[:255],
            slug=f"cooperative-au-nom-tres-long-{i}",
        )
        for i in range(20)
    ]
    zoom = 14
    lat0, lon0 = SAINT_ETIENNE
    west, south, east, north = (float(v) for v in around(lat0, lon0, zoom).split(","))
    columns, rows = 21, 14
    Establishment.objects.bulk_create(
        Establishment(
            organisation=organisations[(c + r) % 20],
            commune=commune,
            latitude=south + (north - south) * (r + 0.5) / rows,
            longitude=west + (east - west) * (c + 0.5) / columns,
            point_precision=PointPrecision.ADDRESS,
        )
        for c in range(columns)
        for r in range(rows)
    )
    response, data = get_map(client, bbox=around(lat0, lon0, zoom), zoom=zoom)
    assert len(data["p"]) >= 200
    assert len(response.content) < 50 * 1024


def test_widget_may_be_framed_anywhere_and_links_back(client, loire):
    response = client.get(reverse("directory:widget"), {"zone": "departement:42", "family": "scop"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    page = response.content.decode()
    assert "data-directory-map" in page
    assert 'data-params="famille=scop&amp;niveau=departement&amp;territoire=42"' in page
    assert f"{reverse('directory:index')}?famille=scop&amp;niveau=departement" in page
    assert "openstreetmap.org/copyright" in page  # the tiles' attribution
    # Every other page still refuses to be framed.
    other = client.get(reverse("directory:map_clusters"), {"bbox": FRANCE, "zoom": 5})
    assert other["X-Frame-Options"] == "DENY"


def test_map_component_offers_the_embed_code(db, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    request = RequestFactory().get("/annuaire/", {"famille": "scic", "page": "3"})
    html = Template('{% include "directory/map/_map.html" %}').render(Context({"request": request}))
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-params="famille=scic"' in html
    assert "Intégrer cette carte" in html
    assert '&lt;iframe src="http://testserver/annuaire/carte/integrer/?famille=scic"' in html
    texts = json.loads(
        html.split('id="directory-map-texts" type="application/json">')[1].split("<")[0]
    )
    assert texts["cluster"] == "%(count)s établissements, zoomer"


def test_extent_tells_the_map_where_the_search_is(client, loire):
    _response, data = get_map(client, bbox=FRANCE, zoom=5, famille="scop", etendue="1")
    south, west, north, east = data["b"]
    assert 45.43 < south < north < 45.45 and 4.38 < west < east < 4.40
    _response, data = get_map(client, bbox=FRANCE, zoom=5)
    assert "b" not in data
