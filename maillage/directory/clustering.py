"""Grid clustering of map points in Web-Mercator pixel space, fast at national scale.

Pure: fed plain numbers (ids, latitudes, longitudes), no database, so it is tested and
benchmarked on its own. The directory map asks, for a viewport and a zoom level, which
clusters and single points to draw; 213,000 establishments must answer in a few milliseconds.

Coordinates are integer Web-Mercator "units" in a world of 2**24 units a side, which is the
pixel grid of zoom 16 (256-pixel tiles). At zoom z one screen pixel is 2**(16 - z) units and a
cluster cell of 64 pixels is 2**(22 - z) units: cell indices are plain bit shifts.

A cluster is a count, the centroid of its points (the mean of their Mercator positions, so a
cluster sits where its points weigh) and the bounds of its points. A cell holding one point
gives that point itself.

The speed comes from a small pyramid: besides the raw points, the index keeps the points
pre-aggregated in grids of 2**10, 2**12, 2**14 and 2**16 units (count, sums, bounds, and the id
when a pre-cell holds one point). The grids are powers of two, so every pre-cell lies inside exactly
one cluster cell of any coarser zoom: aggregating pre-cells gives exactly the same clusters as
aggregating the points, from tens of times fewer rows. Only the viewport filter is applied to
pre-cell centroids rather than to each point, a difference of a fraction of a pixel at the
edge of the screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

WORLD_BITS = 24
WORLD = 1 << WORLD_BITS
TILE_BITS = 8  # 256-pixel tiles
CELL_BITS = 6  # clusters are cells of 64 × 64 screen pixels
MAX_LATITUDE = 85.0511287798  # Web-Mercator stops here
LEVEL_SHIFTS = (10, 12, 14, 16)  # pre-aggregated grids, in units (2**10 units = 4 px at zoom 12)
MAX_CELLS = 20_000  # more cells than a 4K screen shows means a viewport too big for its zoom

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class ViewportTooLarge(ValueError):
    """The requested viewport holds more cells than any screen shows at that zoom."""


def project(latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> tuple[Int64Array, Int64Array]:
    """Integer Web-Mercator units (x to the east, y to the south) of WGS84 degrees."""
    lat = np.clip(np.asarray(latitude, dtype=np.float64), -MAX_LATITUDE, MAX_LATITUDE)
    lon = np.clip(np.asarray(longitude, dtype=np.float64), -180.0, 180.0)
    x = (lon + 180.0) / 360.0 * WORLD
    sin = np.sin(np.radians(lat))
    y = (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * WORLD
    return (
        np.clip(np.floor(x), 0, WORLD - 1).astype(np.int64),
        np.clip(np.floor(y), 0, WORLD - 1).astype(np.int64),
    )


def unproject(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 degrees (latitude, longitude) of Web-Mercator units (fractional units allowed)."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    longitude = xs / WORLD * 360.0 - 180.0
    latitude = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * ys / WORLD))))
    return latitude, longitude


def cell_shift(zoom: int) -> int:
    """log2 of the cluster-cell size in units at `zoom` (64 pixels, never below one unit)."""
    return max(0, WORLD_BITS - TILE_BITS - zoom + CELL_BITS)


@dataclass(frozen=True)
class Bbox:
    """A viewport in Web-Mercator units, inclusive: west ≤ x ≤ east, north ≤ y ≤ south."""

    west: int
    north: int
    east: int
    south: int

    @classmethod
    def from_degrees(cls, west: float, south: float, east: float, north: float) -> Bbox:
        """The box of a Leaflet-style (west, south, east, north) in degrees, clamped to the
        world (Leaflet gives longitudes beyond ±180 once the map is panned round the world)."""
        xs, ys = project([north, south], [max(west, -180.0), min(east, 180.0)])
        return cls(west=int(xs[0]), north=int(ys[0]), east=int(xs[1]), south=int(ys[1]))


@dataclass(frozen=True)
class Clusters:
    """What to draw: clusters (count ≥ 2) and single points, in Mercator units.

    `total` counts every point in the viewport. Cluster arrays are aligned: `count`, centroid
    `x`/`y` (float units), bounds `min_x`, `min_y`, `max_x`, `max_y`. Points: `point_ids`,
    `point_x`, `point_y`.
    """

    total: int
    count: Int64Array
    x: FloatArray
    y: FloatArray
    min_x: Int64Array
    min_y: Int64Array
    max_x: Int64Array
    max_y: Int64Array
    point_ids: Int64Array
    point_x: Int64Array
    point_y: Int64Array


@dataclass(frozen=True)
class _Level:
    """Points or pre-cells, sorted by `x` (the centroid, used for the viewport filter)."""

    shift: int  # -1 for the raw points
    x: Int64Array
    y: Int64Array
    count: Int64Array
    sum_x: FloatArray
    sum_y: FloatArray
    sum_id: FloatArray  # the id itself wherever count == 1
    min_x: Int64Array
    min_y: Int64Array
    max_x: Int64Array
    max_y: Int64Array

    @property
    def size(self) -> int:
        return int(self.x.shape[0])


def _aggregate_level(source: _Level, shift: int) -> _Level:
    """`source` merged into cells of 2**shift units (coarser than the source)."""
    if source.size == 0:
        return _Level(shift, *(arr.copy() for arr in _arrays(source)))
    key = ((source.min_x >> shift) << WORLD_BITS) | (source.min_y >> shift)
    cells, inverse = np.unique(key, return_inverse=True)
    n = cells.shape[0]
    count = np.bincount(inverse, weights=source.count, minlength=n).astype(np.int64)
    sum_x: FloatArray = np.bincount(inverse, weights=source.sum_x, minlength=n).astype(np.float64)
    sum_y: FloatArray = np.bincount(inverse, weights=source.sum_y, minlength=n).astype(np.float64)
    sum_id: FloatArray = np.bincount(inverse, weights=source.sum_id, minlength=n).astype(np.float64)
    min_x = np.full(n, WORLD, dtype=np.int64)
    min_y = np.full(n, WORLD, dtype=np.int64)
    max_x = np.full(n, -1, dtype=np.int64)
    max_y = np.full(n, -1, dtype=np.int64)
    np.minimum.at(min_x, inverse, source.min_x)
    np.minimum.at(min_y, inverse, source.min_y)
    np.maximum.at(max_x, inverse, source.max_x)
    np.maximum.at(max_y, inverse, source.max_y)
    x = np.floor(sum_x / count).astype(np.int64)
    y = np.floor(sum_y / count).astype(np.int64)
    order = np.argsort(x, kind="stable")
    return _Level(
        shift,
        x[order],
        y[order],
        count[order],
        sum_x[order],
        sum_y[order],
        sum_id[order],
        min_x[order],
        min_y[order],
        max_x[order],
        max_y[order],
    )


def _arrays(level: _Level) -> tuple:
    return (
        level.x,
        level.y,
        level.count,
        level.sum_x,
        level.sum_y,
        level.sum_id,
        level.min_x,
        level.min_y,
        level.max_x,
        level.max_y,
    )


class GridIndex:
    """Points ready to be clustered for any viewport and zoom (see the module docstring)."""

    def __init__(self, ids: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike) -> None:
        """Index points given by integer ids and Mercator units (see `project`)."""
        ids_arr = np.asarray(ids, dtype=np.int64)
        x_arr = np.asarray(x, dtype=np.int64)
        y_arr = np.asarray(y, dtype=np.int64)
        order = np.argsort(x_arr, kind="stable")
        ids_arr, x_arr, y_arr = ids_arr[order], x_arr[order], y_arr[order]
        raw = _Level(
            -1,
            x_arr,
            y_arr,
            np.ones(x_arr.shape[0], dtype=np.int64),
            x_arr.astype(np.float64),
            y_arr.astype(np.float64),
            ids_arr.astype(np.float64),
            x_arr,
            y_arr,
            x_arr,
            y_arr,
        )
        self.ids = ids_arr
        self.levels: list[_Level] = [raw]
        for shift in LEVEL_SHIFTS:
            self.levels.append(_aggregate_level(self.levels[-1], shift))

    @classmethod
    def from_degrees(
        cls, ids: npt.ArrayLike, latitude: npt.ArrayLike, longitude: npt.ArrayLike
    ) -> GridIndex:
        """Index points given in WGS84 degrees."""
        x, y = project(latitude, longitude)
        return cls(ids, x, y)

    def __len__(self) -> int:
        return self.levels[0].size

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (for the operators' curiosity and the benchmark)."""
        return sum(arr.nbytes for level in self.levels for arr in _arrays(level))

    def _level_for(self, shift: int) -> _Level:
        # The coarsest pre-aggregation still at least 4 × 4 times finer than the cells, so that
        # the viewport filter on pre-cell centroids stays well under a cell at the edges.
        chosen = self.levels[0]
        for level in self.levels[1:]:
            if level.shift <= shift - 2:
                chosen = level
        return chosen

    def clusters(self, bbox: Bbox, zoom: int) -> Clusters:
        """Clusters and single points of the viewport `bbox` at `zoom` (cells of 64 px)."""
        shift = cell_shift(zoom)
        col0, row0 = bbox.west >> shift, bbox.north >> shift
        ncols = (bbox.east >> shift) - col0 + 1
        nrows = (bbox.south >> shift) - row0 + 1
        if ncols <= 0 or nrows <= 0:
            return _empty()
        if ncols * nrows > MAX_CELLS:
            raise ViewportTooLarge(f"{ncols} × {nrows} cells at zoom {zoom}")
        level = self._level_for(shift)
        start = int(np.searchsorted(level.x, bbox.west, side="left"))
        stop = int(np.searchsorted(level.x, bbox.east, side="right"))
        rows = slice(start, stop)
        y = level.y[rows]
        inside = (y >= bbox.north) & (y <= bbox.south)
        everything = bool(inside.all())

        def pick(arr: np.ndarray) -> np.ndarray:
            return arr[rows] if everything else arr[rows][inside]

        min_x, min_y = pick(level.min_x), pick(level.min_y)
        # A pre-cell lies in a single cluster cell; its first corner names that cell.
        key = ((min_x >> shift) - col0).clip(0, ncols - 1) * nrows + ((min_y >> shift) - row0).clip(
            0, nrows - 1
        )
        size = ncols * nrows
        count = np.bincount(key, weights=pick(level.count), minlength=size).astype(np.int64)
        filled = np.flatnonzero(count)
        if filled.size == 0:
            return _empty()
        sum_x = np.bincount(key, weights=pick(level.sum_x), minlength=size)[filled]
        sum_y = np.bincount(key, weights=pick(level.sum_y), minlength=size)[filled]
        count = count[filled]
        single = count == 1
        many = ~single
        sum_id = np.bincount(key, weights=pick(level.sum_id), minlength=size)[filled]
        # Bounds only for the cells drawn as clusters; compact the keys to those cells first.
        slot = np.full(size, -1, dtype=np.int64)
        cluster_cells = filled[many]
        slot[cluster_cells] = np.arange(cluster_cells.size)
        member = slot[key]
        in_cluster = member >= 0
        member = member[in_cluster]
        k = cluster_cells.size
        bounds = []
        for arr, fill, ufunc in (
            (min_x, WORLD, np.minimum),
            (min_y, WORLD, np.minimum),
            (pick(level.max_x), -1, np.maximum),
            (pick(level.max_y), -1, np.maximum),
        ):
            out = np.full(k, fill, dtype=np.int64)
            ufunc.at(out, member, arr[in_cluster])
            bounds.append(out)
        return Clusters(
            total=int(count.sum()),
            count=count[many],
            x=sum_x[many] / count[many],
            y=sum_y[many] / count[many],
            min_x=bounds[0],
            min_y=bounds[1],
            max_x=bounds[2],
            max_y=bounds[3],
            point_ids=np.rint(sum_id[single]).astype(np.int64),
            point_x=np.rint(sum_x[single]).astype(np.int64),
            point_y=np.rint(sum_y[single]).astype(np.int64),
        )

    def extent(self, share: float = 0.98) -> Bbox | None:
        """The box holding the central `share` of the points on each axis (an outlying
        overseas point does not turn a regional search into a world map); None when empty."""
        raw = self.levels[0]
        if raw.size == 0:
            return None
        cut = (1 - share) / 2 * 100
        west, east = np.percentile(raw.x, [cut, 100 - cut], method="nearest")
        north, south = np.percentile(raw.y, [cut, 100 - cut], method="nearest")
        return Bbox(int(west), int(north), int(east), int(south))

    def ids_within(self, bbox: Bbox) -> Int64Array:
        """Ids of the points inside `bbox` (exact, from the raw points), sorted."""
        raw = self.levels[0]
        start = int(np.searchsorted(raw.x, bbox.west, side="left"))
        stop = int(np.searchsorted(raw.x, bbox.east, side="right"))
        y = raw.y[start:stop]
        inside = (y >= bbox.north) & (y <= bbox.south)
        return np.sort(self.ids[start:stop][inside])


def _empty() -> Clusters:
    i = np.zeros(0, dtype=np.int64)
    f = np.zeros(0, dtype=np.float64)
    return Clusters(0, i, f, f, i, i, i, i, i, i, i)
