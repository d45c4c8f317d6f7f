"""Jobs toward 100,000: series against the targets, breakdowns, and the secrecy rules, including
the difference between two published years."""

from __future__ import annotations

from maillage.indicators.report.jobs import (
    TARGET_COOPERATIVES,
    TARGET_JOBS,
    MemberRecord,
    build_jobs,
)

LABELS = {"region": {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France"}, "secteur": {}}


def jobs(records, years=range(2020, 2025), current=2024):
    return build_jobs(records, years=years, current_year=current, labels=LABELS)


def by_key(rows):
    return {r["key"]: r for r in rows}


def test_series_and_progress_against_the_movement_target():
    records = [MemberRecord(i, "84", "F", 10.0, 2020 + i % 3, None) for i in range(9)]
    out = jobs(records)
    values = {p["year"]: p["jobs"].get("value") for p in out["series"]}
    assert values[2020] == 30.0 and values[2022] == 90.0 and values[2024] == 90.0
    assert out["progress"]["year"] == 2024
    assert out["progress"]["jobs_pct"] == 90.0 / TARGET_JOBS * 100
    assert out["progress"]["coops_pct"] == 9 / TARGET_COOPERATIVES * 100
    assert out["targets"] == {
        "jobs": 100_000,
        "coops": 5_000,
        "source": out["targets"]["source"],
    }


def test_campaign_headcounts_replace_the_directory_headcount_of_their_year():
    records = [
        MemberRecord(i, "84", "F", 10.0, 2020, None, {2023: 20.0 + i} if i < 3 else {})
        for i in range(4)
    ]
    out = jobs(records)
    values = {p["year"]: p["jobs"].get("value") for p in out["series"]}
    assert values[2022] == 40.0 and values[2023] == 73.0


def test_a_change_of_one_cooperative_headcount_is_a_revealing_difference():
    records = [
        MemberRecord(i, "84", "F", 10.0, 2020, None, {2023: 20.0} if i == 0 else {})
        for i in range(4)
    ]
    point = next(p for p in jobs(records)["series"] if p["year"] == 2023)
    assert point["jobs"]["published"] is False and point["jobs"]["reasons"] == ["evolution"]


def test_members_without_a_date_count_in_the_current_year_only_and_leavers_stop():
    records = [MemberRecord(i, "84", "F", 5.0, 2020, None) for i in range(3)]
    records += [MemberRecord(10 + i, "84", "F", 5.0, None, None) for i in range(3)]
    records += [MemberRecord(20 + i, "84", "F", 5.0, 2020, 2022) for i in range(3)]
    coops = {p["year"]: p["coops"].get("value") for p in jobs(records)["series"]}
    assert coops == {2020: 6.0, 2021: 6.0, 2022: 3.0, 2023: 3.0, 2024: 6.0}


def test_a_year_whose_difference_would_reveal_one_cooperative_is_hidden():
    # Four cooperatives in 84 from 2020; a fifth joins in 2023: 2023 minus 2022 would be its
    # jobs, so 2023 is hidden in 84 (and the total, for the same reason).
    records = [MemberRecord(i, "84", "F", 10.0 + i, 2020, None) for i in range(4)]
    records += [MemberRecord(4, "84", "F", 17.0, 2023, None)]
    records += [MemberRecord(10 + i, "11", "C", 20.0 + i, 2020, None) for i in range(4)]
    out = jobs(records)
    region_2023 = by_key(out["breakdowns"]["2023"]["region"]["jobs"])
    assert region_2023["84"]["published"] is False
    assert region_2023["84"]["reasons"] == ["evolution"]
    assert "année publiée précédente" in region_2023["84"]["message"]
    total_2023 = next(p for p in out["series"] if p["year"] == 2023)["jobs"]
    assert total_2023["published"] is False
    # 11 would otherwise give 84 as total minus 11: the total hides with it.
    assert by_key(out["breakdowns"]["2022"]["region"]["jobs"])["84"]["value"] == 46.0
    for year in ("2023", "2024"):
        published = [r.get("value") for r in out["breakdowns"][year]["region"]["jobs"]]
        assert 17.0 not in published and 63.0 not in published


def test_small_cells_are_hidden_in_every_breakdown():
    records = [MemberRecord(i, "84", "F" if i < 5 else "C", 10.0, 2020, None) for i in range(7)]
    records += [MemberRecord(10 + i, "11", "F", 10.0, 2020, None) for i in range(4)]
    out = jobs(records)
    sectors = by_key(out["breakdowns"]["2024"]["secteur"]["jobs"])
    assert sectors["C"]["published"] is False and sectors["C"]["reasons"] == ["frequence"]
    hidden = [k for k, r in sectors.items() if not r["published"]]
    total = next(p for p in out["series"] if p["year"] == 2024)["jobs"]
    assert len(hidden) >= 2 or not total["published"]


def test_no_progress_line_without_any_cooperative():
    out = jobs([])
    assert out["progress"] is None
    assert all(p["jobs"]["value"] == 0 for p in out["series"])


def test_a_forced_cell_is_hidden_as_evolution_and_protected_like_a_primary_one():
    from maillage.indicators.disclosure import TOTAL, CellInput, TableKind, protect_1d

    cells = {
        key: CellInput(tuple((f"{key}{i}", 10.0 + i) for i in range(4))) for key in ("A", "B", "C")
    }
    table = protect_1d(cells, kind=TableKind.MAGNITUDE, forced={"B"})
    assert table.cells["B"].reasons == ("evolution",)
    assert "année publiée précédente" in table.cells["B"].messages[0]
    hidden = [k for k in ("A", "B", "C", TOTAL) if table.cells[k].suppressed]
    assert len(hidden) >= 2 and table.safe
