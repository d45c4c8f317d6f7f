"""Directory search past its counting cap: capped totals, relevance and distance orders that
stay right without ranking or sorting everything, pages that neither lose nor repeat a result,
and search documents that follow the directory's writes.

The cap is lowered to a handful so that the seven organisations of the search world exceed it.
Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from maillage.directory import ranking, search
from maillage.directory.enums import ZoneMode
from maillage.directory.filters import SearchQuery
from maillage.directory.models import Offer, Organisation, SearchDocument

from .test_search import SAINT_ETIENNE, SearchWorld, build_search_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(db) -> SearchWorld:
    return build_search_world()


def results(text: str, *, page_size: int = 100, page: int = 1) -> search.SearchResults:
    query, errors = SearchQuery.from_params(QueryDict(text, mutable=True))
    assert errors == []
    query.page = page
    return search.search(query, page_size=page_size)


def every_page(text: str, *, page_size: int = 1) -> list[str]:
    """Names in order across all the pages of a search, one page at a time."""
    found: list[str] = []
    page = 1
    while True:
        answer = results(text, page_size=page_size, page=page)
        found += [o.name for o in answer.rows]
        if not answer.page.has_next():
            return found
        page += 1
        assert page < 50


def test_name_order_ignores_case_and_accents(sw):
    found = [o.name for o in results("famille=scop").rows]
    assert found == [
        "Atelier Menuisier Parisien",
        "Électricité Coopérative du Roannais",
        "Menuiserie du Pilat",
    ]


def test_total_is_exact_under_the_cap(sw):
    answer = results("famille=scop", page_size=1)
    assert answer.total == 3
    assert not answer.capped
    assert answer.page.num_pages == 3
    assert answer.page.has_next()


def test_by_name_past_the_sorting_cap_the_database_sorts_and_counts(sw, monkeypatch):
    monkeypatch.setattr(ranking, "NAME_SORT_CAP", 1)
    answer = results("famille=scop", page_size=1)
    assert (answer.total, answer.capped) == (3, False)
    assert answer.page.num_pages == 3
    assert sorted(every_page("famille=scop")) == [
        "Atelier Menuisier Parisien",
        "Menuiserie du Pilat",
        "Électricité Coopérative du Roannais",
    ]


def test_total_stops_at_the_cap_and_says_so(sw, monkeypatch, client):
    monkeypatch.setattr(ranking, "RESULT_CAP", 2)
    monkeypatch.setattr(ranking, "NAME_SORT_CAP", 1)
    monkeypatch.setattr(ranking, "NAME_WALK_FROM", 2)
    answer = results("famille=scop", page_size=1)  # by name
    assert (answer.total, answer.capped) == (2, True)  # "plus de 2"
    assert answer.page.num_pages is None
    assert answer.page.has_next()
    # Every one, once (name order depends on the database's collation for "É").
    assert sorted(every_page("famille=scop")) == [
        "Atelier Menuisier Parisien",
        "Menuiserie du Pilat",
        "Électricité Coopérative du Roannais",
    ]
    html = client.get(reverse("directory:index"), {"q": "menuisier"}).content.decode()
    assert "Plus de 2 organisations trouvées." in html


def test_the_empty_search_counts_the_whole_directory(sw, monkeypatch):
    monkeypatch.setattr(ranking, "NAME_SORT_CAP", 1)
    monkeypatch.setattr(ranking, "NAME_WALK_FROM", 2)
    answer = results("", page_size=1)
    assert (answer.total, answer.capped) == (6, False)  # the unpublished one is left out


def test_relevance_past_the_cap_still_puts_name_matches_first(sw, monkeypatch):
    exact = [o.name for o in results("q=menuisier").rows]
    monkeypatch.setattr(ranking, "RESULT_CAP", 2)
    answer = results("q=menuisier")
    assert answer.capped
    found = [o.name for o in answer.rows]
    assert set(found[:2]) == {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}
    assert found[2] == "Rhizome"
    assert sorted(found) == sorted(exact)


def test_relevance_pages_past_the_cap_neither_lose_nor_repeat(sw, monkeypatch):
    monkeypatch.setattr(ranking, "RESULT_CAP", 1)
    found = every_page("q=menuisier")
    assert sorted(found) == ["Atelier Menuisier Parisien", "Menuiserie du Pilat", "Rhizome"]


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_distance_order_past_the_cap_is_the_exact_one(sw, monkeypatch, cap):
    text = f"commune={SAINT_ETIENNE}&rayon=100&tri=distance"
    exact = [o.name for o in results(text).rows]
    assert len(exact) == 5
    monkeypatch.setattr(ranking, "RESULT_CAP", cap)
    assert every_page(text) == exact
    assert every_page(text, page_size=2) == exact
    first = results(text, page_size=2)
    assert first.capped
    assert round(first.rows[0].distance_km) == 0
    assert 9 <= first.rows[1].distance_km <= 10  # Firminy


def test_a_page_past_the_end_shows_the_last_one(sw):
    answer = results("famille=scop", page_size=2, page=7)
    assert answer.page.number == 2
    assert len(answer.rows) == 1
    assert not answer.page.has_next()


def test_intervenes_counts_offers_for_all_of_france_only_while_active(sw):
    assert "Électricité Coopérative du Roannais" in {
        o.name for o in results(f"intervient={SAINT_ETIENNE}").rows
    }
    Offer.objects.filter(organisation=sw.electricite, zone_mode=ZoneMode.FRANCE).update(
        is_active=False
    )
    assert "Électricité Coopérative du Roannais" not in {
        o.name for o in results(f"intervient={SAINT_ETIENNE}").rows
    }


def test_full_rebuild_replaces_documents_and_drops_orphans(sw):
    Organisation.objects.filter(pk=sw.paysages.pk).update(name="Jardins Partagés")
    assert search.search_document_refresh() == 7
    assert [o.name for o in results("q=jardins").rows] == ["Jardins Partagés"]
    assert SearchDocument.objects.count() == 7
    sw.hidden.delete()
    assert SearchDocument.objects.count() == 6
    assert search.search_document_refresh() == 6


def test_refresh_of_a_deleted_organisation_leaves_no_document(sw):
    pk = sw.paysages.pk
    Organisation.objects.filter(pk=pk).delete()
    assert search.search_document_refresh(organisation_ids=[pk]) == 0
    assert not SearchDocument.objects.filter(organisation_id=pk).exists()


def test_reach_cells_hold_every_point_the_search_finds_in_the_circle():
    """Pure: a point within the radius, measured as the search does (flat Earth at the
    point's latitude), always lies in one of the circle's cells."""
    import math
    import random

    from maillage.directory.search_index import KM_PER_DEGREE, reach_cell, reach_cells

    rng = random.Random(7)
    for _ in range(2000):
        lat, lon = rng.uniform(41.0, 51.5), rng.uniform(-5.5, 9.8)
        radius = rng.choice([1, 5, 20, 44, 150, 400])
        cells = set(reach_cells(lat, lon, radius))
        # A point on the edge, in a random direction, from the point's own latitude.
        angle = rng.uniform(0, 2 * math.pi)
        plat = lat + 0.999 * radius * math.sin(angle) / KM_PER_DEGREE
        kx = KM_PER_DEGREE * math.cos(math.radians(plat))
        plon = lon + 0.999 * radius * math.cos(angle) / kx
        assert reach_cell(plat, plon) in cells


def test_intervenes_reaches_across_cells_and_follows_the_offer(sw):
    found = {o.name for o in results(f"intervient={SAINT_ETIENNE}").rows}
    assert "Menuiserie du Pilat" in found  # 20 km around Firminy, 9 km away
    Offer.objects.filter(organisation=sw.menuiserie).update(radius_km=5)
    search.search_document_refresh(organisation_ids=[sw.menuiserie.pk])
    assert "Menuiserie du Pilat" not in {
        o.name for o in results(f"intervient={SAINT_ETIENNE}").rows
    }
