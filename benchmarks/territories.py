#!/usr/bin/env python3
"""Benchmark: full territories load and commune autocomplete latency, at national scale.

    .venv/bin/python benchmarks/territories.py                       # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/territories.py

With PostgreSQL, a fresh database named after the one in DATABASE_URL (suffix _bench_<pid>) is
created on the same server, migrated, measured and dropped. Progress goes to stderr; the last
line of stdout is one JSON object with the figures and the goals.
"""

from __future__ import annotations

import json
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

GOAL_LOAD_S = 15
GOAL_AUTOCOMPLETE_P95_MS = 10
QUERIES = 1000


def _queries(rows: list[tuple[str, str]], postal_codes: list[str], rng: random.Random) -> list[str]:
    """A mix of what people type: accented and plain name prefixes (2–8), postal codes."""
    from maillage.territories.text import normalise

    queries = []
    for _ in range(QUERIES):
        kind = rng.random()
        name, _code = rng.choice(rows)
        if kind < 0.40:
            plain = normalise(name)
            queries.append(plain[: rng.randint(2, 8)])
        elif kind < 0.65:
            queries.append(name[: rng.randint(2, 8)])
        elif kind < 0.80:
            queries.append(name)
        else:
            queries.append(rng.choice(postal_codes)[: rng.randint(2, 5)])
    return queries


def main() -> int:
    url, cleanup = scratch_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MAILLAGE_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdef")
    os.environ.setdefault("MAILLAGE_VAR_DIR", tempfile.mkdtemp(prefix="maillage-bench-var-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from maillage.territories.models import Commune, PostalCode
        from maillage.territories.selectors import commune_autocomplete
        from maillage.territories.services import reference_data_analyse, reference_data_load

        log(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        log("migrating…")
        call_command("migrate", verbosity=0)
        log("loading the full reference file…")
        started = time.perf_counter()
        with transaction.atomic():
            stats = reference_data_load(progress=lambda m: log(f"  {m}"))
        reference_data_analyse()
        load_s = time.perf_counter() - started
        log(f"load: {load_s:.2f} s")
        started = time.perf_counter()
        with transaction.atomic():
            rerun = reference_data_load()
        rerun_s = time.perf_counter() - started
        log(f"rerun (nothing to write: {rerun.written == 0}): {rerun_s:.2f} s")

        rng = random.Random(20250101)  # a reproducible mix
        rows = list(Commune.objects.values_list("name", "code"))
        postal_codes = list(PostalCode.objects.values_list("code", flat=True).distinct())
        queries = _queries(rows, postal_codes, rng)
        for q in queries[:50]:  # warm the connection and the caches, as a running server would
            commune_autocomplete(q)
        timings = []
        empty = 0
        for index, q in enumerate(queries, 1):
            t0 = time.perf_counter()
            found = commune_autocomplete(q)
            timings.append((time.perf_counter() - t0) * 1000)
            empty += not found
            if index % 250 == 0:
                log(f"  {index}/{len(queries)} queries")
        timings.sort()
        figures = {
            "load_s": round(load_s, 2),
            "rerun_s": round(rerun_s, 2),
            "rows": sum(t.created for t in stats.tables.values()),
            "autocomplete_queries": len(queries),
            "autocomplete_empty": empty,
            "autocomplete_p50_ms": round(statistics.median(timings), 2),
            "autocomplete_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "autocomplete_max_ms": round(timings[-1], 2),
            "goal_load_s": GOAL_LOAD_S,
            "goal_autocomplete_p95_ms": GOAL_AUTOCOMPLETE_P95_MS,
            "database": connection.vendor,
        }
    finally:
        cleanup()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
