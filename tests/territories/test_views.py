"""Territory pages: status, content, messages and query-count guards."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_index_lists_unions_and_regions(client, territories, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("territories:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Unions régionales" in content
    assert "Auvergne-Rhône-Alpes" in content
    assert 'scope="col"' in content


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("territories:region", {"code": "84"}, "Loire"),
        ("territories:union", {"slug": "ouest"}, "Calvados"),
        ("territories:departement", {"code": "42"}, "Saint-Étienne Métropole"),
        ("territories:epci", {"siren": "244200770"}, "Saint-Étienne"),
        ("territories:commune", {"code": "42218"}, "Saint-Étienne Métropole"),
    ],
)
def test_detail_pages(client, territories, django_assert_max_num_queries, name, kwargs, expected):
    with django_assert_max_num_queries(8):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_paginated_lists_stay_cheap(client, territories, django_assert_max_num_queries):
    for page in (1, 2, 5):
        with django_assert_max_num_queries(8):
            response = client.get(reverse("territories:departement", args=["42"]), {"page": page})
        assert response.status_code == 200
    assert "Page 2 sur" in client.get("/territoires/departement/42/?page=2").content.decode()


def test_commune_page_content(client, territories):
    content = client.get(reverse("territories:commune", args=["42218"])).content.decode()
    for text in [
        "42000",
        "42100",
        "Loire (42)",
        "Auvergne-Rhône-Alpes",
        "Latitude 45,4",
        'class="breadcrumb"',
    ]:
        assert text in content


def test_arrondissement_code_redirects_and_unknown_code_404(client, territories):
    response = client.get(reverse("territories:commune", args=["75101"]))
    assert response.status_code == 302
    assert response.url == reverse("territories:commune", args=["75056"])
    missing = client.get(reverse("territories:commune", args=["99999"]))
    assert missing.status_code == 404
    assert "99999" in missing.content.decode()


def test_autocomplete_fragment_and_json(client, territories, django_assert_max_num_queries):
    url = reverse("territories:autocomplete")
    with django_assert_max_num_queries(3):
        fragment = client.get(url, {"q": "saint eti"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<ul class="results-list"')
    assert reverse("territories:commune", args=["42218"]) in html
    assert "<html" not in html
    data = client.get(url, {"q": "42000", "format": "json"}).json()
    assert data[0] == {
        "code": "42218",
        "name": "Saint-Étienne",
        "postal_codes": ["42000", "42100", "42230"],
        "departement": "42",
    }
    nothing = client.get(url, {"q": "zzzz"}, headers={"HX-Request": "true"}).content.decode()
    assert "Aucune commune" in nothing
    plain = client.get(url, {"q": "lyon"})
    assert plain.status_code == 302
    assert plain.url.startswith(reverse("territories:search"))


def test_search_page_results_and_messages(client, territories, django_assert_max_num_queries):
    url = reverse("territories:search")
    with django_assert_max_num_queries(6):
        found = client.get(url, {"q": "evry"}).content.decode()
    assert "Évry-Courcouronnes" in found
    typo = client.get(url, {"q": "sant etiene"}).content.decode()
    assert "Aucune commune ne s'appelle « sant etiene »" in typo
    assert "Vouliez-vous dire" in typo
    assert "Saint-Étienne" in typo
    postal = client.get(url, {"q": "42999"}).content.decode()
    assert "Aucune commune n'a le code postal « 42999 »" in postal
    assert "Codes postaux proches" in postal
    empty = client.get(url)
    assert empty.status_code == 200
