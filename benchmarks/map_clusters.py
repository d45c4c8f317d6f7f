#!/usr/bin/env python3
"""Benchmark: the directory map's clusters at national scale (213,000 establishments).

    .venv/bin/python benchmarks/map_clusters.py                      # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/map_clusters.py
    MAP_BENCH_ESTABLISHMENTS=50000 .venv/bin/python benchmarks/map_clusters.py   # smaller run

A fresh database (with PostgreSQL, one named after DATABASE_URL's with a _bench_<pid> suffix,
dropped at the end) is migrated, loaded with the reference data and the demonstration network.
Then random viewports of a 1280 × 800 screen, centred on communes drawn by population, at
zooms 5 to 16, are asked through the real endpoint (Django's test Client) and through the
selector alone; also with a family filter, as the search page asks. Progress goes to stderr;
the last line of stdout is one JSON object with the figures and the goals.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _support import log, scratch_database  # noqa: E402

GOAL_P95_MS = 50
GOAL_RESPONSE_KB = 50
ESTABLISHMENTS = int(os.environ.get("MAP_BENCH_ESTABLISHMENTS", "213000"))
VIEWPORTS = int(os.environ.get("MAP_BENCH_VIEWPORTS", "600"))
SCREEN = (1280, 800)
ZOOMS = range(5, 17)


def _viewports(rng: random.Random) -> list[tuple[str, int]]:
    """(bbox parameter, zoom) of screens centred on communes drawn by their population."""
    from maillage.directory.clustering import project, unproject
    from maillage.territories.models import Commune

    places = list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0).values_list(
            "latitude", "longitude", "population"
        )
    )
    weights = [p for _lat, _lon, p in places]
    centres = rng.choices(places, weights=weights, k=VIEWPORTS)
    viewports = []
    for index, (lat, lon, _population) in enumerate(centres):
        zoom = ZOOMS[index % len(ZOOMS)]
        x, y = project(lat, lon)
        units_per_px = 2 ** (16 - zoom)
        half_w, half_h = SCREEN[0] / 2 * units_per_px, SCREEN[1] / 2 * units_per_px
        north, west = unproject(float(x) - half_w, float(y) - half_h)
        south, east = unproject(float(x) + half_w, float(y) + half_h)
        bbox = f"{float(west):.5f},{float(south):.5f},{float(east):.5f},{float(north):.5f}"
        viewports.append((bbox, zoom))
    rng.shuffle(viewports)
    return viewports


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def _figures(prefix: str, timings: list[float]) -> dict[str, float]:
    return {
        f"{prefix}_p50_ms": round(statistics.median(timings), 2),
        f"{prefix}_p95_ms": round(_p95(timings), 2),
        f"{prefix}_max_ms": round(max(timings), 2),
    }


def main() -> int:
    url, cleanup = scratch_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MAILLAGE_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdef")
    os.environ.setdefault("MAILLAGE_VAR_DIR", tempfile.mkdtemp(prefix="maillage-bench-var-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("MAILLAGE_SSL_REDIRECT", "0")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.http import QueryDict
        from django.test import Client
        from django.urls import reverse

        from maillage.directory.clustering import Bbox
        from maillage.directory.demo import demo_network_create
        from maillage.directory.filters import SearchQuery
        from maillage.directory.map_index import map_clusters, map_index_clear, map_index_get
        from maillage.directory.models import Establishment

        settings.ALLOWED_HOSTS = ["*"]
        log(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        log("migrating…")
        call_command("migrate", verbosity=0)
        log("loading the reference data…")
        call_command("load_reference_data", verbosity=0)
        log(f"building the demonstration network ({ESTABLISHMENTS} establishments)…")
        started = time.perf_counter()
        demo_network_create(
            establishments=ESTABLISHMENTS,
            seed=0,
            progress=lambda m: log(f"  {m}"),
            search_refresh=False,
        )
        log(f"  built in {time.perf_counter() - started:.1f} s")
        total = Establishment.objects.count()
        on_map = Establishment.objects.filter(latitude__isnull=False).count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        rng = random.Random(20250101)  # reproducible viewports
        viewports = _viewports(rng)
        client = Client()
        endpoint = reverse("directory:map_clusters")
        empty, _errors = SearchQuery.from_params(QueryDict())

        map_index_clear()
        started = time.perf_counter()
        index = map_index_get(empty)
        build_ms = (time.perf_counter() - started) * 1000
        log(f"index: {len(index)} points, {index.nbytes / 1e6:.1f} MB, built in {build_ms:.0f} ms")

        # Warm up (connections, code paths), as a running server would be.
        for bbox, zoom in viewports[:30]:
            client.get(endpoint, {"bbox": bbox, "zoom": zoom})

        figures: dict[str, object] = {
            "establishments": total,
            "establishments_on_map": on_map,
            "viewports": len(viewports),
            "screen_px": "x".join(map(str, SCREEN)),
            "zooms": f"{ZOOMS.start}-{ZOOMS.stop - 1}",
            "index_build_ms": round(build_ms, 1),
            "index_mb": round(index.nbytes / 1e6, 1),
        }
        for run in (1, 2):
            endpoint_ms, selector_ms, sizes, by_zoom = [], [], [], {}
            for number, (bbox, zoom) in enumerate(viewports, 1):
                t0 = time.perf_counter()
                response = client.get(endpoint, {"bbox": bbox, "zoom": zoom})
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, response.content[:200]
                endpoint_ms.append(elapsed)
                sizes.append(len(response.content))
                by_zoom.setdefault(zoom, []).append(elapsed)
                west, south, east, north = (float(v) for v in bbox.split(","))
                box = Bbox.from_degrees(west, south, east, north)
                t0 = time.perf_counter()
                map_clusters(empty, box, zoom)
                selector_ms.append((time.perf_counter() - t0) * 1000)
                if number % 200 == 0:
                    log(f"  run {run}: {number}/{len(viewports)} viewports")
            log(
                f"run {run}: endpoint p95 {_p95(endpoint_ms):.1f} ms, "
                f"selector p95 {_p95(selector_ms):.1f} ms, max {max(sizes) / 1024:.1f} KB"
            )
        figures.update(_figures("clusters", endpoint_ms))
        figures.update(_figures("selector", selector_ms))
        figures["clusters_p95_ms_by_zoom"] = {
            z: round(_p95(t), 1) for z, t in sorted(by_zoom.items())
        }
        figures["response_p50_kb"] = round(statistics.median(sizes) / 1024, 1)
        figures["response_max_kb"] = round(max(sizes) / 1024, 1)

        # The search page's map with a filter: the first request builds that search's index.
        filtered = {"famille": "scop"}
        started = time.perf_counter()
        client.get(endpoint, {**filtered, "bbox": viewports[0][0], "zoom": viewports[0][1]})
        figures["filtered_first_request_ms"] = round((time.perf_counter() - started) * 1000, 1)
        filtered_ms = []
        for bbox, zoom in viewports:
            t0 = time.perf_counter()
            response = client.get(endpoint, {**filtered, "bbox": bbox, "zoom": zoom})
            filtered_ms.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(response.content))
        figures.update(_figures("filtered_scop_clusters", filtered_ms))
        figures["response_max_kb"] = round(max(sizes) / 1024, 1)
        figures.update(
            {
                "goal_clusters_p95_ms": GOAL_P95_MS,
                "goal_response_kb": GOAL_RESPONSE_KB,
                "database": connection.vendor,
            }
        )
    finally:
        cleanup()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
