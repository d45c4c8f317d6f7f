"""Directory search selectors: text (accents, stemming), every filter, distance, typos.

Runs on SQLite (FTS5) and on PostgreSQL (tsvector) alike: set DATABASE_URL to try the latter.
The world is built on real reference data for the Loire, the Rhône and Paris, so that
distances, EPCI, départements, régions and unions are the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils.text import slugify

from maillage.directory import search
from maillage.directory.enums import Family, HeadcountBand, PointPrecision, Visibility, ZoneMode
from maillage.directory.filters import SearchQuery
from maillage.directory.models import (
    Entrepreneur,
    Establishment,
    Label,
    Offer,
    OfferZone,
    Organisation,
)
from maillage.directory.stemmer import index_text, query_terms, stem
from maillage.sectors.models import Sector
from maillage.territories.models import Commune

pytestmark = pytest.mark.django_db

SAINT_ETIENNE, FIRMINY, ROANNE, LYON, VILLEFRANCHE, PARIS = (
    "42218",
    "42095",
    "42187",
    "69123",
    "69264",
    "75056",
)
SAINT_ETIENNE_METROPOLE = "244200770"


def make_organisation(
    name: str,
    commune: str,
    *,
    family: str = Family.SCOP,
    sector: str | None = None,
    description: str = "",
    headcount_band: str = HeadcountBand.NN,
    labels: tuple[str, ...] = (),
    offers: tuple[dict, ...] = (),
    is_published: bool = True,
    is_synthetic: bool = False,
    contact_email: str = "",
    phone: str = "",
) -> Organisation:
    """An organisation with its head office at the commune's point, and its offers."""
    place = Commune.objects.get(pk=commune)
    organisation = Organisation.objects.create(
        name=name,
        slug=slugify(name)[:80],
        family=family,
        commune=place,
        sector=Sector.objects.get(code=sector) if sector else None,
        description=description,
        headcount_band=headcount_band,
        is_published=is_published,
        is_synthetic=is_synthetic,
        contact_email=contact_email,
        phone=phone,
    )
    organisation.labels.set(labels)
    establishment = Establishment.objects.create(
        organisation=organisation,
        is_headquarters=True,
        commune=place,
        latitude=place.latitude,
        longitude=place.longitude,
        address="1 place de la Mairie",
        point_precision=PointPrecision.COMMUNE,
        sector=organisation.sector,
        headcount_band=headcount_band,
    )
    for spec in offers:
        spec = dict(spec)
        zones = spec.pop("zones", ())
        offer = Offer.objects.create(organisation=organisation, origin=establishment, **spec)
        for level, code in zones:
            OfferZone.objects.create(offer=offer, level=level, code=code)
    return organisation


@dataclass
class SearchWorld:
    menuiserie: Organisation  # Firminy, 43.32A, radius 20 km
    charpente: Organisation  # Lyon, Scic, zones: département 69
    electricite: Organisation  # Roanne, all of France
    cae: Organisation  # Saint-Étienne, zones: EPCI Saint-Étienne Métropole
    parisienne: Organisation  # Paris, zones: région 84
    paysages: Organisation  # Villefranche, zones: commune Roanne
    hidden: Organisation  # unpublished


def build_search_world() -> SearchWorld:
    """Reference data for 42, 69 and 75, seven organisations, and their search documents."""
    call_command("load_reference_data", departements="42,69,75", verbosity=0)
    Label.objects.create(slug="esus", name="ESUS")
    Label.objects.create(slug="mission", name="Entreprise à mission")
    menuiserie = make_organisation(
        "Menuiserie du Pilat",
        FIRMINY,
        sector="43.32A",
        description="Fenêtres, portes et escaliers en bois local.",
        headcount_band="11",
        labels=("esus",),
        is_synthetic=True,
        contact_email="contact@pilat.example",
        phone="04 77 00 00 00",
        offers=(
            {
                "title": "Agencement sur mesure",
                "zone_mode": ZoneMode.RADIUS,
                "radius_km": 20,
                "keywords": "cuisine, placard",
            },
        ),
    )
    charpente = make_organisation(
        "Les Charpentiers de Lyon",
        LYON,
        family=Family.SCIC,
        sector="43.91A",
        description="Charpente et couverture.",
        headcount_band="12",
        labels=("esus", "mission"),
        offers=(
            {
                "title": "Charpente traditionnelle",
                "zone_mode": ZoneMode.ZONES,
                "zones": (("departement", "69"),),
            },
        ),
    )
    electricite = make_organisation(
        "Électricité Coopérative du Roannais",
        ROANNE,
        sector="43.21A",
        description="Électriciens pour particuliers et collectivités.",
        headcount_band="03",
        offers=({"title": "Installation électrique", "zone_mode": ZoneMode.FRANCE},),
    )
    cae = make_organisation(
        "Rhizome",
        SAINT_ETIENNE,
        family=Family.CAE,
        sector="70.22Z",
        description="Coopérative d'activité et d'emploi.",
        offers=(
            {
                "title": "Accompagnement à la création",
                "zone_mode": ZoneMode.ZONES,
                "zones": (("epci", SAINT_ETIENNE_METROPOLE),),
            },
        ),
    )
    public = Entrepreneur.objects.create(
        cae=cae, display_name="Alice Martin", slug="alice", activity="Ébéniste, menuisier d'art"
    )
    secret = Entrepreneur.objects.create(
        cae=cae,
        display_name="Bob Secret",
        slug="bob",
        activity="Plombier chauffagiste",
        visibility=Visibility.HIDDEN,
    )
    Entrepreneur.objects.create(
        cae=cae,
        display_name="Chloé Discrète",
        slug="chloe",
        activity="Horlogère",
        visibility=Visibility.MEMBERS,
    )
    Offer.objects.create(organisation=cae, entrepreneur=public, title="Meubles sur mesure")
    Offer.objects.create(organisation=cae, entrepreneur=secret, title="Plomberie sanitaire")
    parisienne = make_organisation(
        "Atelier Menuisier Parisien",
        PARIS,
        sector="43.32A",
        offers=(
            {
                "title": "Menuiserie pour la région lyonnaise",
                "zone_mode": ZoneMode.ZONES,
                "zones": (("region", "84"),),
            },
        ),
    )
    paysages = make_organisation(
        "Paysages Partagés",
        VILLEFRANCHE,
        family=Family.SCIC,
        sector="81.30Z",
        description="Paysagistes.",
        offers=(
            {
                "title": "Entretien des espaces verts",
                "zone_mode": ZoneMode.ZONES,
                "zones": (("commune", ROANNE),),
            },
        ),
    )
    hidden = make_organisation(
        "Menuiserie Masquée", SAINT_ETIENNE, sector="43.32A", is_published=False
    )
    search.search_document_refresh()
    return SearchWorld(menuiserie, charpente, electricite, cae, parisienne, paysages, hidden)


@pytest.fixture
def sw(db) -> SearchWorld:
    return build_search_world()


def run(**params: str | list[str]) -> tuple[list[str], SearchQuery, list[str]]:
    """Names found for a query string given as keyword arguments (lists repeat a key)."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    query, errors = SearchQuery.from_params(data)
    results = search.search(query, page_size=100)
    return [o.name for o in results.rows], query, errors


def names(**params: str | list[str]) -> set[str]:
    return set(run(**params)[0])


# ---------------------------------------------------------------- stemming (pure)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("menuisier", "menuiserie"),
        ("menuisiers", "menuiseries"),
        ("charpentier", "charpente"),
        ("électricien", "électricité"),
        ("électrique", "électricien"),
        ("boulanger", "boulangerie"),
        ("paysagiste", "paysagistes"),
        ("maçon", "maçonnerie"),
    ],
)
def test_stemmer_brings_word_families_together(a, b):
    assert query_terms(a) == query_terms(b)


def test_stemmer_keeps_short_words_and_drops_stop_words():
    assert stem("bois") == "bois"
    assert stem("2024") == "2024"
    assert query_terms("La menuiserie de l'Étoile") == ["menuis", "etoil"]
    assert index_text("Menuiseries ÉTOILE") == "menuis etoil"


# ---------------------------------------------------------------- text


def test_text_is_accent_and_case_insensitive_with_stemming(sw):
    assert names(q="menuisier") == {
        "Menuiserie du Pilat",
        "Atelier Menuisier Parisien",
        "Rhizome",  # a public entrepreneur's activity
    }
    assert names(q="ELECTRICITE") == {"Électricité Coopérative du Roannais"}
    assert names(q="électricien") == {"Électricité Coopérative du Roannais"}
    assert names(q="charpentier") == {"Les Charpentiers de Lyon"}


def test_text_searches_offers_keywords_and_sector_labels(sw):
    assert names(q="placard") == {"Menuiserie du Pilat"}
    assert names(q="agencement") == {"Menuiserie du Pilat"}
    # 43.21A « Travaux d'installation électrique dans tous locaux »
    assert "Électricité Coopérative du Roannais" in names(q="installation electrique")


def test_prefix_of_a_word_matches(sw):
    assert names(q="menuis") >= {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}


def test_all_words_must_match(sw):
    assert names(q="menuiserie pilat") == {"Menuiserie du Pilat"}


def test_hidden_and_members_only_entrepreneurs_and_unpublished_stay_out(sw):
    assert names(q="plombier") == set()
    assert names(q="plomberie") == set()
    assert names(q="horlogere") == set()
    assert "Menuiserie Masquée" not in names(q="menuiserie")
    assert "Menuiserie Masquée" not in names()


def test_relevance_puts_name_matches_first(sw):
    found, _query, _errors = run(q="menuisier")
    assert set(found[:2]) == {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}
    assert found[2] == "Rhizome"  # only an entrepreneur's activity matches


def test_typo_answers_with_the_corrected_text(sw):
    query, _errors = SearchQuery.from_params(QueryDict("q=menuserie"))
    results = search.search(query)
    assert results.suggestion == "menuiserie"
    assert results.corrected
    assert "Menuiserie du Pilat" in {o.name for o in results.rows}


def test_no_suggestion_for_known_words_or_gibberish(sw):
    assert search.suggest("menuiserie") is None
    assert search.suggest("zzzzqqqq") is None


# ---------------------------------------------------------------- filters


def test_family_filter(sw):
    assert names(famille="scic") == {"Les Charpentiers de Lyon", "Paysages Partagés"}
    assert names(famille=["scic", "cae"]) == {
        "Les Charpentiers de Lyon",
        "Paysages Partagés",
        "Rhizome",
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("43.32A", {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}),
        ("43.3", {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}),
        (
            "43",
            {
                "Menuiserie du Pilat",
                "Atelier Menuisier Parisien",
                "Les Charpentiers de Lyon",
                "Électricité Coopérative du Roannais",
            },
        ),
        (
            "F",
            {
                "Menuiserie du Pilat",
                "Atelier Menuisier Parisien",
                "Les Charpentiers de Lyon",
                "Électricité Coopérative du Roannais",
            },
        ),
        ("N", {"Paysages Partagés"}),
    ],
)
def test_sector_filter_at_any_naf_level(sw, code, expected):
    assert names(secteur=code) == expected


def test_sector_by_label_words(sw):
    found, query, errors = run(secteur="menuiserie bois")
    assert query.sector_code == "43.32A"
    assert not errors
    assert set(found) == {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}


@pytest.mark.parametrize(
    ("level", "code", "expected"),
    [
        ("commune", FIRMINY, {"Menuiserie du Pilat"}),
        ("epci", SAINT_ETIENNE_METROPOLE, {"Menuiserie du Pilat", "Rhizome"}),
        (
            "departement",
            "42",
            {"Menuiserie du Pilat", "Rhizome", "Électricité Coopérative du Roannais"},
        ),
        (
            "region",
            "84",
            {
                "Menuiserie du Pilat",
                "Rhizome",
                "Électricité Coopérative du Roannais",
                "Les Charpentiers de Lyon",
                "Paysages Partagés",
            },
        ),
        (
            "union",
            "auvergne-rhone-alpes",
            {
                "Menuiserie du Pilat",
                "Rhizome",
                "Électricité Coopérative du Roannais",
                "Les Charpentiers de Lyon",
                "Paysages Partagés",
            },
        ),
        ("region", "11", {"Atelier Menuisier Parisien"}),
    ],
)
def test_territory_filter_up_the_hierarchy(sw, level, code, expected):
    assert names(niveau=level, territoire=code) == expected


def test_territory_by_name(sw):
    found, query, errors = run(niveau="departement", territoire="Loire")
    assert query.zone == ("departement", "42")
    assert not errors
    assert "Rhizome" in found


def test_establishment_elsewhere_counts_for_the_territory(sw):
    lyon = Commune.objects.get(pk=LYON)
    Establishment.objects.create(
        organisation=sw.electricite,
        commune=lyon,
        latitude=lyon.latitude,
        longitude=lyon.longitude,
    )
    assert "Électricité Coopérative du Roannais" in names(niveau="departement", territoire="69")


def test_radius_around_a_commune(sw):
    assert names(commune=SAINT_ETIENNE, rayon="15") == {"Menuiserie du Pilat", "Rhizome"}
    assert names(commune=SAINT_ETIENNE, rayon="60") == {
        "Menuiserie du Pilat",
        "Rhizome",
        "Les Charpentiers de Lyon",
    }


def test_radius_defaults_to_30_km(sw):
    _found, query, _errors = run(commune=SAINT_ETIENNE)
    assert query.radius_km == 30


def test_text_and_radius_together(sw):
    assert names(q="menuisier", commune=SAINT_ETIENNE, rayon="30") == {
        "Menuiserie du Pilat",
        "Rhizome",
    }


def test_sort_by_distance_with_distances(sw):
    data = QueryDict("commune=42218&rayon=100&tri=distance")
    query, _errors = SearchQuery.from_params(data)
    rows = search.search(query).rows
    assert [o.name for o in rows] == [
        "Rhizome",
        "Menuiserie du Pilat",
        "Les Charpentiers de Lyon",
        "Paysages Partagés",  # Villefranche, 66 km
        "Électricité Coopérative du Roannais",  # Roanne, 71 km
    ]
    distances = [round(o.distance_km) for o in rows]
    assert distances[0] == 0
    assert 9 <= distances[1] <= 10  # Firminy
    assert 48 <= distances[2] <= 52  # Lyon


@pytest.mark.parametrize(
    ("commune", "expected"),
    [
        # radius 20 km from Firminy, all of France, EPCI zone, région 84
        (
            SAINT_ETIENNE,
            {
                "Menuiserie du Pilat",
                "Électricité Coopérative du Roannais",
                "Rhizome",
                "Atelier Menuisier Parisien",
            },
        ),
        # département 69, France, région 84
        (
            LYON,
            {
                "Les Charpentiers de Lyon",
                "Électricité Coopérative du Roannais",
                "Atelier Menuisier Parisien",
            },
        ),
        # France, région 84, commune zone
        (
            ROANNE,
            {
                "Électricité Coopérative du Roannais",
                "Atelier Menuisier Parisien",
                "Paysages Partagés",
            },
        ),
        (PARIS, {"Électricité Coopérative du Roannais"}),
    ],
)
def test_intervenes_in_all_zone_modes(sw, commune, expected):
    found = names(intervient=commune)
    # Rhizome's public entrepreneur offer has no zone (all of France by default).
    expected = expected | {"Rhizome"}
    assert found == expected


def test_intervenes_radius_uses_head_office_without_origin(sw):
    Offer.objects.filter(organisation=sw.menuiserie).update(origin=None)
    assert "Menuiserie du Pilat" in names(intervient=SAINT_ETIENNE)
    assert "Menuiserie du Pilat" not in names(intervient=LYON)


def test_headcount_and_labels(sw):
    assert names(effectif="11") == {"Menuiserie du Pilat"}
    assert names(effectif=["11", "12"]) == {"Menuiserie du Pilat", "Les Charpentiers de Lyon"}
    assert names(label="esus") == {"Menuiserie du Pilat", "Les Charpentiers de Lyon"}
    assert names(label=["esus", "mission"]) == {"Les Charpentiers de Lyon"}


def test_commune_by_name_or_postal_code(sw):
    _found, query, errors = run(commune="Saint-Étienne")
    assert query.near_commune == SAINT_ETIENNE
    _found, query, errors = run(commune="42000")  # a postal code, not an INSEE code
    assert query.near_commune == SAINT_ETIENNE
    assert not errors


# ---------------------------------------------------------------- bad input


def test_bad_values_give_messages_and_the_rest_still_works(sw):
    found, query, errors = run(
        q="menuiserie",
        commune="Nulle-Part-sur-Mer",
        secteur="99.99Z",
        niveau="departement",
        territoire="Atlantide",
        famille=["scop", "licorne"],
        effectif="ZZ",
        label="inconnu",
        rayon="beaucoup",
        tri="hasard",
        page="abc",
    )
    text = " ".join(errors)
    assert "Nulle-Part-sur-Mer" in text
    assert "99.99Z" in text
    assert "Atlantide" in text
    assert "Famille inconnue" in text
    assert "Tranche d'effectif inconnue" in text
    assert "inconnu" in text
    assert "Tri inconnu" in text
    assert query.families == ["scop"]
    assert query.page == 1
    assert set(found) == {"Menuiserie du Pilat", "Atelier Menuisier Parisien"}


def test_distance_sort_without_commune_is_explained(sw):
    _found, query, errors = run(tri="distance")
    assert query.sort == ""
    assert any("commune" in e for e in errors)


def test_to_params_round_trip(sw):
    data = QueryDict(
        "q=menuiserie&famille=scop&famille=scic&secteur=4332a&niveau=departement&territoire=Loire"
        "&commune=42000&rayon=25&intervient=42218&effectif=11&label=esus&tri=distance&page=2"
    )
    query, errors = SearchQuery.from_params(data)
    assert not errors
    params = query.to_params()
    assert params.urlencode() == (
        "q=menuiserie&famille=scop&famille=scic&secteur=43.32A&niveau=departement&territoire=42"
        "&commune=42218&rayon=25&intervient=42218&effectif=11&label=esus&tri=distance&page=2"
    )
    again, errors = SearchQuery.from_params(params)
    assert again == query


# ---------------------------------------------------------------- map points


def test_establishments_matching_restricts_points_to_the_place(sw):
    lyon = Commune.objects.get(pk=LYON)
    Establishment.objects.create(
        organisation=sw.menuiserie, commune=lyon, latitude=lyon.latitude, longitude=lyon.longitude
    )
    Establishment.objects.create(organisation=sw.menuiserie, diffusion_partial=True)
    query, _errors = SearchQuery.from_params(QueryDict("q=pilat&commune=42218&rayon=20"))
    points = list(search.establishments_matching(query))
    assert [p.commune_id for p in points] == [FIRMINY]
    query, _errors = SearchQuery.from_params(QueryDict("q=pilat"))
    assert {p.commune_id for p in search.establishments_matching(query)} == {FIRMINY, LYON}


def test_refresh_after_a_write(sw):
    Offer.objects.create(organisation=sw.paysages, title="Tonte écologique")
    assert names(q="tonte") == set()
    search.search_document_refresh(organisation_ids=[sw.paysages.pk])
    assert names(q="tonte") == {"Paysages Partagés"}
    assert search.suggest("tonet") == "tonte"
