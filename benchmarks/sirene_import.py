#!/usr/bin/env python3
"""Benchmark: SIRENE stock import at national scale (1,000,000 establishment rows).

    .venv/bin/python benchmarks/sirene_import.py                      # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/sirene_import.py
    .venv/bin/python benchmarks/sirene_import.py --rows 200000        # a quicker run

Steps: a fresh database (SQLite: a temporary file; PostgreSQL: a new database named after the
one in DATABASE_URL, suffix _bench_<pid>, dropped at the end), migrate, load the reference
data; write a seeded, realistic StockUniteLegale + StockEtablissement pair to a temporary
folder (streamed to disk: real communes and NAF codes, Lambert/UTM coordinates, partial
diffusion, closed establishments, old NAF nomenclatures, a few bad lines); then run
``manage.py import_sirene`` in a child process, so that its peak memory (RSS high-water mark,
``getrusage``) is the import's own. It is run twice: the second run measures an idempotent
re-import. Progress goes to stderr; the last line of stdout is one JSON object.

"Rows" are the lines read from both stock files, kept or not (1,000,000 establishments plus
about 500,000 legal units by default), per second of wall time of the import command. The
machine's load average is printed with the figures: on a shared machine the wall time
follows the load; ``rows_read_per_cpu_s`` (the import process's own CPU time) does not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _support import log, scratch_database  # noqa: E402

GOAL_ROWS_PER_S = 50_000
GOAL_PEAK_MB = 300
SEED = 20250607


# What the generated units are, with weights: (legal category, ESS flag, kept?)
KEPT_KINDS = [
    ("9220", "O", 60), ("9230", "O", 3), ("9300", "O", 2), ("8210", "O", 3),
    ("5458", "O", 8), ("5558", "O", 1), ("5460", "O", 3), ("5560", "O", 1), ("6317", "O", 6),
    ("6316", "O", 3), ("5453", "O", 1), ("6596", "O", 2), ("5192", "O", 1), ("5194", "O", 2),
    ("5460", "N", 1), ("5710", "O", 3),
]  # fmt: skip
OTHER_KINDS = [("5710", "N", 30), ("5499", "N", 25), ("1000", "N", 30), ("6540", "N", 10),
               ("5599", "N", 3)]  # fmt: skip
STREETS = ["DE LA REPUBLIQUE", "VICTOR HUGO", "JEAN JAURES", "DES ECOLES", "DU MOULIN",
           "DE LA GARE", "PASTEUR", "DU GENERAL DE GAULLE", "DES TILLEULS", "DE L'EGLISE",
           "SAINT-ÉTIENNE", "DES CÔTES", "DU 8 MAI 1945", "DES FRÈRES LUMIÈRE"]  # fmt: skip
STREET_TYPES = ["RUE", "AV", "BD", "CHE", "PL", "ALL", "IMP", "RTE", "QUAI", ""]
BANDS = ["NN", "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "51"]


def _weighted(kinds: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    return [(category, ess) for category, ess, weight in kinds for _ in range(weight)]


def generate(folder: Path, rows: int, kept_share: float) -> dict[str, int]:
    """Write the two stock files; return counts (units, kept units, rows, expected kept rows)."""
    import csv

    from pyproj import Transformer

    from maillage.directory.imports import geo
    from maillage.directory.imports.samples import (
        ESTAB_COLUMNS_NEW,
        UNIT_COLUMNS_NEW,
        luhn_key,
    )
    from maillage.sectors.models import Sector
    from maillage.territories.models import Commune, MunicipalArrondissement

    rng = random.Random(SEED)
    communes = list(
        Commune.objects.filter(latitude__isnull=False).values_list(
            "code", "departement_id", "latitude", "longitude"
        )
    )
    arrondissements = list(
        MunicipalArrondissement.objects.values_list(
            "code", "commune__latitude", "commune__longitude"
        )
    )
    # Projected coordinates of every commune point, in the system INSEE uses there.
    by_crs: dict[int, list[int]] = {}
    for index, (_code, dep, _lat, _lon) in enumerate(communes):
        by_crs.setdefault(geo.crs_for_departement(dep), []).append(index)
    projected: list[tuple[float, float]] = [(0.0, 0.0)] * len(communes)
    for epsg, indexes in by_crs.items():
        forward = Transformer.from_crs(4326, epsg, always_xy=True)
        xs, ys = forward.transform(
            [communes[i][3] for i in indexes], [communes[i][2] for i in indexes]
        )
        for i, x, y in zip(indexes, xs, ys, strict=True):
            projected[i] = (x, y)
    naf = list(Sector.objects.filter(nomenclature="naf2", level=5).values_list("code", flat=True))
    kept_kinds = _weighted(KEPT_KINDS)
    other_kinds = _weighted(OTHER_KINDS)

    unit_index = {c: i for i, c in enumerate(UNIT_COLUMNS_NEW)}
    estab_index = {c: i for i, c in enumerate(ESTAB_COLUMNS_NEW)}
    units_path = folder / "StockUniteLegale_utf8.csv"
    estabs_path = folder / "StockEtablissement_utf8.csv"
    counts = {"units": 0, "kept_units": 0, "rows": 0, "kept_rows": 0, "bad_rows": 0}
    with (
        units_path.open("w", encoding="utf-8", newline="") as units_file,
        estabs_path.open("w", encoding="utf-8", newline="") as estabs_file,
    ):
        units = csv.writer(units_file, lineterminator="\n")
        estabs = csv.writer(estabs_file, lineterminator="\n")
        units.writerow(UNIT_COLUMNS_NEW)
        estabs.writerow(ESTAB_COLUMNS_NEW)
        u_blank = [""] * len(UNIT_COLUMNS_NEW)
        e_blank = [""] * len(ESTAB_COLUMNS_NEW)
        number = 10_000_000
        written = 0
        while written < rows:
            number += rng.randint(1, 40)
            stem = f"{number:08d}"
            siren = stem + luhn_key(stem)
            kept = rng.random() < kept_share
            category, ess = rng.choice(kept_kinds if kept else other_kinds)
            ceased = rng.random() < 0.06
            # ESS employers have more establishments than the average unit.
            count = 1 + int(rng.expovariate(1 / (2.6 if kept else 1.2)))
            count = min(count, rows - written, 60)
            row = u_blank.copy()
            row[unit_index["siren"]] = siren
            row[unit_index["statutDiffusionUniteLegale"]] = "P" if category == "1000" else "O"
            row[unit_index["dateCreationUniteLegale"]] = (
                f"{rng.randint(1950, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
            row[unit_index["sigleUniteLegale"]] = "SCOP" if category == "5458" else ""
            row[unit_index["trancheEffectifsUniteLegale"]] = rng.choice(BANDS)
            row[unit_index["etatAdministratifUniteLegale"]] = "C" if ceased else "A"
            if category == "1000":
                row[unit_index["nomUniteLegale"]] = "[ND]"
            else:
                row[unit_index["denominationUniteLegale"]] = f"STRUCTURE {rng.choice(STREETS)}"
            row[unit_index["categorieJuridiqueUniteLegale"]] = category
            old = rng.random() < 0.03
            row[unit_index["activitePrincipaleUniteLegale"]] = "74.1A" if old else rng.choice(naf)
            row[unit_index["nomenclatureActivitePrincipaleUniteLegale"]] = (
                "NAFRev1" if old else "NAFRev2"
            )
            row[unit_index["nicSiegeUniteLegale"]] = "00010"
            row[unit_index["economieSocialeSolidaireUniteLegale"]] = ess
            row[unit_index["caractereEmployeurUniteLegale"]] = "O"
            units.writerow(row)
            counts["units"] += 1
            in_scope = kept and not ceased
            counts["kept_units"] += in_scope
            home = rng.randrange(len(communes))
            for nic in range(1, count + 1):
                nic_stem = f"{siren}{nic:04d}"
                siret = nic_stem + luhn_key(nic_stem)
                ci = home if rng.random() < 0.7 else rng.randrange(len(communes))
                code, dep, _lat, _lon = communes[ci]
                e = e_blank.copy()
                e[estab_index["siren"]] = siren
                e[estab_index["nic"]] = siret[9:]
                e[estab_index["siret"]] = siret
                partial = rng.random() < 0.03
                e[estab_index["statutDiffusionEtablissement"]] = "P" if partial else "O"
                e[estab_index["dateCreationEtablissement"]] = "2012-01-01"
                e[estab_index["trancheEffectifsEtablissement"]] = rng.choice(BANDS)
                e[estab_index["etablissementSiege"]] = "true" if nic == 1 else "false"
                e[estab_index["nombrePeriodesEtablissement"]] = "2"
                if partial:
                    for column in ("numeroVoieEtablissement", "typeVoieEtablissement",
                                   "libelleVoieEtablissement",
                                   "coordonneeLambertAbscisseEtablissement",
                                   "coordonneeLambertOrdonneeEtablissement"):  # fmt: skip
                        e[estab_index[column]] = "[ND]"
                else:
                    e[estab_index["numeroVoieEtablissement"]] = str(rng.randint(1, 250))
                    e[estab_index["typeVoieEtablissement"]] = rng.choice(STREET_TYPES)
                    e[estab_index["libelleVoieEtablissement"]] = rng.choice(STREETS)
                    if rng.random() < 0.85:
                        x, y = projected[ci]
                        e[estab_index["coordonneeLambertAbscisseEtablissement"]] = (
                            f"{x + rng.uniform(-800, 800):.1f}"
                        )
                        e[estab_index["coordonneeLambertOrdonneeEtablissement"]] = (
                            f"{y + rng.uniform(-800, 800):.1f}"
                        )
                if dep == "75" and arrondissements and rng.random() < 0.8:
                    code = rng.choice(arrondissements)[0]
                e[estab_index["codePostalEtablissement"]] = f"{dep[:2]}{rng.randint(0, 999):03d}"
                e[estab_index["libelleCommuneEtablissement"]] = "COMMUNE"
                e[estab_index["codeCommuneEtablissement"]] = code
                e[estab_index["dateDebut"]] = "2020-01-01"
                e[estab_index["etatAdministratifEtablissement"]] = (
                    "F" if rng.random() < 0.3 else "A"
                )
                if rng.random() < 0.2:
                    e[estab_index["enseigne1Etablissement"]] = f"ANTENNE {nic}"
                e[estab_index["activitePrincipaleEtablissement"]] = rng.choice(naf)
                e[estab_index["nomenclatureActivitePrincipaleEtablissement"]] = "NAFRev2"
                e[estab_index["caractereEmployeurEtablissement"]] = "O"
                if in_scope and rng.random() < 0.0002:
                    e[estab_index["codeCommuneEtablissement"]] = "00000"  # a bad line
                    counts["bad_rows"] += 1
                estabs.writerow(e)
                written += 1
                counts["kept_rows"] += in_scope
            if counts["units"] % 50_000 == 0:
                log(f"  generated {written:,} establishments, {counts['units']:,} units")
        counts["rows"] = written
    counts["units_bytes"] = units_path.stat().st_size
    counts["estabs_bytes"] = estabs_path.stat().st_size
    return counts


def _import(units: Path, estabs: Path, env: dict[str, str]) -> dict[str, float]:
    """Run the import command in a child process; its wall time and peak RSS."""
    errors = units.with_name("errors.csv")
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_sirene", "--unites", str(units),
         "--etablissements", str(estabs), "--errors", str(errors), "--no-search-refresh"],
        env=env, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log(completed.stdout.strip())
    error_lines = 0
    if errors.exists():
        error_lines = sum(1 for _ in errors.open(encoding="utf-8-sig")) - 1
    # ru_maxrss of children is the largest child's peak: the first run's, the second's after.
    return {"seconds": seconds, "cpu": cpu, "peak_kb": after.ru_maxrss, "errors": error_lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kept-share", type=float, default=0.17)
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()

    url, cleanup = scratch_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MAILLAGE_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdef")
    os.environ.setdefault("MAILLAGE_VAR_DIR", tempfile.mkdtemp(prefix="maillage-bench-var-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    folder = Path(tempfile.mkdtemp(prefix="maillage-sirene-"))
    try:
        import django

        django.setup()
        from io import StringIO

        from django.core.management import call_command
        from django.db import connection, connections

        from maillage.directory.models import Establishment, Organisation

        vendor = connection.vendor
        log(f"database: {vendor} ({connection.settings_dict['NAME']})")
        log("migrating, loading reference data…")
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", stdout=StringIO(), stderr=StringIO())
        log(f"generating {args.rows:,} establishment rows in {folder}…")
        started = time.perf_counter()
        counts = generate(folder, args.rows, args.kept_share)
        log(f"generated in {time.perf_counter() - started:.1f} s: {counts}")
        connections.close_all()

        units = folder / "StockUniteLegale_utf8.csv"
        estabs = folder / "StockEtablissement_utf8.csv"
        env = dict(os.environ)
        load_before = round(os.getloadavg()[0], 1)
        log(f"import (first run)… load average {load_before}")
        first = _import(units, estabs, env)
        organisations = Organisation.objects.count()
        establishments = Establishment.objects.count()
        log("import again (idempotent re-import)…")
        second = _import(units, estabs, env)
        duplicates = (
            Organisation.objects.count() != organisations
            or Establishment.objects.count() != establishments
        )
        read = counts["rows"] + counts["units"]
        rate = read / first["seconds"]
        peak_mb = max(first["peak_kb"], second["peak_kb"]) / 1024
        figures = {
            "rows_meaning": (
                "lines read from the two stock files (StockUniteLegale + StockEtablissement, "
                "kept or not) per second of wall time of the import command, first run"
            ),
            "rows_read": read,
            "etab_rows_read": counts["rows"],
            "unit_rows_read": counts["units"],
            "rows_read_per_s": round(rate),
            "goal_rows_read_per_s": GOAL_ROWS_PER_S,
            "peak_rss_mb": round(peak_mb, 1),
            "goal_peak_rss_mb": GOAL_PEAK_MB,
            "meets_goals": rate >= GOAL_ROWS_PER_S and peak_mb < GOAL_PEAK_MB,
            "wall_s": round(first["seconds"], 1),
            "cpu_s": round(first["cpu"], 1),
            "rows_read_per_cpu_s": round(read / first["cpu"]),
            "load_avg_1min_before": load_before,
            "load_avg_1min_after": round(os.getloadavg()[0], 1),
            "organisations_written": organisations,
            "establishments_written": establishments,
            "error_lines": first["errors"],
            "expected_error_lines": counts["bad_rows"],
            "rerun_wall_s": round(second["seconds"], 1),
            "rerun_rows_read_per_s": round(read / second["seconds"]),
            "rerun_duplicates": duplicates,
            "input_mb": round((counts["units_bytes"] + counts["estabs_bytes"]) / 1e6, 1),
            "cpus": os.cpu_count(),
            "database": vendor,
        }
    finally:
        cleanup()
        if not args.keep_files:
            for path in folder.glob("*"):
                path.unlink()
            folder.rmdir()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
