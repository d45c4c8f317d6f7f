"""Indicator formulas of the annual report on democracy and work (issue « Indicateurs »).

Pure, versioned functions fed plain numbers, no Django: each returns a result that names its
formula (``formula.ref`` = ``id@vN``) and, when the figure cannot be given, the reason. Every
formula is listed with its definition and source in docs/indicators.md; :data:`FORMULAS` holds
them all once the submodules are imported (importing this package imports them).
"""

from __future__ import annotations

from maillage.indicators.formulas import (
    absenteeism,
    emissions,
    governance,
    headcount,
    safety,
    turnover,
    wellbeing,
)
from maillage.indicators.formulas.base import FORMULAS, Formula, Issue, Result, Status, Unit

__all__ = [
    "FORMULAS",
    "Formula",
    "Issue",
    "Result",
    "Status",
    "Unit",
    "absenteeism",
    "emissions",
    "governance",
    "headcount",
    "safety",
    "turnover",
    "wellbeing",
]
