"""Governance ratios: democratic practice inside a cooperative.

* share of employees who are associates (*salariés associés* ÷ *salariés*);
* share of the capital and of the votes held by employee-associates (the SCOP statute, loi
  n° 78-763 du 19 juillet 1978, requires employees to hold a majority of the capital and of the
  votes; the thresholds are not enforced here, the ratios are only measured);
* participation in the general meeting (*assemblée générale*): associates present, represented
  (proxy) or voting remotely ÷ associates convened;
* share of women among associates, board members (*conseil d'administration / de surveillance*,
  *gérance*) and managers;
* pay ratio: annual total remuneration of the highest-paid person ÷ median annual total
  remuneration of all employees **excluding the highest-paid person**, the definition of ESRS S1
  (Delegated Regulation (EU) 2023/2772), disclosure requirement S1-16, §97(b) and AR 101.

Money is passed as ``int`` (cents) or ``Decimal``, never float; the ratios themselves are floats.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Unit,
    check_count,
    check_number,
    check_part,
    invalid,
    issue,
    ratio_result,
    register,
)

__all__ = [
    "AG_PARTICIPATION",
    "CAPITAL_HELD_BY_EMPLOYEES",
    "EMPLOYEE_ASSOCIATES_SHARE",
    "PAY_RATIO",
    "VOTES_HELD_BY_EMPLOYEES",
    "WOMEN_SHARE",
    "Body",
    "ag_participation",
    "capital_held_by_employees",
    "employee_associates_share",
    "pay_ratio",
    "pay_ratio_from_remunerations",
    "votes_held_by_employees",
    "women_share",
]

Money = int | Decimal

_SCOP_LAW = (
    "Loi n° 78-763 du 19 juillet 1978 portant statut des sociétés coopératives de production"
)
_LEGIFRANCE_SCOP = ""  # no stable Légifrance address checked; cite the law by its number

EMPLOYEE_ASSOCIATES_SHARE = register(
    Formula(
        id="part_salaries_associes",
        version=1,
        title="Part des salariés associés",
        definition="salariés associés ÷ salariés × 100 (effectifs à la même date)",
        source="Indicateur de sociétariat du mouvement Scop ; " + _SCOP_LAW,
        url=_LEGIFRANCE_SCOP,
    )
)
CAPITAL_HELD_BY_EMPLOYEES = register(
    Formula(
        id="part_capital_salaries",
        version=1,
        title="Part du capital détenue par les salariés associés",
        definition="capital détenu par les associés salariés ÷ capital social × 100",
        source=_SCOP_LAW,
        url=_LEGIFRANCE_SCOP,
    )
)
VOTES_HELD_BY_EMPLOYEES = register(
    Formula(
        id="part_droits_vote_salaries",
        version=1,
        title="Part des droits de vote détenus par les salariés associés",
        definition="droits de vote des associés salariés ÷ droits de vote totaux × 100",
        source=_SCOP_LAW,
        url=_LEGIFRANCE_SCOP,
    )
)
AG_PARTICIPATION = register(
    Formula(
        id="participation_ag",
        version=1,
        title="Participation à l'assemblée générale",
        definition=(
            "(associés présents + représentés + votant à distance) ÷ associés convoqués × 100"
        ),
        source="Définition Maillage v1 (quorum au sens large : présents, représentés, à distance)",
    )
)
WOMEN_SHARE = register(
    Formula(
        id="part_femmes",
        version=1,
        title="Part des femmes (associés, instance de gouvernance, encadrement)",
        definition="femmes ÷ effectif de la population considérée × 100",
        source="Définition usuelle ; population précisée dans le résultat",
    )
)
PAY_RATIO = register(
    Formula(
        id="ratio_remuneration",
        version=1,
        title="Ratio de rémunération (plus haute ÷ médiane)",
        definition=(
            "rémunération annuelle totale de la personne la mieux rémunérée ÷ médiane des "
            "rémunérations annuelles totales des autres salariés"
        ),
        source=("ESRS S1 (règlement délégué (UE) 2023/2772), exigence S1-16, §97(b) et AR 101"),
        url="https://eur-lex.europa.eu/eli/reg_del/2023/2772/oj",
    )
)


class Body(StrEnum):
    """Population over which a share of women is computed."""

    ASSOCIES = "associes"
    GOUVERNANCE = "instance_gouvernance"  # board, supervisory board, gérance
    ENCADREMENT = "encadrement"


def _share(
    formula: Formula,
    part_field: str,
    part: float,
    whole_field: str,
    whole: float,
    *,
    counts: bool = True,
    details: dict[str, object] | None = None,
) -> Result:
    issues: list[Issue] = []
    check = check_count if counts else check_number
    ok_part = check(issues, part_field, part)
    ok_whole = check(issues, whole_field, whole)
    if ok_part and ok_whole:
        check_part(issues, part_field, part, whole_field, whole)
    if issues:
        return invalid(formula, Unit.PERCENT, issues, details=details)
    return ratio_result(
        formula,
        Unit.PERCENT,
        float(part),
        float(whole),
        scale=100.0,
        denominator_field=whole_field,
        details=details,
    )


def employee_associates_share(*, employee_associates: int, employees: int) -> Result:
    """Share (%) of employees who are associates."""
    return _share(
        EMPLOYEE_ASSOCIATES_SHARE, "salaries_associes", employee_associates, "salaries", employees
    )


def _money(value: Money) -> float:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("money is passed as int cents or Decimal, never float")
    return float(value)


def capital_held_by_employees(*, employee_capital: Money, total_capital: Money) -> Result:
    """Share (%) of the share capital held by employee-associates."""
    return _share(
        CAPITAL_HELD_BY_EMPLOYEES,
        "capital_salaries",
        _money(employee_capital),
        "capital_social",
        _money(total_capital),
        counts=False,
    )


def votes_held_by_employees(*, employee_votes: int, total_votes: int) -> Result:
    """Share (%) of the voting rights held by employee-associates."""
    return _share(
        VOTES_HELD_BY_EMPLOYEES,
        "droits_vote_salaries",
        employee_votes,
        "droits_vote_total",
        total_votes,
    )


def ag_participation(*, present: int, represented: int, convened: int, remote: int = 0) -> Result:
    """Share (%) of convened associates who took part (present, by proxy or remotely)."""
    issues: list[Issue] = []
    for name, v in (
        ("presents", present),
        ("representes", represented),
        ("a_distance", remote),
        ("convoques", convened),
    ):
        check_count(issues, name, v)
    if issues:
        return invalid(AG_PARTICIPATION, Unit.PERCENT, issues)
    return _share(
        AG_PARTICIPATION,
        "participants",
        present + represented + remote,
        "convoques",
        convened,
        details={"presents": present, "representes": represented, "a_distance": remote},
    )


def women_share(*, women: int, total: int, body: Body) -> Result:
    """Share (%) of women in ``body``."""
    return _share(
        WOMEN_SHARE, "femmes", women, "effectif", total, details={"population": body.value}
    )


def pay_ratio(*, highest: Money, median_of_others: Money) -> Result:
    """Highest annual total remuneration ÷ median of the others' (ESRS S1-16 §97(b))."""
    issues: list[Issue] = []
    h, m = _money(highest), _money(median_of_others)
    check_number(issues, "remuneration_la_plus_haute", h)
    check_number(issues, "mediane_autres", m)
    if issues:
        return invalid(PAY_RATIO, Unit.RATIO, issues)
    return ratio_result(PAY_RATIO, Unit.RATIO, h, m, scale=1.0, denominator_field="mediane_autres")


def pay_ratio_from_remunerations(remunerations: Sequence[Money]) -> Result:
    """Pay ratio from every employee's annual total remuneration (at least two people)."""
    issues: list[Issue] = []
    values = [_money(r) for r in remunerations]
    for i, v in enumerate(values):
        check_number(issues, f"remunerations[{i}]", v)
    if len(values) < 2:
        issues.append(
            issue("effectif_insuffisant_ratio", "remunerations", minimum=2, value=len(values))
        )
    if issues:
        return invalid(PAY_RATIO, Unit.RATIO, issues)
    ordered = sorted(values)
    highest = ordered[-1]
    median = statistics.median(ordered[:-1])
    return ratio_result(
        PAY_RATIO, Unit.RATIO, highest, float(median), scale=1.0, denominator_field="mediane_autres"
    )
