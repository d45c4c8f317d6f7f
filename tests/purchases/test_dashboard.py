"""Dashboards: figures by year, territory and sector; secrecy for the public; full figures for
union staff; each cooperative's in-network share; flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.purchases import selectors

from .factories import cooperative, purchase, section


def _board(full: bool, **kwargs):
    args = {"year": None, "side": "fournisseur", "level": "region", "full": full}
    args.update(kwargs)
    return selectors.network_dashboard(unknown_label="Non renseigné", **args)


@pytest.fixture
def network(db):
    """Three buyers × three suppliers in Auvergne-Rhône-Alpes (construction), and a single
    software supplier in Île-de-France sold to by one buyer."""
    building = section("F", "construction")
    it = section("J", "information et communication")
    buyers = [cooperative(f"Acheteuse {i}", departement="42") for i in range(3)]
    suppliers = [
        cooperative(f"Fournisseuse {i}", departement="69", sector=building) for i in range(3)
    ]
    for buyer in buyers:
        for supplier in suppliers:
            purchase(buyer, supplier, euros=1000, date=dt.date(2024, 6, 1))
    software = cooperative("Code Commun", departement="75", region="11", sector=it)
    purchase(buyers[0], software, euros=777, date=dt.date(2025, 2, 1))
    purchase(buyers[0], supplier_name="Hors réseau SARL", euros=5000, date=dt.date(2025, 2, 1))
    return {"buyers": buyers, "suppliers": suppliers, "software": software}


def test_full_dashboard_shows_every_figure(network):
    board = _board(full=True)
    years = {row.key: row.amount_cents for row in board.by_year.rows}
    assert years == {2024: 900000, 2025: 77700}  # « hors réseau » is not inter-cooperative
    regions = {row.label: row.amount_cents for row in board.by_territory.rows}
    assert regions == {"Auvergne-Rhône-Alpes": 900000, "Île-de-France": 77700}
    sectors = {row.key: (row.label, row.amount_cents) for row in board.by_sector.rows}
    assert sectors["F"] == ("F — construction", 900000)
    assert sectors["J"][1] == 77700
    assert board.by_territory.total.amount_cents == 977700


def test_public_dashboard_hides_a_single_cooperative(network):
    board = _board(full=False)
    regions = {row.label: row for row in board.by_territory.rows}
    idf = regions["Île-de-France"]
    assert idf.hidden
    assert any("moins de 3 coopératives" in m for m in idf.messages)
    # With its total published, the other row would give it away: it is hidden too.
    published = [r.amount_cents for r in board.by_territory.rows if not r.hidden]
    total = board.by_territory.total
    assert not (total and not total.hidden and len(published) == len(board.by_territory.rows) - 1)
    assert 77700 not in published


def test_public_dashboard_publishes_a_safe_cell(network):
    board = _board(full=False, year=2024)
    (row,) = board.by_territory.rows
    assert (row.label, row.amount_cents, row.count) == ("Auvergne-Rhône-Alpes", 900000, 9)


def test_territory_of_the_buyer_and_by_departement(network):
    board = _board(full=True, side="acheteur", level="departement")
    assert {row.key: row.amount_cents for row in board.by_territory.rows} == {"42": 977700}


def test_share_inside_the_network_by_year(network):
    rows = selectors.network_share_by_year(network["buyers"][0])
    assert [(r.year, r.network_cents, r.total_cents) for r in rows] == [
        (2024, 300000, 300000),
        (2025, 77700, 577700),
    ]
    assert rows[1].percent == "13,4"


def test_dashboard_page_query_count_does_not_grow(client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/intercooperation/achats/")
    assert response.status_code == 200
    for i in range(5):
        buyer = cooperative(f"Nouvelle {i}")
        purchase(buyer, network["suppliers"][0], euros=10)
    with django_assert_max_num_queries(12):
        response = client.get("/intercooperation/achats/?year=2025&side=acheteur&level=departement")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Secret statistique" in content
    assert "data:image/svg+xml;base64," in content


def test_organisation_page_query_count_does_not_grow(
    client, network, django_assert_max_num_queries
):
    from maillage.accounts.enums import Role
    from tests.accounts.factories import MembershipFactory

    buyer = network["buyers"][0]
    member = MembershipFactory(organisation=buyer, role=Role.MEMBER).user
    client.force_login(member)
    url = f"/intercooperation/achats/{buyer.slug}/"
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(10):
        purchase(buyer, network["software"], euros=5)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    content = response.content.decode()
    assert "Part des achats faits dans le réseau" in content
    assert "Hors réseau SARL" in content


def test_public_sees_regions_only(network):
    board = _board(full=False, level="departement")
    assert board.level_restricted
    assert board.level == "region"
    assert _board(full=True, level="departement").by_territory.rows[0].key == "69"


def test_no_hidden_cell_can_be_recomputed_across_years(db):
    """A row published for all years never has exactly one hidden year; a hidden year total
    is hidden in every breakdown."""
    from maillage.indicators.disclosure import TOTAL
    from maillage.purchases.secrecy import Entry, protect_by_year

    entries = []
    for year in (2023, 2024, 2025):
        for b in range(4):
            for s in range(4):
                row = "84" if s < 3 else "11"
                amount = 1000.0 * (1 + b + s) if (year, s) != (2025, 3) else 5.0
                entries.append(Entry("t", row, year, (("b", b), ("s", s)), amount))
                entries.append(
                    Entry("u", "F" if b < 2 else "J", year, (("b", b), ("s", s)), amount)
                )
    out = protect_by_year(entries, keyings=2)
    for table in out.values():
        for row in ("84", "11", "F", "J"):
            if (row, TOTAL) in table and table[(row, TOTAL)].published:
                hidden = [y for y in (2023, 2024, 2025) if not table[(row, y)].published]
                assert len(hidden) != 1
        for year in (2023, 2024, 2025, TOTAL):
            states = {t[(TOTAL, year)].published for t in out.values()}
            assert len(states) == 1
