"""Grid clustering of map points (pure: no database)."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.directory.clustering import (
    WORLD,
    Bbox,
    GridIndex,
    ViewportTooLarge,
    cell_shift,
    project,
    unproject,
)

WORLD_BBOX = Bbox(0, 0, WORLD - 1, WORLD - 1)


def screen(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800) -> Bbox:
    """The viewport of a `width` × `height` screen centred on (lat, lon) at `zoom`."""
    x, y = project(lat, lon)
    half_w = (width // 2) << max(0, 16 - zoom) if zoom <= 16 else (width // 2) >> (zoom - 16)
    half_h = (height // 2) << max(0, 16 - zoom) if zoom <= 16 else (height // 2) >> (zoom - 16)
    return Bbox(int(x) - half_w, int(y) - half_h, int(x) + half_w, int(y) + half_h)


def brute_force(x: np.ndarray, y: np.ndarray, bbox: Bbox, zoom: int) -> list[int]:
    """Counts of the occupied cells, the obvious way."""
    inside = (x >= bbox.west) & (x <= bbox.east) & (y >= bbox.north) & (y <= bbox.south)
    shift = cell_shift(zoom)
    keys = (x[inside] >> shift) * WORLD + (y[inside] >> shift)
    _cells, counts = np.unique(keys, return_counts=True)
    return sorted(counts.tolist())


def test_projection_round_trip_and_known_points():
    lat, lon = np.array([48.8566, 45.4397, -21.1151, 0.0]), np.array([2.3522, 4.3872, 55.5364, 0])
    x, y = project(lat, lon)
    assert (int(x[3]), int(y[3])) == (WORLD // 2, WORLD // 2)  # null island is the centre
    back_lat, back_lon = unproject(x + 0.5, y + 0.5)
    # One unit is 2.4 m at the equator: a round trip stays within a few metres.
    assert np.allclose(back_lat, lat, atol=3e-5)
    assert np.allclose(back_lon, lon, atol=3e-5)
    assert x[0] > x[3] and y[0] < y[3]  # Paris: east of Greenwich, north of the equator


def test_cell_is_64_pixels_down_to_one_unit():
    assert cell_shift(16) == 6  # 2**24 units = 2**8 * 2**16 pixels at zoom 16
    assert cell_shift(5) == 17
    assert cell_shift(30) == 0


def test_single_points_and_clusters_with_centroid_and_bounds():
    # Three establishments in Saint-Étienne, one in Paris.
    index = GridIndex.from_degrees(
        [10, 11, 12, 20], [45.4397, 45.4400, 45.4410, 48.8566], [4.3872, 4.3890, 4.3900, 2.3522]
    )
    result = index.clusters(WORLD_BBOX, 5)
    assert result.total == 4
    assert result.count.tolist() == [3]
    assert result.point_ids.tolist() == [20]
    lat, lon = unproject(result.x, result.y)
    assert lat[0] == pytest.approx(45.4402, abs=1e-3) and lon[0] == pytest.approx(4.3887, abs=1e-3)
    south, west = unproject(result.min_x, result.max_y)
    north, east = unproject(result.max_x, result.min_y)
    assert south[0] == pytest.approx(45.4397, abs=1e-4) and north[0] == pytest.approx(
        45.4410, abs=1e-4
    )
    assert west[0] == pytest.approx(4.3872, abs=1e-4) and east[0] == pytest.approx(4.3900, abs=1e-4)
    # Zoomed in enough, the three separate into single points.
    close = index.clusters(screen(45.4402, 4.3887, 18), 18)
    assert sorted(close.point_ids.tolist()) == [10, 11, 12]
    assert close.count.size == 0


def test_points_at_one_place_stay_a_cluster_with_empty_bounds():
    index = GridIndex.from_degrees([1, 2, 3], [45.0] * 3, [4.0] * 3)
    result = index.clusters(screen(45.0, 4.0, 18), 18)
    assert result.count.tolist() == [3]
    assert result.min_x[0] == result.max_x[0] and result.min_y[0] == result.max_y[0]
    assert index.ids_within(screen(45.0, 4.0, 18)).tolist() == [1, 2, 3]


def test_viewport_filter_and_empty_index():
    index = GridIndex.from_degrees([1, 2], [45.0, 48.0], [4.0, 2.0])
    only_lyon_area = index.clusters(screen(45.0, 4.0, 10), 10)
    assert only_lyon_area.total == 1 and only_lyon_area.point_ids.tolist() == [1]
    empty = GridIndex.from_degrees([], [], [])
    assert len(empty) == 0
    assert empty.clusters(WORLD_BBOX, 5).total == 0


def test_too_large_viewport_is_refused():
    index = GridIndex.from_degrees([1], [45.0], [4.0])
    with pytest.raises(ViewportTooLarge):
        index.clusters(WORLD_BBOX, 12)


@pytest.mark.parametrize("zoom", [3, 5, 6, 8, 9, 11, 12, 14, 16, 18])
def test_pyramid_gives_the_clusters_of_the_raw_points(zoom):
    rng = np.random.default_rng(zoom)
    n = 20_000
    lat = np.concatenate([rng.normal(48.85, 0.8, n // 2), rng.normal(45.75, 0.8, n - n // 2)])
    lon = np.concatenate([rng.normal(2.35, 0.8, n // 2), rng.normal(4.85, 0.8, n - n // 2)])
    # Many establishments are placed at their commune's point: a few exact duplicates.
    lat[:500], lon[:500] = 45.4397, 4.3872
    index = GridIndex.from_degrees(np.arange(1, n + 1), lat, lon)
    x, y = project(lat, lon)
    bbox = WORLD_BBOX if zoom <= 5 else screen(46.5, 3.5, zoom, 4096, 4096)
    result = index.clusters(bbox, zoom)
    expected = brute_force(x, y, bbox, zoom)
    if sum(expected) == n:  # the whole set in view: pre-aggregation must be exact
        assert sorted(result.count.tolist() + [1] * result.point_ids.size) == expected
        assert result.total == n
    else:
        # At the edges of the screen a pre-cell counts by its centroid: a small difference.
        assert abs(result.total - sum(expected)) <= max(3, sum(expected) // 100)
    if result.point_ids.size:
        # Single points keep their exact id and position.
        chosen = result.point_ids[:20] - 1
        px = dict(zip(result.point_ids.tolist(), result.point_x.tolist(), strict=True))
        for i in chosen:
            assert px[i + 1] == x[i]


def test_speed_at_national_scale():
    """213,000 points: build in well under a second, any viewport in a few milliseconds."""
    import time

    rng = np.random.default_rng(0)
    n = 213_000
    lat = rng.normal(46.5, 1.8, n)
    lon = rng.normal(2.5, 1.8, n)
    index = GridIndex.from_degrees(np.arange(n), lat, lon)
    worst = 0.0
    for zoom in range(5, 17):
        started = time.perf_counter()
        index.clusters(screen(46.5, 2.5, zoom), zoom)
        worst = max(worst, time.perf_counter() - started)
    assert worst < 0.25  # generous: shared CI machines; the benchmark measures for real
