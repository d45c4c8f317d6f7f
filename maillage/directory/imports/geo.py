"""SIRENE establishment coordinates to WGS84 (pyproj, vectorised per batch).

INSEE publishes ``coordonneeLambertAbscisseEtablissement`` / ``…OrdonneeEtablissement`` in
the official projected system of the territory: Lambert-93 (EPSG:2154) in metropolitan France
and a UTM projection on the local frame overseas. The system is chosen from the commune's
département code; see docs/imports.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from pyproj import Transformer

LAMBERT_93 = 2154
# Overseas départements: the projected system INSEE uses for each (see docs/imports.md).
OVERSEAS_CRS = {
    "971": 5490,  # Guadeloupe — RGAF09 / UTM zone 20N
    "972": 5490,  # Martinique — RGAF09 / UTM zone 20N
    "973": 2972,  # Guyane — RGFG95 / UTM zone 22N
    "974": 2975,  # La Réunion — RGR92 / UTM zone 40S
    "976": 4471,  # Mayotte — RGM04 / UTM zone 38S
}
# A converted point outside these bounds is not trusted (the commune's point is used).
BOUNDS = {
    LAMBERT_93: (41.0, 51.5, -5.8, 10.0),
    5490: (14.0, 18.6, -63.5, -60.5),
    2972: (1.8, 6.0, -55.0, -51.0),
    2975: (-21.6, -20.6, 54.9, 56.0),
    4471: (-13.2, -12.4, 44.8, 45.5),
}


def crs_for_departement(departement: str) -> int:
    """The EPSG code of the coordinates INSEE gives for an establishment in this département."""
    return OVERSEAS_CRS.get(departement, LAMBERT_93)


@cache
def _transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def to_wgs84(
    epsg: int, xs: Sequence[float], ys: Sequence[float]
) -> list[tuple[float, float] | None]:
    """(latitude, longitude) for each projected point, None when it falls outside the territory.

    One pyproj call for the whole sequence, bounds and rounding in numpy: the per-point cost
    is in C.
    """
    if not len(xs):
        return []
    # Lists, not arrays: pyproj takes a one-element array for a scalar (and warns).
    lons, lats = (np.asarray(v) for v in _transformer(epsg).transform(list(xs), list(ys)))
    south, north, west, east = BOUNDS[epsg]
    inside = ((lats >= south) & (lats <= north) & (lons >= west) & (lons <= east)).tolist()
    pairs = zip(np.round(lats, 6).tolist(), np.round(lons, 6).tolist(), strict=True)
    return [point if ok else None for point, ok in zip(pairs, inside, strict=True)]
