"""Finding a sector by typing part of its label, then climbing its breadcrumb."""

from __future__ import annotations

import pytest

from maillage.sectors.loader import load_naf

pytestmark = pytest.mark.django_db(transaction=True)


def test_live_search_then_breadcrumb_up_to_the_section(page):
    load_naf()
    page.goto("/secteurs/")
    assert page.locator("h1").inner_text() == "Secteurs d’activité"

    # Typed key by key, as a person would: htmx answers under the box without a page load.
    page.get_by_label("Chercher une activité ou un code NAF").press_sequentially("menuiserie")
    result = page.locator("#sector-results").get_by_role("link", name="43.32A")
    result.wait_for()
    assert page.url.endswith("/secteurs/")
    assert "Travaux de menuiserie bois et PVC" in result.inner_text()

    result.click()
    page.wait_for_url("**/secteurs/naf2/43.32A/")
    assert "Travaux de menuiserie bois et PVC" in page.locator("h1").inner_text()
    crumbs = page.get_by_role("navigation", name="Fil d’Ariane")
    assert crumbs.get_by_role("listitem").all_inner_texts() == [
        "Secteurs d’activité",
        "Section F",
        "Division 43",
        "Groupe 43.3",
        "Classe 43.32",
        "Sous-classe 43.32A",
    ]
    crumbs.get_by_role("link", name="Section F").click()
    page.wait_for_url("**/secteurs/naf2/F/")
    assert "Construction" in page.locator("h1").inner_text()


def test_search_works_without_javascript_too(chromium_browser, live_server):
    load_naf()
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    try:
        tab = context.new_page()
        tab.goto("/secteurs/")
        tab.get_by_label("Chercher une activité ou un code NAF").fill("4332")
        tab.get_by_role("button", name="Chercher").click()
        tab.wait_for_url("**/secteurs/recherche/?q=4332")
        assert tab.get_by_role("link", name="43.32A").is_visible()
    finally:
        context.close()
