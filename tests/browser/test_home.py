"""The home page and the navigation toward the platform's areas."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_shows_areas_and_navigates_by_keyboard(page):
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("Le maillage des coopératives")
    nav = page.get_by_role("navigation", name="Espaces de la plateforme")
    for label in ["Annuaire et carte", "Intercoopération", "Démocratie", "Indicateurs", "Services"]:
        assert nav.get_by_role("link", name=label).is_visible()
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    nav.get_by_role("link", name="Démocratie").click()
    page.wait_for_url("**/democratie/")
    assert page.locator("h1").inner_text() == "Démocratie"
    assert page.get_by_role("link", name="Démocratie").get_attribute("aria-current") == "page"


def test_language_switch_to_english_and_back(page):
    page.goto("/democratie/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url("**/en/democratie/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(lambda url: url.endswith("/democratie/") and "/en/" not in url)
    assert page.locator("html").get_attribute("lang") == "fr"
