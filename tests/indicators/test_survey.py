"""The questionnaire: validated instruments only in their official wording, our own items marked
as not validated, results only from five respondents."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from maillage.indicators.survey import (
    InstrumentStatus,
    check_answers,
    load_questionnaire,
    questionnaire_from_dict,
    results,
)


def raw_data():
    text = resources.files("maillage.indicators").joinpath("data", "survey_v1.json").read_text()
    return json.loads(text)


def test_unverified_instruments_are_unavailable_with_a_todo():
    questionnaire = load_questionnaire()
    by_key = {i.key: i for i in questionnaire.instruments}
    for key in ("who5", "copsoq3"):
        instrument = by_key[key]
        assert instrument.status is InstrumentStatus.UNAVAILABLE
        assert not instrument.asked
        assert instrument.todo.startswith("TODO")
        assert all(not item.text for item in instrument.items)
    assert by_key["who5"].title.startswith(
        "Indice (en cinq éléments) du bien-être de l'OMS (version 1998)"
    )
    own = by_key["coop"]
    assert own.status is InstrumentStatus.NOT_VALIDATED and not own.validated
    assert "non validées" in own.title
    assert [i.key for i in questionnaire.asked] == ["coop"]


def test_an_available_instrument_needs_its_texts():
    data = raw_data()
    data["instruments"][0]["status"] = "disponible"
    with pytest.raises(ValueError, match="no text"):
        questionnaire_from_dict(data)


def test_check_answers():
    questionnaire = load_questionnaire()
    answers, errors = check_answers(
        questionnaire, {"coop_desaccord": "4", "coop_projet": "", "who5_1": "3"}
    )
    assert answers == {"coop_desaccord": 4} and errors == []
    _answers, errors = check_answers(questionnaire, {"coop_desaccord": "5"})
    assert errors and "hors des choix" in errors[0]


def test_results_need_five_respondents():
    questionnaire = load_questionnaire()
    hidden = results(questionnaire, [{"coop_desaccord": 0}] * 4, cooperative=7)
    assert not hidden.published and hidden.distributions == {}
    assert "moins de 5 répondants" in hidden.hidden_reason
    shown = results(
        questionnaire, [{"coop_desaccord": 0}] * 3 + [{"coop_desaccord": 4}, {}], cooperative=7
    )
    assert shown.published and shown.respondents == 5
    dist = {d.item.key: d for d in shown.distributions["coop"]}["coop_desaccord"]
    assert dist.counts == (3, 0, 0, 0, 1) and dist.answered == 4
    assert dist.shares[0] == pytest.approx(75.0)
    assert not results(questionnaire, [], cooperative=7).published


def test_who5_would_be_scored_once_available():
    data = copy.deepcopy(raw_data())
    who5 = data["instruments"][0]
    who5["status"] = "disponible"
    for i, item in enumerate(who5["items"], start=1):
        item["text"] = f"(texte de test {i}, pas la formulation officielle)"
    who5["options"] = [f"option {i}" for i in range(6)]  # position 0 = « tout le temps » (5)
    questionnaire = questionnaire_from_dict(data)
    answers = [{f"who5_{i}": 0 for i in range(1, 6)}] * 4 + [{f"who5_{i}": 5 for i in range(1, 6)}]
    summary = results(questionnaire, answers, cooperative=1).who5
    assert summary is not None and summary.ok
    assert summary.mean == pytest.approx(80.0)
    assert summary.count_at_or_below_28 == 1
