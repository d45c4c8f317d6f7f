"""Finding a commune from the home page and walking up its territories."""

from __future__ import annotations

import pytest

from maillage.territories.services import reference_data_load

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loire_and_paris(transactional_db):
    reference_data_load(departements=["42", "75"])


def test_search_saint_etienne_and_walk_up(page, loire_and_paris):
    page.goto("/")
    page.get_by_label("Chercher une commune ou un code postal").press_sequentially("saint eti")
    results = page.locator("#home-commune-results")
    link = results.get_by_role("link", name="Saint-Étienne (42)")
    link.wait_for()
    assert results.get_attribute("aria-live") == "polite"
    link.click()
    page.wait_for_url("**/territoires/commune/42218/")
    assert page.locator("h1").inner_text().startswith("Saint-Étienne")
    breadcrumb = page.get_by_role("navigation", name="Fil d’Ariane")
    breadcrumb.get_by_role("link", name="Saint-Étienne Métropole").click()
    page.wait_for_url("**/territoires/epci/*/")
    assert page.locator("h1").inner_text().startswith("Saint-Étienne Métropole")
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role(
        "link", name="Loire (42)"
    ).click()
    page.wait_for_url("**/territoires/departement/42/")
    assert page.locator("h1").inner_text().startswith("Loire (42)")


def test_postal_code_search_without_javascript_path(page, loire_and_paris):
    page.goto("/territoires/recherche/?q=42999")
    assert "Aucune commune n'a le code postal « 42999 »" in page.locator("main").inner_text()
