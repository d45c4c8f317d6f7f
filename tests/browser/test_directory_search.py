"""Finding the cooperatives that can do joinery within 30 km of a commune, and sharing it."""

from __future__ import annotations

import pytest

from tests.directory.test_search import build_search_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_find_joinery_near_a_commune_open_one_and_share_the_link(page):
    build_search_world()
    # The first request imports every app's views; a shared CI machine can take seconds.
    page.set_default_timeout(30_000)
    page.goto("/annuaire/", wait_until="domcontentloaded")
    form = page.locator("#directory-search-form")
    form.get_by_label("Chercher une coopérative, une activité, un savoir-faire").fill("menuiserie")
    form.get_by_label("Autour de la commune").fill("Saint-Étienne (42)")
    form.get_by_label("Rayon (km)").fill("30")
    form.get_by_role("button", name="Chercher").click()

    # htmx swaps the results and pushes the search into the address bar.
    page.wait_for_url("**/annuaire/?*rayon=30*")
    results = page.locator("#directory-results")
    results.get_by_text("2 organisations trouvées.").wait_for()
    assert results.get_by_role("link", name="Menuiserie du Pilat").is_visible()
    assert results.get_by_role("link", name="Rhizome").is_visible()
    assert results.get_by_role("link", name="Atelier Menuisier Parisien").count() == 0
    shared = page.url
    assert shared.endswith("/annuaire/?q=menuiserie&commune=42218&rayon=30")

    results.get_by_role("link", name="Menuiserie du Pilat").click()
    page.wait_for_url(
        "**/annuaire/organisations/menuiserie-du-pilat/", wait_until="domcontentloaded"
    )
    assert "Menuiserie du Pilat" in page.locator("h1").inner_text()

    # The shared link, opened in a new tab, reproduces the results without any typing.
    other = page.context.new_page()
    other.goto(shared, wait_until="domcontentloaded")
    other_results = other.locator("#directory-results")
    assert "2 organisations trouvées." in other_results.inner_text()
    assert other_results.get_by_role("link", name="Menuiserie du Pilat").is_visible()
    assert other.locator("#search-q").input_value() == "menuiserie"
    other.close()
