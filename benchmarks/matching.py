#!/usr/bin/env python3
"""Benchmark: ranking suppliers for a need at the scale of the French ESS (213,000 sites).

    .venv/bin/python benchmarks/matching.py                       # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/matching.py
    ESTABLISHMENTS=20000 .venv/bin/python benchmarks/matching.py  # smaller, quicker
    KEEP_DATABASE=1 …                                               # do not drop it at the end

A fresh database (a temporary SQLite file, or on PostgreSQL a database named after the one in
DATABASE_URL with suffix _bench_<pid>, dropped at the end) is migrated and loaded with the
reference data and the demo network (``demo_network_create``), to which a labelled set is
added. Total establishments: ESTABLISHMENTS (default 213,000).

**Speed.** ``selectors.need_ranking(need, limit=50)`` — place, SQL prefilter (sector division +
zone), candidates' sites, zones and answer history, then ``matching.rank`` in Python — is timed
end to end on the 50 labelled needs and on 150 needs in the demo network's own trades at
population-weighted places (commune, EPCI, département or région), after one warm-up pass.

**Quality.** 50 labelled needs, each in a NAF sub-class the demo network does not use, at a
place of its own; per need, 10 known-good suppliers are planted (right sub-class, head office
within ~40 km, zone covering the place: a radius, the département or all of France; 7 with an
offer worded like the need, 3 with no offer), and 12 distractors: same sub-class but far
away (their radius does not reach), the same division in another sub-class nearby, the need's
words in a different division nearby, the right sub-class nearby but unpublished or not a
cooperative. Precision at 10 = share of planted good suppliers among the first ten, averaged.

Progress goes to stderr; the last line of stdout is one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _support import log, scratch_database  # noqa: E402

GOAL_RANK_P95_MS = 100
LABELLED_NEEDS = 50
GOOD_PER_NEED = 10
DEMO_NEEDS = 150


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Planter:
    """Writes planted organisations (one head office each, at most one offer) in bulk."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, **row: Any) -> int:
        self.rows.append(row)
        return len(self.rows) - 1

    def write(self) -> list[int]:
        from maillage.directory.models import (
            Establishment,
            Offer,
            OfferZone,
            Organisation,
        )

        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=r["name"],
                    slug=f"bench-{i}",
                    family=r["family"],
                    commune_id=r["commune"].code,
                    sector_id=r["sector_id"],
                    headcount=r["headcount"],
                    is_published=r.get("published", True),
                    is_synthetic=False,
                )
                for i, r in enumerate(self.rows)
            ]
        )
        establishments = Establishment.objects.bulk_create(
            [
                Establishment(
                    organisation=o,
                    is_headquarters=True,
                    commune_id=r["commune"].code,
                    latitude=r["commune"].latitude,
                    longitude=r["commune"].longitude,
                    sector_id=r["sector_id"],
                )
                for o, r in zip(organisations, self.rows, strict=True)
            ]
        )
        offers, zone_of = [], []
        for o, e, r in zip(organisations, establishments, self.rows, strict=True):
            if r.get("offer"):
                mode, radius, zone = r["zone"]
                offers.append(
                    Offer(
                        organisation=o,
                        title=r["offer"],
                        description=r.get("offer_text", ""),
                        sector_id=r["sector_id"],
                        zone_mode=mode,
                        radius_km=radius,
                        origin=e if mode == "radius" else None,
                    )
                )
                zone_of.append(zone)
        created = Offer.objects.bulk_create(offers)
        OfferZone.objects.bulk_create(
            [
                OfferZone(offer=offer, level=zone[0], code=zone[1])
                for offer, zone in zip(created, zone_of, strict=True)
                if zone
            ]
        )
        return [o.pk for o in organisations]


def main() -> None:
    establishments = int(os.environ.get("ESTABLISHMENTS", "213000"))
    seed = int(os.environ.get("SEED", "20260101"))
    url, cleanup = scratch_database()
    if os.environ.get("KEEP_DATABASE"):
        log(f"keeping the database: {url}")
        cleanup = lambda: None  # noqa: E731
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MAILLAGE_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdef")
    os.environ.setdefault("MAILLAGE_VAR_DIR", tempfile.mkdtemp(prefix="maillage-bench-var-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count

        from maillage.directory.demo import (
            COOP_GROUPS,
            ENTREPRENEUR_ACTIVITIES,
            OTHER_GROUPS,
            demo_network_create,
        )
        from maillage.directory.models import Establishment
        from maillage.exchange import selectors
        from maillage.exchange.models import Need
        from maillage.sectors.models import Sector
        from maillage.territories.models import Commune
        from maillage.territories.text import normalise

        database = connection.vendor
        log(f"database: {database} ({connection.settings_dict['NAME']})")
        log("migrating…")
        call_command("migrate", verbosity=0)
        log("loading reference data…")
        call_command("load_reference_data", verbosity=0)
        rng = random.Random(seed)

        used = {t[0] for _, _, ts in COOP_GROUPS + OTHER_GROUPS for t in ts}
        used |= {a[1] for a in ENTREPRENEUR_ACTIVITIES}
        subclasses = [
            s
            for s in Sector.objects.filter(nomenclature="naf2", level=5).order_by("code")
            if s.code not in used and len(normalise(s.label).split()) >= 3
        ]
        by_division: dict[str, list[Sector]] = {}
        for s in Sector.objects.filter(nomenclature="naf2", level=5):
            by_division.setdefault(s.code[:2], []).append(s)
        chosen = rng.sample(subclasses, LABELLED_NEEDS)
        communes = list(
            Commune.objects.filter(latitude__isnull=False, population__gte=2000).select_related(
                "departement"
            )
        )
        by_departement: dict[str, list[Commune]] = {}
        for c in communes:
            by_departement.setdefault(c.departement_id, []).append(c)
        weights = [c.population for c in communes]

        planter = Planter()
        plan: list[dict[str, Any]] = []
        for i, sector in enumerate(chosen):
            place = rng.choices(communes, weights)[0]
            level = rng.choice(["commune", "commune", "epci", "departement"])
            if level == "epci" and not place.epci_id:
                level = "commune"
            code = {
                "commune": place.code,
                "epci": place.epci_id,
                "departement": place.departement_id,
            }[level]
            label = sector.label
            near = [
                c
                for c in by_departement[place.departement_id]
                if abs((c.latitude or 0.0) - (place.latitude or 0.0)) < 0.3
                and abs((c.longitude or 0.0) - (place.longitude or 0.0)) < 0.4
            ] or [place]
            far = [c for c in communes if c.region_id != place.region_id]
            good: list[int] = []
            for g in range(GOOD_PER_NEED):
                home = rng.choice(near)
                zone = rng.choice(
                    [
                        ("radius", 80, None),
                        ("zones", None, ("departement", place.departement_id)),
                        ("zones", None, ("region", place.region_id)),
                        ("france", None, None),
                    ]
                )
                good.append(
                    planter.add(
                        name=f"Bon {i}-{g}",
                        family=rng.choice(["scop", "scic", "scop"]),
                        commune=home,
                        sector_id=sector.pk,
                        headcount=rng.randint(2, 40),
                        offer=label if g < 7 else None,
                        offer_text=f"{label} ; devis rapide, références publiques.",
                        zone=zone,
                    )
                )
            same_division = [s for s in by_division[sector.code[:2]] if s.pk != sector.pk]
            other = rng.choice([s for s in subclasses if s.code[:2] != sector.code[:2]])
            distractors = [
                *(("far", rng.choice(far), sector, label, ("radius", 30, None)) for _ in range(3)),
                *(
                    (
                        "division",
                        rng.choice(near),
                        rng.choice(same_division or [other]),
                        other.label,
                        ("zones", None, ("departement", place.departement_id)),
                    )
                    for _ in range(3)
                ),
                *(
                    ("words", rng.choice(near), other, label, ("france", None, None))
                    for _ in range(2)
                ),
            ]
            for n, (kind, home, dsector, title, zone) in enumerate(distractors):
                planter.add(
                    name=f"Leurre {i}-{n} {kind}",
                    family="scop",
                    commune=home,
                    sector_id=dsector.pk,
                    headcount=10,
                    offer=title,
                    zone=zone,
                )
            for n in range(2):
                planter.add(
                    name=f"Masquée {i}-{n}",
                    family="scop",
                    commune=rng.choice(near),
                    sector_id=sector.pk,
                    headcount=10,
                    offer=label,
                    zone=("france", None, None),
                    published=False,
                )
            for n in range(2):
                planter.add(
                    name=f"Hors coop {i}-{n}",
                    family="other_ess",
                    commune=rng.choice(near),
                    sector_id=sector.pk,
                    headcount=10,
                    offer=label,
                    zone=("france", None, None),
                )
            plan.append(
                {
                    "sector": sector,
                    "level": level,
                    "code": code,
                    "place": place,
                    "good": good,
                    "title": f"Recherche : {label.lower()}",
                    "description": f"Nous cherchons une coopérative pour {label.lower()}.",
                }
            )

        demo_size = max(0, establishments - len(planter.rows))
        log(f"demo network of {demo_size} establishments…")
        started = time.perf_counter()
        demo_network_create(
            establishments=demo_size, seed=seed % 1000, progress=log, search_refresh=False
        )
        log(f"  generated in {time.perf_counter() - started:.0f} s")
        log(f"planting {len(planter.rows)} labelled organisations…")
        ids = planter.write()
        total_establishments = Establishment.objects.count()
        # Planner statistics after bulk loading, as autovacuum would gather in production.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        def make_need(title: str, description: str, sector: Sector, level: str, code: str) -> Need:
            from maillage.exchange import services

            place = services.place_resolve(level, code)
            need = Need.objects.create(
                title=title,
                description=description,
                buyer_kind="public",
                buyer_name="Benchmark",
                deadline="2030-01-01",
                place_level=place.level,
                place_code=place.code,
                place_label=place.label,
                place_commune_id=place.commune_id,
            )
            need.sectors.set([sector])
            return need

        labelled = []
        for entry in plan:
            need = make_need(
                entry["title"], entry["description"], entry["sector"], entry["level"], entry["code"]
            )
            labelled.append((need, {ids[k] for k in entry["good"]}))
        trades = [t for _, _, ts in COOP_GROUPS for t in ts]
        trade_sectors = {s.code: s for s in Sector.objects.filter(code__in={t[0] for t in trades})}
        demo_needs = []
        for _ in range(DEMO_NEEDS):
            trade = rng.choice([t for t in trades if t[0] in trade_sectors])
            place = rng.choices(communes, weights)[0]
            level = rng.choice(["commune", "commune", "epci", "departement", "region"])
            if level == "epci" and not place.epci_id:
                level = "commune"
            code = {
                "commune": place.code,
                "epci": place.epci_id,
                "departement": place.departement_id,
                "region": place.region_id,
            }[level]
            title = rng.choice(trade[4])
            demo_needs.append(
                make_need(title, f"{title} ({trade[5]})", trade_sectors[trade[0]], level, str(code))
            )

        all_needs = [n for n, _ in labelled] + demo_needs
        log(f"warm-up over {len(all_needs)} needs…")
        for need in all_needs:
            selectors.need_ranking(need, limit=50)
        if os.environ.get("PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for need in all_needs[:100]:
                selectors.need_ranking(need, limit=50)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        log("timing…")
        times: list[float] = []
        candidates: list[int] = []
        precisions: list[float] = []
        for index, need in enumerate(all_needs):
            started = time.perf_counter()
            ranked = selectors.need_ranking(need, limit=50)
            times.append((time.perf_counter() - started) * 1000)
            if index < len(labelled):
                wanted = labelled[index][1]
                top = [m.organisation_id for m in ranked[:10]]
                precisions.append(sum(1 for o in top if o in wanted) / 10)
            if index % 50 == 0:
                log(f"  {index}/{len(all_needs)} needs, last {times[-1]:.1f} ms")
        # Candidate counts for context (not timed).
        for need in demo_needs[:30]:
            spec = selectors.need_spec(need)
            candidates.append(len(selectors.need_candidates(spec)[1]))
        result = {
            "establishments": total_establishments,
            "organisations": Establishment.objects.aggregate(
                n=Count("organisation", distinct=True)
            )["n"],
            "rank_p50_ms": round(_percentile(times, 0.5), 1),
            "rank_p95_ms": round(_percentile(times, 0.95), 1),
            "rank_max_ms": round(max(times), 1),
            "labelled_rank_p95_ms": round(_percentile(times[: len(labelled)], 0.95), 1),
            "demo_rank_p95_ms": round(_percentile(times[len(labelled) :], 0.95), 1),
            "needs_timed": len(times),
            "median_candidates_demo_needs": sorted(candidates)[len(candidates) // 2],
            "precision_at_10": round(sum(precisions) / len(precisions), 3),
            "min_precision_at_10": min(precisions),
            "labelled_needs": len(labelled),
            "goal_rank_p95_ms": GOAL_RANK_P95_MS,
            "database": database,
        }
        print(json.dumps(result))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
