"""The home page, the area pages and the notices, for anonymous visitors."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_every_area_and_reference_counts(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["Annuaire et carte", "Intercoopération", "Démocratie", "Indicateurs", "Services"]:
        assert label in html
    assert 'lang="fr"' in html
    assert "Aller au contenu" in html


@pytest.mark.parametrize(
    "name", ["annuaire", "intercooperation", "democratie", "indicateurs", "services"]
)
def test_area_pages_say_what_the_congress_asked(client, name):
    response = client.get(reverse(f"core:area-{name}"))
    assert response.status_code == 200
    assert "Ce que le congrès régional de novembre 2025 a demandé" in response.content.decode()


def test_directory_area_links_to_what_exists(client):
    html = client.get(reverse("core:area-annuaire")).content.decode()
    assert reverse("territories:index") in html
    assert reverse("sectors:index") in html


def test_notices_name_the_data_sources_and_licences(client):
    html = client.get(reverse("core:notices")).content.decode()
    assert "AGPL-3.0-or-later" in html
    assert "@etalab/decoupage-administratif" in html
    assert "htmx.org" in html and "2.0.8" in html


def test_no_asset_is_loaded_from_another_host(client):
    html = client.get("/").content.decode()
    assert "cdn" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html.replace(
        'href="https://www.openstreetmap.org', ""
    )


def test_english_is_available(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_demo_banner_only_in_demo_mode(client, settings):
    settings.MAILLAGE_DEMO = False
    assert "Plateforme de démonstration" not in client.get("/").content.decode()
    settings.MAILLAGE_DEMO = True
    assert "Plateforme de démonstration" in client.get("/").content.decode()


def test_navigation_marks_the_area_of_the_current_page(client):
    html = client.get(reverse("sectors:index")).content.decode()
    assert f'<a href="{reverse("core:area-annuaire")}" aria-current="page">' in html
    html = client.get(reverse("core:area-democratie")).content.decode()
    assert f'<a href="{reverse("core:area-democratie")}" aria-current="page">' in html
    assert f'<a href="{reverse("core:area-annuaire")}" aria-current="page">' not in html
