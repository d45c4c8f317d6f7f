"""« Marchés publics remportés » on the organisation page; the market held by the network with
secrecy for the public; flat query counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.public_procurement import selectors
from maillage.public_procurement.importing import import_decp
from tests.accounts.factories import DelegateAssignmentFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def imported(directory):
    for name in ("decp_v2.json", "decp_v2_flat.json", "decp_v1.json"):
        import_decp(DATA / name)
    return directory


def test_organisation_page_lists_contracts_won(client, imported):
    response = client.get("/annuaire/organisations/scop-a/")
    content = response.content.decode()
    assert "Marchés publics remportés" in content
    assert "Réhabilitation de l&#x27;école Jules-Ferry" in content
    assert "2 marchés publics remportés" in content


def test_page_of_an_organisation_without_contracts_says_nothing(client, directory):
    content = client.get("/annuaire/organisations/scop-b/").content.decode()
    assert "Marchés publics remportés" not in content


def test_market_held_full_figures(imported):
    table = selectors.market_held(dimension="departement", year=None, full=True, unknown_label="?")
    rows = {row.key: row for row in table.rows}
    loire = rows["42"]
    # 2024-001 shared by A and an outside holder: half of 120 000,50 €; 2024-003: 30 000 €;
    # 2025-010: 18 000 €.
    assert loire.network_cents == 6000025 + 3000000 + 1800000
    assert loire.market_cents == 12000050 + 3000000 + 1800000
    assert loire.cooperatives == 2
    assert loire.percent == "64,3"
    assert rows["69"].network_cents == 5000000 + 950000 / 2 + 1200000


def test_market_held_by_sector(imported):
    cpv = selectors.market_held(dimension="cpv", year=2024, full=True, unknown_label="?")
    assert {r.key: r.network_cents for r in cpv.rows} == {
        "45": 6000025,
        "72": 5000000,
        "90": 3000000,
    }
    assert cpv.rows[0].label.startswith("45 — Travaux de construction")
    naf = selectors.market_held(dimension="naf", year=None, full=True, unknown_label="?")
    assert {r.key for r in naf.rows} == {"F", "J", "N"}
    assert all(r.market_cents is None for r in naf.rows)


def test_public_market_page_applies_secrecy(client, imported):
    response = client.get("/intercooperation/marches-publics/?dimension=departement")
    content = response.content.decode()
    assert response.status_code == 200
    # Départements are for union staff: the public gets the région.
    assert "Le détail par département est réservé" in content
    assert "108\u202f000,25" not in content  # the Loire's network figure
    # The whole market is public data.
    assert "239\u202f500,50" in content
    # In 2025 two cooperatives hold contracts in the région: secret.
    table = selectors.market_held(dimension="region", year=2025, full=False, unknown_label="?")
    (row,) = table.rows
    assert row.hidden and row.market_cents == 1800000 + 950000
    assert any("moins de 3 coopératives" in m for m in row.messages)
    # All years: three cooperatives, none above 85 %: published.
    table = selectors.market_held(dimension="region", year=None, full=False, unknown_label="?")
    assert table.rows[0].network_cents == 6475025 + 5000000 + 6000000


def test_delegate_sees_full_figures(client, imported):
    delegate = DelegateAssignmentFactory().user
    client.force_login(delegate)
    content = client.get(
        "/intercooperation/marches-publics/?dimension=departement"
    ).content.decode()
    assert "108\u202f000,25" in content


def test_pages_query_count_does_not_grow(client, imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/intercooperation/marches-publics/?dimension=region")
    with django_assert_max_num_queries(8):
        client.get("/intercooperation/marches-publics/?dimension=naf&year=2024")
    import_decp(DATA / "decp_bad.json")
    with django_assert_max_num_queries(8):
        response = client.get("/intercooperation/marches-publics/?dimension=cpv")
    assert response.status_code == 200
