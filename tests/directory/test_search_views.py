"""The search page, its htmx fragment, shareable URLs, bad input, and the exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from maillage.directory.views_search import CSV_HEADERS

from .test_search import FIRMINY, SAINT_ETIENNE, SearchWorld, build_search_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(db) -> SearchWorld:
    return build_search_world()


def page(client, **params) -> str:
    response = client.get(reverse("directory:index"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_page_lists_results_with_family_commune_sector_and_demo_badge(client, sw):
    html = page(client, q="menuisier")
    assert "3 organisations trouvées." in html
    assert "Menuiserie du Pilat" in html
    assert "Firminy (42)" in html
    assert "Travaux de menuiserie bois et PVC" in html
    assert '<span class="badge badge-demo">Démonstration</span>' in html
    assert 'id="directory-search-form"' in html
    assert 'hx-push-url="true"' in html
    assert 'id="directory-map"' in html
    assert 'aria-live="polite"' in html


def test_distance_column_when_searching_around_a_commune(client, sw):
    html = page(client, commune=SAINT_ETIENNE, rayon="15", tri="distance")
    assert "Distance" in html
    assert re.search(r"\b9[,.]\d km", html)  # Firminy


def test_htmx_request_gets_the_results_fragment_only(client, sw):
    response = client.get(
        reverse("directory:index"), {"q": "charpente"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Les Charpentiers de Lyon" in html
    assert "<html" not in html
    assert 'id="directory-search-form"' not in html
    assert "directory-search" in response["HX-Trigger"]


def test_share_link_reproduces_the_search(client, sw):
    html = page(client, q="menuisier", commune="Saint-Étienne", rayon="30")
    share = "q=menuisier&amp;commune=42218&amp;rayon=30"
    assert share in html
    again = page(client, q="menuisier", commune="42218", rayon="30")
    for name in ("Menuiserie du Pilat", "Rhizome"):
        assert name in html and name in again
    assert "Atelier Menuisier Parisien" not in again


def test_typo_page_says_did_you_mean(client, sw):
    html = page(client, q="menuserie")
    assert "Vouliez-vous dire" in html
    assert "menuiserie" in html
    assert "Menuiserie du Pilat" in html


def test_bad_input_is_explained_and_kept_in_the_form(client, sw):
    html = page(client, q="menuisier", commune="Nulle-Part", secteur="99.99Z")
    assert "Commune inconnue : « Nulle-Part »" in html
    assert "Secteur inconnu : « 99.99Z »" in html
    assert 'value="Nulle-Part"' in html
    assert 'value="99.99Z"' in html
    assert "Menuiserie du Pilat" in html  # the text search still applies


def test_list_query_count_does_not_grow(client, sw, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # count, page, labels; sessionless visitor
        page(client)
    with django_assert_max_num_queries(6):  # + the commune, one page of distances inline
        page(client, q="menuisier", commune=SAINT_ETIENNE, rayon="100", tri="distance")


def test_csv_export_has_headers_and_no_personal_data(client, sw):
    response = client.get(reverse("directory:export_csv"), {"q": "menuisier"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADERS
    assert {row[0] for row in rows[1:]} == {
        "Menuiserie du Pilat",
        "Atelier Menuisier Parisien",
        "Rhizome",
    }
    for secret in ("contact@pilat.example", "04 77 00 00 00", "Alice", "Bob", "Chloé", "Plomb"):
        assert secret not in text


def test_geojson_export_is_a_feature_collection_without_partial_diffusion(client, sw):
    from maillage.directory.models import Establishment

    Establishment.objects.create(organisation=sw.menuiserie, diffusion_partial=True)
    response = client.get(
        reverse("directory:export_geojson"), {"q": "pilat", "commune": SAINT_ETIENNE}
    )
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    longitude, latitude = feature["geometry"]["coordinates"]
    assert 4 < longitude < 5 and 45 < latitude < 46
    assert feature["properties"]["code_commune"] == FIRMINY
    text = json.dumps(data)
    assert "contact@pilat.example" not in text and "04 77" not in text
    assert "adresse" not in feature["properties"] and "address" not in feature["properties"]
