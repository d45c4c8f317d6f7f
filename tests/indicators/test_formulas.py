"""Indicator formulas (maillage/indicators/formulas/): hand-computed examples, validation
messages naming the field and the rule, and results that say why a figure is missing.

Pure: no database, no Django settings needed by the code under test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.indicators.formulas import Status, Unit
from maillage.indicators.formulas.absenteeism import (
    AbsenceCategory,
    DurationBand,
    all_absence_rate,
    compressible_absence_rate,
    duration_band,
    health_absence_rate,
    stoppage_duration_bands,
    stoppages_per_employee,
)
from maillage.indicators.formulas.governance import (
    Body,
    ag_participation,
    capital_held_by_employees,
    employee_associates_share,
    pay_ratio,
    pay_ratio_from_remunerations,
    votes_held_by_employees,
    women_share,
)
from maillage.indicators.formulas.headcount import average_fte, average_headcount, month_fte
from maillage.indicators.formulas.safety import (
    FrequencyRate,
    RecordableIncidentRate200k,
    SeverityRate,
    frequency_rate,
    pool_rates,
    recordable_incident_rate_200k,
    severity_rate,
)
from maillage.indicators.formulas.turnover import (
    ExitReason,
    departure_rate_excluding_cdd,
    resignation_rate,
    rotation_rate,
)
from maillage.indicators.formulas.wellbeing import (
    CopsoqItem,
    copsoq_item_score,
    copsoq_scale_score,
    who5_score,
    who5_summary,
)

A = AbsenceCategory

# --- headcount -----------------------------------------------------------------------------------


def test_average_headcount_is_the_mean_of_monthly_headcounts():
    r = average_headcount([10] * 6 + [12] * 6)
    assert r.ok and r.value == 11.0 and r.unit is Unit.HEADCOUNT
    assert r.formula.ref == "effectif_moyen@v1"


def test_months_without_employees_are_kept_by_default_and_dropped_on_request():
    months = [0] * 6 + [10] * 6
    assert average_headcount(months).value == 5.0
    css = average_headcount(months, exclude_months_without_employees=True)
    assert css.value == 10.0 and css.details["mois_retenus"] == 6


def test_missing_month_is_not_computable_and_names_the_month():
    r = average_headcount([10, 10, None, 10])
    assert r.status is Status.NOT_COMPUTABLE and r.value is None
    assert r.issue_keys == ("mois_manquants",)
    assert "3" in r.reason and "effectifs_mensuels" in r.reason


def test_negative_headcount_and_wrong_number_of_months_are_invalid():
    r = average_headcount([10, -1])
    assert r.status is Status.INVALID
    assert r.issues[0].key == "negatif" and r.issues[0].field == "effectifs_mensuels[2]"
    assert average_headcount([1.0] * 13).issue_keys == ("nombre_de_mois",)
    assert average_headcount([]).issue_keys == ("nombre_de_mois",)
    assert average_headcount([0, 0], exclude_months_without_employees=True).issue_keys == (
        "aucun_mois_avec_salarie",
    )


def test_fte_counts_part_time_pro_rata_and_caps_at_one():
    assert month_fte([35, 17.5, 28, 39]) == pytest.approx(3.3)
    assert month_fte([39], full_time_hours=39) == 1.0
    r = average_fte([3.3, 3.5])
    assert r.value == pytest.approx(3.4) and r.unit is Unit.FTE
    assert r.formula.id == "effectif_moyen_etp"
    with pytest.raises(ValueError):
        month_fte([10], full_time_hours=0)


# --- absenteeism ---------------------------------------------------------------------------------

HOURS = {
    A.MALADIE_COURTE: 100,
    A.MALADIE_MOYENNE: 200,
    A.MALADIE_LONGUE: 300,
    A.ACCIDENT_TRAVAIL: 50,
    A.ACCIDENT_TRAJET: 20,
    A.MALADIE_PROFESSIONNELLE: 30,
    A.ABSENCE_INJUSTIFIEE: 10,
    A.RAISON_FAMILIALE: 40,
    A.MATERNITE_PATERNITE: 250,
    A.AUTRE: 0,
}


def test_health_absence_rate_hand_computed():
    # (100 + 200 + 300 + 50 + 20 + 30) / 10 000 = 7 %
    r = health_absence_rate(HOURS, 10_000)
    assert r.ok and r.value == pytest.approx(7.0) and r.unit is Unit.PERCENT
    assert r.numerator == 700 and r.denominator == 10_000


def test_compressible_absence_rate_v1_hand_computed():
    # short + medium sickness + unjustified + family = 100 + 200 + 10 + 40 = 350 → 3.5 %
    r = compressible_absence_rate(HOURS, 10_000)
    assert r.value == pytest.approx(3.5)
    assert r.formula.ref == "taux_absence_compressible@v1"


def test_compressible_with_another_perimeter_is_labelled_as_such():
    r = compressible_absence_rate(
        HOURS,
        10_000,
        categories={A.MALADIE_COURTE, A.MALADIE_MOYENNE, A.ACCIDENT_TRAVAIL, A.ABSENCE_INJUSTIFIEE},
    )
    assert r.value == pytest.approx(3.6)
    assert r.formula.id == "taux_absence_compressible_personnalise"
    assert "accident_travail" in r.formula.definition


def test_all_absence_rate_hand_computed():
    r = all_absence_rate(HOURS, 10_000)
    assert r.value == pytest.approx(10.0)


def test_absence_hours_above_theoretical_hours_are_rejected():
    r = health_absence_rate({A.MALADIE_COURTE: 9_000, A.MATERNITE_PATERNITE: 2_000}, 10_000)
    assert r.status is Status.INVALID
    assert r.issue_keys == ("absences_superieures_heures_theoriques",)
    assert "11000" in r.reason and "10000" in r.reason


def test_zero_theoretical_hours_is_not_computable_and_negative_hours_invalid():
    r = health_absence_rate({}, 0)
    assert r.status is Status.NOT_COMPUTABLE and r.issue_keys == ("zero",)
    assert "heures_theoriques" in r.reason
    bad = all_absence_rate({A.MALADIE_COURTE: -5}, 100)
    assert bad.status is Status.INVALID
    assert bad.issues[0].field == "heures_absence.maladie_courte"
    assert bad.issues[0].key == "negatif"
    nan = all_absence_rate({A.MALADIE_COURTE: float("nan")}, 100)
    assert nan.issue_keys == ("non_fini",)


def test_stoppages_per_employee():
    r = stoppages_per_employee(18, 12)
    assert r.value == 1.5 and r.unit is Unit.PER_EMPLOYEE
    assert stoppages_per_employee(3, 0).status is Status.NOT_COMPUTABLE
    assert stoppages_per_employee(2.5, 10).issue_keys == ("non_entier",)  # type: ignore[arg-type]


def test_duration_bands_boundaries():
    assert duration_band(1) is DurationBand.COURT
    assert duration_band(2) is DurationBand.COURT
    assert duration_band(3) is DurationBand.MOYEN
    assert duration_band(90) is DurationBand.MOYEN
    assert duration_band(91) is DurationBand.LONG
    with pytest.raises(ValueError):
        duration_band(0)


def test_duration_bands_counts_and_shares():
    r = stoppage_duration_bands([1, 2, 3, 90, 91, 200, 10, 2])
    assert r.ok
    assert r.counts == {DurationBand.COURT: 3, DurationBand.MOYEN: 3, DurationBand.LONG: 2}
    assert r.shares[DurationBand.COURT] == pytest.approx(37.5)
    assert r.shares[DurationBand.LONG] == pytest.approx(25.0)
    bad = stoppage_duration_bands([3, 0])
    assert bad.status is Status.INVALID and bad.issues[0].field == "durees_arrets[1]"
    assert stoppage_duration_bands([]).status is Status.NOT_COMPUTABLE


# --- turnover ------------------------------------------------------------------------------------


def test_rotation_rate_is_the_mean_of_entry_and_exit_rates():
    r = rotation_rate(entries=6, exits=4, average_headcount=20)
    assert r.value == pytest.approx(25.0)
    assert r.details["taux_entree"] == pytest.approx(30.0)
    assert r.details["taux_sortie"] == pytest.approx(20.0)


def test_exits_above_start_headcount_plus_entries_are_rejected():
    r = rotation_rate(entries=6, exits=30, average_headcount=20, headcount_start=20)
    assert r.status is Status.INVALID
    assert r.issue_keys == ("sorties_superieures_effectif_et_entrees",)
    assert r.issues[0].field == "sorties" and "26" in r.reason
    assert rotation_rate(entries=0, exits=0, average_headcount=0).status is Status.NOT_COMPUTABLE


def test_departure_rate_excludes_ends_of_fixed_term_contracts():
    exits = {ExitReason.FIN_CDD: 3, ExitReason.DEMISSION: 2, ExitReason.RETRAITE: 1}
    r = departure_rate_excluding_cdd(exits_by_reason=exits, average_headcount=20)
    assert r.value == pytest.approx(15.0)
    bad = departure_rate_excluding_cdd(
        exits_by_reason=exits, average_headcount=20, entries=1, headcount_start=4
    )
    assert bad.issue_keys == ("sorties_superieures_effectif_et_entrees",)
    neg = departure_rate_excluding_cdd(
        exits_by_reason={ExitReason.DEMISSION: -1}, average_headcount=20
    )
    assert neg.issues[0].field == "sorties.demission"


def test_resignation_rate():
    assert resignation_rate(resignations=2, average_headcount=20).value == pytest.approx(10.0)


# --- work accidents ------------------------------------------------------------------------------


def test_french_frequency_and_severity_rates_hand_computed():
    tf = frequency_rate(accidents_with_stoppage=3, hours_worked=150_000)
    assert isinstance(tf, FrequencyRate) and tf.value == pytest.approx(20.0)
    assert tf.base_hours == 1_000_000 and tf.unit is Unit.PER_MILLION_HOURS
    tg = severity_rate(days_lost=45, hours_worked=150_000)
    assert isinstance(tg, SeverityRate) and tg.value == pytest.approx(0.3)
    assert tg.base_hours == 1_000


def test_200k_rate_is_a_distinct_type_with_its_own_base():
    vsme = recordable_incident_rate_200k(recordable_accidents=4, hours_worked=150_000)
    assert isinstance(vsme, RecordableIncidentRate200k)
    assert vsme.value == pytest.approx(4 * 200_000 / 150_000)
    assert vsme.base_hours == 200_000 and vsme.unit is Unit.PER_200K_HOURS
    tf = frequency_rate(accidents_with_stoppage=4, hours_worked=150_000)
    assert not isinstance(vsme, FrequencyRate) and not isinstance(tf, RecordableIncidentRate200k)
    assert tf != vsme


def test_pooling_refuses_to_mix_rate_types():
    tf = frequency_rate(accidents_with_stoppage=3, hours_worked=150_000)
    vsme = recordable_incident_rate_200k(recordable_accidents=3, hours_worked=150_000)
    with pytest.raises(TypeError, match="cannot pool"):
        pool_rates([tf, vsme])
    with pytest.raises(ValueError):
        pool_rates([])


def test_pooling_sums_events_and_hours():
    pooled = pool_rates(
        [
            frequency_rate(accidents_with_stoppage=3, hours_worked=150_000),
            frequency_rate(accidents_with_stoppage=1, hours_worked=50_000),
        ]
    )
    assert isinstance(pooled, FrequencyRate) and pooled.value == pytest.approx(20.0)
    failed = pool_rates(
        [
            frequency_rate(accidents_with_stoppage=3, hours_worked=150_000),
            frequency_rate(accidents_with_stoppage=1, hours_worked=0),
        ]
    )
    assert failed.status is Status.NOT_COMPUTABLE and failed.issue_keys == ("zero",)


def test_rates_on_zero_or_negative_hours():
    r = frequency_rate(accidents_with_stoppage=1, hours_worked=0)
    assert r.status is Status.NOT_COMPUTABLE and "heures_travaillees" in r.reason
    r = severity_rate(days_lost=-1, hours_worked=10)
    assert r.status is Status.INVALID and r.issues[0].field == "journees_perdues"


# --- WHO-5 and COPSOQ ----------------------------------------------------------------------------


def test_who5_score_is_raw_score_times_four():
    r = who5_score([5, 4, 3, 2, 1])
    assert r.ok and r.value == 60.0 and r.details["score_brut"] == 15
    assert who5_score([0, 0, 0, 0, 0]).value == 0.0
    assert who5_score([5, 5, 5, 5, 5]).value == 100.0


def test_who5_missing_or_out_of_range_items():
    r = who5_score([5, None, 3, 2, 1])
    assert r.status is Status.NOT_COMPUTABLE and r.issue_keys == ("items_manquants",)
    r = who5_score([5, 6, 3, 2, 1])
    assert r.status is Status.INVALID and r.issues[0].field == "who5[2]"
    assert who5_score([1, 2, 3]).issue_keys == ("nombre_items",)


def test_who5_summary_shares_at_thresholds():
    s = who5_summary([60, 48, 28, 100, 20])
    assert s.ok and s.n == 5 and s.mean == pytest.approx(51.2)
    assert s.share_at_or_below_50 == pytest.approx(60.0) and s.count_at_or_below_50 == 3
    assert s.share_at_or_below_28 == pytest.approx(40.0) and s.count_at_or_below_28 == 2
    assert who5_summary([]).status is Status.NOT_COMPUTABLE
    assert who5_summary([50]).status is Status.INVALID  # not a multiple of 4: not a WHO-5 score


def test_copsoq_item_scores_by_position():
    assert [copsoq_item_score(CopsoqItem(p)) for p in range(5)] == [100, 75, 50, 25, 0]
    assert copsoq_item_score(CopsoqItem(0, reversed=True)) == 0
    assert copsoq_item_score(CopsoqItem(1, n_options=4)) == pytest.approx(200 / 3)
    assert copsoq_item_score(CopsoqItem(None)) is None


def test_copsoq_scale_needs_half_of_the_items():
    r = copsoq_scale_score([CopsoqItem(0), CopsoqItem(1), CopsoqItem(None), CopsoqItem(3)])
    assert r.ok and r.value == pytest.approx((100 + 75 + 25) / 3)
    half = copsoq_scale_score([CopsoqItem(0), CopsoqItem(4), CopsoqItem(None), CopsoqItem(None)])
    assert half.ok and half.value == 50.0
    short = copsoq_scale_score(
        [CopsoqItem(0), CopsoqItem(None), CopsoqItem(None), CopsoqItem(None)], scale="exigences"
    )
    assert short.status is Status.NOT_COMPUTABLE and short.issue_keys == ("items_insuffisants",)
    assert "exigences" in short.reason
    bad = copsoq_scale_score([CopsoqItem(7)])
    assert bad.status is Status.INVALID and bad.issues[0].key == "hors_bornes"


# --- governance ----------------------------------------------------------------------------------


def test_governance_shares():
    assert employee_associates_share(employee_associates=30, employees=40).value == 75.0
    assert capital_held_by_employees(
        employee_capital=600_000, total_capital=1_000_000
    ).value == pytest.approx(60.0)
    assert capital_held_by_employees(
        employee_capital=Decimal("6000.00"), total_capital=Decimal("10000.00")
    ).value == pytest.approx(60.0)
    assert votes_held_by_employees(employee_votes=70, total_votes=100).value == 70.0
    w = women_share(women=3, total=7, body=Body.GOUVERNANCE)
    assert w.value == pytest.approx(300 / 7) and w.details["population"] == "instance_gouvernance"


def test_part_above_whole_is_rejected_with_both_fields_named():
    r = employee_associates_share(employee_associates=41, employees=40)
    assert r.status is Status.INVALID and r.issue_keys == ("partie_superieure_au_tout",)
    assert "salaries_associes" in r.reason and "salaries" in r.reason
    assert employee_associates_share(employee_associates=0, employees=0).status is (
        Status.NOT_COMPUTABLE
    )


def test_money_must_not_be_float():
    with pytest.raises(TypeError):
        capital_held_by_employees(employee_capital=1.5, total_capital=3)  # type: ignore[arg-type]


def test_ag_participation_counts_present_represented_and_remote():
    r = ag_participation(present=20, represented=5, remote=3, convened=40)
    assert r.value == pytest.approx(70.0) and r.details["representes"] == 5
    bad = ag_participation(present=30, represented=15, convened=40)
    assert bad.issue_keys == ("partie_superieure_au_tout",)


def test_pay_ratio_excludes_the_highest_paid_from_the_median():
    # others: 20 000, 25 000, 30 000 → median 25 000; 90 000 / 25 000 = 3.6
    r = pay_ratio_from_remunerations([2_000_000, 2_500_000, 3_000_000, 9_000_000])
    assert r.value == pytest.approx(3.6) and r.unit is Unit.RATIO
    assert r.formula.ref == "ratio_remuneration@v1"
    assert pay_ratio(highest=9_000_000, median_of_others=2_500_000).value == pytest.approx(3.6)
    assert pay_ratio_from_remunerations([100]).issue_keys == ("effectif_insuffisant_ratio",)
    assert pay_ratio(highest=1, median_of_others=0).status is Status.NOT_COMPUTABLE
