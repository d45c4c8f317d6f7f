"""The sectors pages as a visitor (or another app's picker) sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

INDEX = reverse("sectors:index")
SEARCH = reverse("sectors:search")


def test_index_lists_sections_with_divisions(client, naf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Secteurs d’activité</h1>" in html
    assert html.count('<li class="card">') == 21
    assert "Agriculture, sylviculture et pêche" in html
    assert "AGRICULTURE" not in html
    assert "43 — Travaux de construction spécialisés" in html
    assert 'href="/secteurs/naf2/43/"' in html
    assert f'hx-get="{SEARCH}"' in html
    assert 'role="search"' in html


def test_index_without_data_says_how_to_load_it(client):
    response = client.get(INDEX)
    assert "load_reference_data" in response.content.decode()


def test_search_for_htmx_returns_a_fragment(client, naf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(SEARCH, {"q": "menuiserie"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'href="/secteurs/naf2/43.32A/"' in html
    assert "Travaux de menuiserie bois et PVC" in html
    assert "4 secteurs trouvés pour « menuiserie »." in html


def test_search_without_javascript_is_a_full_page(client, naf):
    response = client.get(SEARCH, {"q": "menuiserie"})
    html = response.content.decode()
    assert "<html" in html
    assert 'value="menuiserie"' in html
    assert 'href="/secteurs/naf2/43.32A/"' in html


def test_search_with_nothing_found_says_so(client, naf):
    response = client.get(SEARCH, {"q": "zzzxq"}, headers={"HX-Request": "true"})
    assert "Aucun secteur ne correspond à « zzzxq »." in response.content.decode()


def test_empty_search_clears_the_results(client, naf):
    response = client.get(SEARCH, {"q": ""}, headers={"HX-Request": "true"})
    assert response.content.decode().strip() == ""


def test_search_json_for_pickers(client, naf):
    response = client.get(SEARCH, {"q": "4332", "format": "json", "limit": "2"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["q"] == "4332"
    assert data["results"] == [
        {
            "code": "43.32",
            "label": "Travaux de menuiserie",
            "level": 4,
            "level_label": "Classe",
            "section": "F",
            "url": "/secteurs/naf2/43.32/",
        },
        {
            "code": "43.32A",
            "label": "Travaux de menuiserie bois et PVC",
            "level": 5,
            "level_label": "Sous-classe",
            "section": "F",
            "url": "/secteurs/naf2/43.32A/",
        },
    ]
    assert client.get(SEARCH, {"q": "x", "format": "json", "limit": "nope"}).status_code == 200


def test_subclass_page_has_breadcrumb_up_to_its_section(client, naf, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("sectors:detail", args=["naf2", "43.32A"]))
    assert response.status_code == 200
    html = response.content.decode()
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    for href in [
        "/secteurs/",
        "/secteurs/naf2/F/",
        "/secteurs/naf2/43/",
        "/secteurs/naf2/43.3/",
        "/secteurs/naf2/43.32/",
    ]:
        assert f'href="{href}"' in crumbs
    assert '<li aria-current="page">Sous-classe 43.32A</li>' in crumbs
    assert "Travaux de menuiserie bois et PVC" in html
    assert "Niveau le plus fin" in html


def test_section_page_lists_its_divisions_and_official_label(client, naf):
    response = client.get(reverse("sectors:detail", args=["naf2", "F"]))
    html = response.content.decode()
    assert "3 subdivisions" in html
    assert 'href="/secteurs/naf2/43/"' in html
    assert "Libellé officiel : CONSTRUCTION" in html


@pytest.mark.parametrize(("nomenclature", "code"), [("naf2", "99.99Z"), ("naf1", "43.32A")])
def test_unknown_sector_is_404(client, naf, nomenclature, code):
    response = client.get(reverse("sectors:detail", args=[nomenclature, code]))
    assert response.status_code == 404


def test_pages_in_english(client, naf):
    response = client.get("/en" + reverse("sectors:detail", args=["naf2", "43.32A"]))
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
