"""The directory map in a real browser: clusters, zooming in, a point's card, the embed code.

Tiles come from a blank PNG served by the live server: the test needs no network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maillage.directory import map_index
from maillage.directory.enums import Family, PointPrecision
from maillage.directory.models import Establishment
from tests.directory.factories import CommuneFactory, DepartementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS = Path("test-results")


@pytest.fixture
def network(transactional_db, settings):
    settings.MAP_TILE_URL = "/static/directory/blank-tile.png?{z}/{x}/{y}"
    map_index.map_index_clear()
    loire = DepartementFactory(code="42", name="Loire")
    saint_etienne = CommuneFactory(
        departement=loire, code="42218", name="Saint-Étienne", latitude=45.43, longitude=4.39
    )
    paris = CommuneFactory(code="75056", name="Paris", latitude=48.86, longitude=2.35)
    coops = []
    for i in range(5):
        organisation = OrganisationFactory(
            name=f"Coopérative stéphanoise {i + 1}",
            family=Family.SCOP if i % 2 == 0 else Family.SCIC,
            commune=saint_etienne,
            is_synthetic=i == 0,
        )
        coops.append(organisation)
        Establishment.objects.create(
            organisation=organisation,
            commune=saint_etienne,
            latitude=45.4397 + i * 0.004,
            longitude=4.3872 + i * 0.005,
            point_precision=PointPrecision.ADDRESS,
        )
    parisienne = OrganisationFactory(name="Coopérative parisienne", commune=paris)
    Establishment.objects.create(
        organisation=parisienne, commune=paris, latitude=48.8566, longitude=2.3522
    )
    yield {"coops": coops}
    map_index.map_index_clear()


ZOOM = "document.querySelector('[data-directory-map]').maillageMap.map.getZoom()"


def map_zoom(page) -> int:
    return page.evaluate(ZOOM)


def wait_drawn(page) -> None:
    """Until the markers drawn are those of the current zoom."""
    page.wait_for_function(
        f"document.querySelector('[data-directory-map]').dataset.drawnZoom == String({ZOOM})"
    )


def test_clusters_zoom_in_and_a_point_opens_its_card(page, network):
    page.goto("/annuaire/carte/integrer/")
    cluster = page.get_by_role("button", name="5 établissements, zoomer")
    cluster.wait_for()
    assert page.locator(".map-cluster").count() >= 1
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "directory-map-clusters.png"))

    # Clicking a cluster zooms in until the establishments separate.
    before = map_zoom(page)
    cluster.click()
    page.wait_for_function(f"{ZOOM} > {before}")
    point = page.get_by_role("button", name=re.compile(r"^Coopérative stéphanoise 1 "))
    for _ in range(8):
        wait_drawn(page)
        if point.count():
            break
        page.locator(".map-cluster").first.click()
    point.wait_for()

    # A point is a button: Enter opens its card, with the link to the organisation's page.
    point.focus()
    page.keyboard.press("Enter")
    card = page.locator(".leaflet-popup .map-card")
    card.wait_for()
    link = card.get_by_role("link", name="Coopérative stéphanoise 1")
    assert link.get_attribute("href") == f"/annuaire/organisations/{network['coops'][0].slug}/"
    assert "Démonstration" in card.inner_text()
    assert "Saint-Étienne (42)" in card.inner_text()
    page.screenshot(path=str(RESULTS / "directory-map-card.png"))


def test_widget_honours_the_filters_of_its_link(page, network):
    page.goto("/annuaire/carte/integrer/?family=scic")
    status = page.locator("[data-map-status]")
    page.wait_for_function(
        "document.querySelector('[data-map-status]').textContent.startsWith('2 ')"
    )
    assert status.inner_text() == "2 établissements dans la zone affichée."
    assert page.get_by_role("button", name=re.compile("Coopérative parisienne")).count() == 0
    back = page.get_by_role("link", name=re.compile("Voir ces établissements"))
    assert back.get_attribute("href") == "/annuaire/?famille=scic"
    assert back.get_attribute("target") == "_blank"
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()


def test_search_page_map_follows_the_search_and_offers_the_embed_code(page, network):
    page.goto("/annuaire/")
    cluster = page.get_by_role("button", name="5 établissements, zoomer")
    cluster.wait_for()
    # Keyboard: a cluster is a button; Enter zooms in.
    before = map_zoom(page)
    cluster.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"{ZOOM} > {before}")
    page.get_by_text("Intégrer cette carte").click()
    code = page.get_by_label("Code d'intégration")
    assert "/annuaire/carte/integrer/" in code.input_value()
    # Ticking a family narrows the list (htmx) and the map, without reloading the page.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("checkbox", name="Scic").check()
    page.wait_for_function(
        "document.querySelector('[data-map-status]').textContent.startsWith('2 ')"
    )
    assert page.evaluate("window.notReloaded") is True
    assert "famille=scic" in code.input_value()
    page.screenshot(path=str(RESULTS / "directory-map-search.png"), full_page=True)
