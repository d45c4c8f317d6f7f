"""From a DECP place of performance (``lieuExecution``: code + type) to a département.

Lookups are loaded once per import from the territories tables (≈ 35,000 communes and 39,000
postal codes: a few megabytes), then every contract is resolved in memory.
"""

from __future__ import annotations

from collections import defaultdict

from maillage.directory.imports.reading import fold
from maillage.territories.models import Commune, Departement, MunicipalArrondissement, PostalCode


class PlaceResolver:
    """``resolve(code, type) → (département code | None, région code | None)``."""

    def __init__(self) -> None:
        self.departements = dict(Departement.objects.values_list("code", "region_id"))
        self.communes = dict(Commune.objects.values_list("code", "departement_id"))
        for code, dep in MunicipalArrondissement.objects.values_list(
            "code", "commune__departement_id"
        ):
            self.communes[code] = dep
        postal: dict[str, set[str]] = defaultdict(set)
        for code, dep in PostalCode.objects.values_list("code", "commune__departement_id"):
            postal[code].add(dep)
        self.postal = dict(postal)
        self.regions = set(self.departements.values())

    def _departement(self, code: str) -> str | None:
        code = code.upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        return code if code in self.departements else None

    def _by_prefix(self, code: str) -> str | None:
        if len(code) < 2 or code.startswith("20"):
            return None  # Corsica: 2A or 2B, the digits do not say
        return self._departement(code[:3] if code.startswith("97") else code[:2])

    def resolve(self, code: str, kind: str) -> tuple[str | None, str | None]:
        code = (code or "").strip().replace(" ", "")
        kind = fold(kind)
        dep: str | None = None
        if not code:
            return None, None
        if "region" in kind:
            region = code.zfill(2) if code.isdigit() else code
            return None, region if region in self.regions else None
        if "pays" in kind or "canton" in kind:
            return None, None
        if "departement" in kind:
            dep = self._departement(code)
        elif "postal" in kind:
            deps = self.postal.get(code, set())
            dep = next(iter(deps)) if len(deps) == 1 else self._by_prefix(code)
        elif "commune" in kind or "arrondissement" in kind or not kind:
            dep = self.communes.get(code.upper())
            if dep is None and not kind:
                deps = self.postal.get(code, set())
                dep = next(iter(deps)) if len(deps) == 1 else None
            if dep is None:
                dep = self._by_prefix(code)
        return dep, (self.departements.get(dep) if dep else None)
