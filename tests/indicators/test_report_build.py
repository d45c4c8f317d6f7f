"""The report's build, fed plain records: every breakdown goes through statistical secrecy
before anything leaves the builder, and hidden cells carry no figure at all."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

from maillage.indicators.report.build import CAVEAT, CoopRecord, Dimension, build_report
from maillage.indicators.report.measures import (
    MEASURES,
    coop_measures,
    load_references,
    size_band,
    survey_measures,
)
from maillage.indicators.report.present import fr_number, present_report
from maillage.indicators.survey import load_questionnaire, questionnaire_from_dict
from tests.indicators.factories import complete_values

BY_KEY = {m.key: m for m in MEASURES}
DIMENSIONS = [
    Dimension("territoire", "Par département", {"A": "Ain", "B": "Bièvre", "C": "Cantal"}),
    Dimension("secteur", "Par secteur", {"F": "Construction", "C": "Industrie"}),
    Dimension("taille", "Par taille", {"0-9": "Moins de 10", "10-49": "10 à 49"}),
]


def record(coop, territory, headcount, absence, sector="F", **extra):
    measures = {
        "effectif": (float(headcount), 1.0),
        "absence_sante": (float(absence), 1600.0 * headcount),
    } | extra
    return CoopRecord(coop, territory, sector, size_band(headcount), measures)


def build(records, measures=("effectif", "absence_sante"), **kw):
    return build_report(
        records,
        measures=[BY_KEY[k] for k in measures] + list(kw.pop("extra_measures", ())),
        dimensions=DIMENSIONS,
        references=load_references(),
        union={"slug": "u", "name": "Union de test"},
        year=2025,
        **kw,
    )


def rows(report, measure, dimension):
    item = next(m for m in report["measures"] if m["key"] == measure)
    return {r["key"]: r for d in item["dimensions"] if d["key"] == dimension for r in d["rows"]}


def numbers(obj):
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from numbers(v)


def sample():
    """Five cooperatives in A, two in B (too few), three in C."""
    out = [record(f"a{i}", "A", 12 + i, 300 + 40 * i) for i in range(5)]
    out += [record("b0", "B", 14, 777), record("b1", "B", 15, 911, sector="C")]
    out += [record(f"c{i}", "C", 20 + i, 500 + 10 * i, sector="C") for i in range(3)]
    return out


def test_a_cell_of_two_cooperatives_is_hidden_and_another_protects_it():
    report = build(sample())
    territory = rows(report, "absence_sante", "territoire")
    assert territory["B"]["published"] is False
    assert territory["B"]["reasons"] == ["frequence"]
    assert "moins de 3 coopératives" in territory["B"]["message"]
    hidden = [k for k, r in territory.items() if not r["published"]]
    assert len(hidden) >= 2, "a single hidden cell would be total minus the others"
    for key in hidden:
        assert set(territory[key]) == {"key", "label", "published", "reasons", "message"}
    total = next(m for m in report["measures"] if m["key"] == "absence_sante")["total"]
    assert total["published"] and total["n"] == 10
    assert total["ci_low"] < total["value"] < total["ci_high"]


def test_no_hidden_value_appears_anywhere_in_the_report():
    records = sample()
    report = build(records)
    b = [r for r in records if r.territory == "B"]
    hidden_values = {
        sum(r.measures["effectif"][0] for r in b),
        sum(r.measures["absence_sante"][0] for r in b)
        / sum(r.measures["absence_sante"][1] for r in b)
        * 100,
    }
    published = list(numbers(json.loads(json.dumps(report))))
    for value in hidden_values:
        assert not any(math.isclose(value, p, rel_tol=1e-9) for p in published)
    text = json.dumps(present_report(report), ensure_ascii=False)
    assert fr_number(sorted(hidden_values)[0], 2) not in text


def test_dominance_hides_a_cell_where_one_cooperative_weighs_more_than_85_percent():
    records = [record(f"a{i}", "A", 2, 50) for i in range(3)] + [record("a9", "A", 200, 900)]
    records += [record(f"c{i}", "C", 30, 400) for i in range(4)]
    records += [record(f"b{i}", "B", 30, 400) for i in range(4)]
    territory = rows(build(records, measures=("effectif",)), "effectif", "territoire")
    assert territory["A"]["published"] is False
    assert "dominance" in territory["A"]["reasons"]
    assert "plus de 85 %" in territory["A"]["message"]


def test_survey_cells_need_five_respondents():
    measure = survey_measures(load_questionnaire())[0]
    key = measure.key
    records = [
        CoopRecord(f"a{i}", "A", "F", "10-49", {key: (1.0, 1.0)}, respondents=1) for i in range(4)
    ]
    records += [
        CoopRecord(f"c{i}", "C", "F", "10-49", {key: (3.0, 4.0)}, respondents=4) for i in range(3)
    ]
    report = build(records, measures=(), extra_measures=[measure])
    territory = rows(report, key, "territoire")
    assert territory["A"]["published"] is False
    assert territory["A"]["reasons"] == ["repondants"]
    assert "moins de 5 répondants" in territory["A"]["message"]
    total = next(m for m in report["measures"] if m["key"] == key)["total"]
    assert total["published"] and total["respondents"] == 16


def test_an_indicator_whose_total_fails_is_withheld_entirely():
    records = [record("a0", "A", 10, 100), record("a1", "A", 11, 120)]
    report = build(records)
    for item in report["measures"]:
        assert item["withheld"].startswith("Indicateur non publié")
        assert not item["total"]["published"]
        assert all(not r["published"] for d in item["dimensions"] for r in d["rows"])
    figures = [
        v
        for m in report["measures"]
        for v in numbers([m["total"], [d["rows"] for d in m["dimensions"]]])
    ]
    assert figures == []


def test_two_cells_hide_each_other_and_the_total_stays():
    # One big cell and one cell of two cooperatives: the big one is hidden to protect the small.
    records = [record(f"a{i}", "A", 20 + i, 300) for i in range(6)]
    records += [record("b0", "B", 14, 777), record("b1", "B", 15, 911)]
    report = build(records)
    territory = rows(report, "absence_sante", "territoire")
    assert territory["B"]["reasons"] == ["frequence"]
    assert territory["A"]["reasons"] == ["secondaire"]
    total = next(m for m in report["measures"] if m["key"] == "absence_sante")["total"]
    assert total["published"]


def test_associations_carry_intervals_and_the_caveat_and_refuse_below_ten():
    records = [
        CoopRecord(
            i,
            "A",
            "F",
            "10-49",
            coop_measures(
                complete_values(salaries_associes=3 + i % 7, absence_heures_maladie_courte=50 * i),
                [],
                load_questionnaire(),
            ),
        )
        for i in range(12)
    ]
    report = build(records, measures=("associes", "absence_sante", "rotation"))
    pair = next(
        a for a in report["associations"] if (a["x"], a["y"]) == ("associes", "absence_sante")
    )
    assert pair["computed"] and pair["n"] == 12 and pair["causal"] is False
    assert -1 <= pair["r_low"] < pair["r"] < pair["r_high"] <= 1
    assert pair["slope_low"] < pair["slope"] < pair["slope_high"]
    assert report["caveat"] == CAVEAT and "Association, et non causalité" in CAVEAT
    few = build(records[:9], measures=("associes", "absence_sante"))
    assert few["associations"][0]["computed"] is False
    assert "minimum de 10" in few["associations"][0]["reason"]


def test_who5_is_pooled_once_the_instrument_is_available():
    raw = json.loads(
        resources.files("maillage.indicators")
        .joinpath("data", "survey_v1.json")
        .read_text(encoding="utf-8")
    )
    who5 = raw["instruments"][0]
    who5["status"] = "disponible"
    who5["options"] = ["5", "4", "3", "2", "1", "0"]
    for n, item in enumerate(who5["items"]):
        item["text"] = f"Énoncé {n}"
    questionnaire = questionnaire_from_dict(raw)
    answers = [{f"who5_{k}": 1 for k in range(1, 6)}] * 5  # 4 × 5 × 4 = 80 each
    measures = coop_measures(complete_values(), answers, questionnaire)
    assert measures["who5"] == (400.0, 5.0)


def test_national_references_have_a_source_and_a_year_and_never_invent():
    refs = load_references()
    for ref in refs["references"]:
        assert ref["source"] and 1990 < ref["year"] < 2030
        assert ref["indicator"] in BY_KEY
    comparable = {r["indicator"] for r in refs["references"] if r["comparable"]}
    assert comparable == {"rotation"}
    absent = {a["indicator"] for a in refs["absent"]}
    assert {"who5", "demission", "frequence_at"} <= absent
    report = build(sample(), measures=("rotation", "absence_sante", "demission"))
    by_key = {m["key"]: m for m in report["measures"]}
    assert by_key["rotation"]["reference"]["value"] == pytest.approx(47.8)
    assert by_key["absence_sante"]["reference"] is None
    assert by_key["absence_sante"]["context"][0]["comparable"] is False
    assert "pas pu être relu" in by_key["demission"]["reference_absent"]


def test_report_modules_import_without_django():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "import maillage.indicators.report.build, maillage.indicators.report.jobs\n"
        "import maillage.indicators.report.measures, maillage.indicators.report.present\n"
        "import maillage.indicators.report.peers, maillage.indicators.report.charts\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
