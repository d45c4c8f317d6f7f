"""Greenhouse-gas emissions: Scope 1 (combustion) and Scope 2 location-based (electricity).

Both follow the GHG Protocol Corporate Standard (WRI/WBCSD, 2004) and its Scope 2 Guidance
(2015), and the French *bilan d'émissions de gaz à effet de serre* method (ADEME Base Empreinte):

* Scope 1 = Σ activity data × emission factor, over the fuels burnt on site or in owned vehicles;
* Scope 2 location-based = electricity consumed (kWh) × the average emission factor of the grid
  where it is consumed, for the year of consumption (for mainland France, the ADEME Base
  Empreinte factor « Électricité - <année> - mix moyen - consommation »).

Factors come from a versioned :class:`FactorTable` (``emission_factors_v1.json`` next to this
module, or any table an operator loads). Each factor carries its id (free text, e.g. an ADEME Base
Empreinte identifier prefixed ``ademe:``), gas, value, units, year, zone and source. The shipped
table is deliberately short: see docs/indicators.md for what is in it and what is left out.

Unit safety: activity data must be in the factor's activity unit or in a unit of the same
dimension (energy on a net-calorific-value basis ``*_PCI``, electricity, volume, mass) with an
exact conversion. ``kWh_PCS`` (gross calorific value, the unit of French gas bills) is its own
dimension: its conversion to PCI depends on the gas and is left to the user, so a PCS quantity
against a PCI factor is reported as a unit mismatch instead of being silently mis-scaled. Factors
for different gases (CO2 only vs CO2e) are never summed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Status,
    Unit,
    check_number,
    invalid,
    issue,
    not_computable,
    register,
)

__all__ = [
    "ELECTRICITY_LOCATION_KIND",
    "SCOPE1",
    "SCOPE2_LOCATION",
    "UNITS",
    "Activity",
    "EmissionFactor",
    "FactorTable",
    "FactorTableError",
    "convert",
    "factor_table_from_dict",
    "load_factor_table",
    "scope1_emissions",
    "scope2_location_based",
]

ELECTRICITY_LOCATION_KIND: Final = "electricite_reseau_moyen"

# unit → (dimension, size in the dimension's base unit). Conversions are exact by definition.
UNITS: Final[Mapping[str, tuple[str, float]]] = {
    "kWh_PCI": ("energie_pci", 0.0036),  # GJ
    "MWh_PCI": ("energie_pci", 3.6),
    "GJ_PCI": ("energie_pci", 1.0),
    "TJ_PCI": ("energie_pci", 1000.0),
    "kWh_PCS": ("energie_pcs", 1.0),
    "MWh_PCS": ("energie_pcs", 1000.0),
    "kWh": ("electricite", 1.0),
    "MWh": ("electricite", 1000.0),
    "GWh": ("electricite", 1_000_000.0),
    "L": ("volume", 0.001),  # m3
    "m3": ("volume", 1.0),
    "kg": ("masse", 1.0),
    "t": ("masse", 1000.0),
}

SCOPE1 = register(
    Formula(
        id="emissions_scope1",
        version=1,
        title="Émissions directes (scope 1) de combustion",
        definition="Σ données d'activité (converties dans l'unité du facteur) × facteur d'émission",
        source=(
            "GHG Protocol Corporate Standard (WRI/WBCSD, 2004) ; méthode réglementaire BEGES "
            "(ADEME) ; facteurs : table versionnée (voir docs/indicators.md)"
        ),
        url="https://ghgprotocol.org/corporate-standard",
    )
)
SCOPE2_LOCATION = register(
    Formula(
        id="emissions_scope2_localisation",
        version=1,
        title="Émissions indirectes liées à l'électricité (scope 2, méthode « localisation »)",
        definition="électricité consommée (kWh) × facteur moyen du réseau de la zone et de l'année",
        source=(
            "GHG Protocol Scope 2 Guidance (2015), location-based method ; ADEME Base Empreinte, "
            "« Électricité - <année> - mix moyen - consommation »"
        ),
        url="https://ghgprotocol.org/scope-2-guidance",
    )
)


class FactorTableError(ValueError):
    """A factor table file breaks the expected shape (raised when loading, not when computing)."""


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """One emission factor: ``value`` ``emission_unit`` of ``gas`` per ``activity_unit``."""

    id: str
    label: str
    kind: str
    scope: int
    gas: str
    value: float
    emission_unit: str
    activity_unit: str
    source: str
    url: str = ""
    year: int | None = None
    zone: str | None = None


@dataclass(frozen=True)
class FactorTable:
    """A versioned set of factors, looked up by id or, for Scope 2, by kind, zone and year."""

    name: str
    version: str
    factors: tuple[EmissionFactor, ...]

    def get(self, factor_id: str) -> EmissionFactor | None:
        for f in self.factors:
            if f.id == factor_id:
                return f
        return None

    def find(self, *, kind: str, zone: str, year: int) -> EmissionFactor | None:
        for f in self.factors:
            if f.kind == kind and f.zone == zone and f.year == year:
                return f
        return None

    @property
    def ref(self) -> str:
        return f"{self.name}@v{self.version}"


_REQUIRED = (
    "id",
    "label",
    "kind",
    "scope",
    "gas",
    "value",
    "emission_unit",
    "activity_unit",
    "source",
)


def factor_table_from_dict(data: Mapping[str, Any]) -> FactorTable:
    """Build and check a table from its JSON shape; raises :class:`FactorTableError`."""
    try:
        name, version, raw = str(data["table"]), str(data["version"]), data["factors"]
    except KeyError as exc:
        raise FactorTableError(f"missing key {exc.args[0]!r}") from exc
    factors: list[EmissionFactor] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        missing = [k for k in _REQUIRED if item.get(k) in (None, "")]
        if missing:
            raise FactorTableError(f"factor #{i}: missing {', '.join(missing)}")
        value = item["value"]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise FactorTableError(f"factor {item['id']}: value must be a finite number ≥ 0")
        if item["activity_unit"] not in UNITS:
            raise FactorTableError(f"factor {item['id']}: unknown unit {item['activity_unit']}")
        if item["emission_unit"] != "kg":
            raise FactorTableError(f"factor {item['id']}: emission_unit must be kg")
        if item["scope"] not in (1, 2, 3):
            raise FactorTableError(f"factor {item['id']}: scope must be 1, 2 or 3")
        if item["id"] in seen:
            raise FactorTableError(f"factor {item['id']}: duplicate id")
        seen.add(item["id"])
        factors.append(
            EmissionFactor(
                id=item["id"],
                label=item["label"],
                kind=item["kind"],
                scope=int(item["scope"]),
                gas=item["gas"],
                value=float(value),
                emission_unit=item["emission_unit"],
                activity_unit=item["activity_unit"],
                source=item["source"],
                url=item.get("url", ""),
                year=item.get("year"),
                zone=item.get("zone"),
            )
        )
    return FactorTable(name=name, version=version, factors=tuple(factors))


def load_factor_table(path: Path | str | None = None) -> FactorTable:
    """Load a factor table; by default the shipped ``emission_factors_v1.json``."""
    if path is None:
        text = (
            resources.files("maillage.indicators.formulas")
            .joinpath("emission_factors_v1.json")
            .read_text(encoding="utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    return factor_table_from_dict(json.loads(text))


def convert(quantity: float, unit: str, to_unit: str) -> float | None:
    """Exact conversion within a dimension, ``None`` across dimensions or for unknown units."""
    a, b = UNITS.get(unit), UNITS.get(to_unit)
    if a is None or b is None or a[0] != b[0]:
        return None
    return quantity * a[1] / b[1]


@dataclass(frozen=True, slots=True)
class Activity:
    """Activity data: ``quantity`` ``unit`` of what ``factor_id`` applies to."""

    factor_id: str
    quantity: float
    unit: str


def _gas_unit(gas: str) -> Unit:
    return Unit.KG_CO2 if gas == "CO2" else Unit.KG_CO2E


def scope1_emissions(activities: Sequence[Activity], table: FactorTable) -> Result:
    """Σ activity × factor (kg of the factors' gas), with a line-by-line breakdown in details."""
    issues: list[Issue] = []
    lines: list[dict[str, object]] = []
    gases: set[str] = set()
    total = 0.0
    for i, act in enumerate(activities):
        name = f"activites[{i}]"
        if not check_number(issues, f"{name}.quantite", act.quantity):
            continue
        factor = table.get(act.factor_id)
        if factor is None:
            issues.append(issue("facteur_inconnu", name, factor=act.factor_id))
            continue
        if factor.scope != 1:
            issues.append(issue("portee_incorrecte", name, factor=factor.id, scope=factor.scope))
            continue
        if act.unit not in UNITS:
            issues.append(issue("unite_inconnue", f"{name}.unite", unit=act.unit))
            continue
        qty = convert(act.quantity, act.unit, factor.activity_unit)
        if qty is None:
            issues.append(
                issue(
                    "unite_incompatible",
                    f"{name}.unite",
                    unit=act.unit,
                    factor=factor.id,
                    expected=factor.activity_unit,
                )
            )
            continue
        emissions = qty * factor.value
        gases.add(factor.gas)
        total += emissions
        lines.append(
            {
                "facteur": factor.id,
                "quantite": qty,
                "unite": factor.activity_unit,
                "emissions": emissions,
                "gaz": factor.gas,
            }
        )
    unit = _gas_unit(next(iter(gases))) if len(gases) == 1 else Unit.KG_CO2E
    details: dict[str, object] = {"table": table.ref, "lignes": tuple(lines)}
    if issues:
        return invalid(SCOPE1, unit, issues, details=details)
    if len(gases) > 1:
        return invalid(
            SCOPE1,
            unit,
            [issue("gaz_incompatibles", "activites", gases=", ".join(sorted(gases)))],
            details=details,
        )
    return Result(formula=SCOPE1, status=Status.OK, value=total, unit=unit, details=details)


def scope2_location_based(
    *, electricity: float, unit: str = "kWh", year: int, table: FactorTable, zone: str = "FR"
) -> Result:
    """Electricity × the grid-average factor for ``zone`` and ``year`` (no substitution of a
    neighbouring year: a missing factor makes the figure NOT_COMPUTABLE)."""
    issues: list[Issue] = []
    check_number(issues, "electricite", electricity)
    if unit not in UNITS:
        issues.append(issue("unite_inconnue", "electricite.unite", unit=unit))
    if issues:
        return invalid(SCOPE2_LOCATION, Unit.KG_CO2E, issues)
    factor = table.find(kind=ELECTRICITY_LOCATION_KIND, zone=zone, year=year)
    if factor is None:
        return not_computable(
            SCOPE2_LOCATION,
            Unit.KG_CO2E,
            [
                issue(
                    "facteur_absent_annee",
                    "annee",
                    kind=ELECTRICITY_LOCATION_KIND,
                    zone=zone,
                    year=year,
                    table=table.ref,
                )
            ],
        )
    qty = convert(electricity, unit, factor.activity_unit)
    if qty is None:
        return invalid(
            SCOPE2_LOCATION,
            _gas_unit(factor.gas),
            [
                issue(
                    "unite_incompatible",
                    "electricite.unite",
                    unit=unit,
                    factor=factor.id,
                    expected=factor.activity_unit,
                )
            ],
        )
    return Result(
        formula=SCOPE2_LOCATION,
        status=Status.OK,
        value=qty * factor.value,
        unit=_gas_unit(factor.gas),
        numerator=qty,
        details={"table": table.ref, "facteur": factor.id, "annee": year, "source": factor.source},
    )


def factors_by_scope(table: FactorTable, scope: int) -> Iterable[EmissionFactor]:
    """Factors of one scope, in table order (for listing them in the report's annex)."""
    return (f for f in table.factors if f.scope == scope)
