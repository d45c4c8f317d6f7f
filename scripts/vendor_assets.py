#!/usr/bin/env python3
"""Refresh the vendored front-end assets from the npm registry (run by hand, never at install).

Each asset is pinned here; the script downloads the package tarball with `npm pack`, copies the
files the platform serves and the licence into maillage/core/static/vendor/<name>/, and records
name, version and integrity in VENDORED.json there. Nothing is loaded from a CDN at run time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "maillage" / "core" / "static" / "vendor"

ASSETS = {
    "htmx.org": {
        "version": "2.0.8",
        "dir": "htmx",
        "files": {"dist/htmx.min.js": "htmx.min.js", "LICENSE": "LICENSE"},
        "licence": "0BSD",
    },
    "leaflet": {
        "version": "1.9.4",
        "dir": "leaflet",
        "files": {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/marker-icon.png": "images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "images/marker-shadow.png",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
            "LICENSE": "LICENSE",
        },
        "licence": "BSD-2-Clause",
    },
}


def main() -> None:
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        for package, spec in ASSETS.items():
            out = subprocess.run(
                ["npm", "pack", f"{package}@{spec['version']}", "--json"],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
            )
            info = json.loads(out.stdout)[0]
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                tar.extractall(Path(tmp) / spec["dir"], filter="data")
            target = VENDOR / spec["dir"]
            shutil.rmtree(target, ignore_errors=True)
            for src, dst in spec["files"].items():
                dest = target / dst
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(Path(tmp) / spec["dir"] / "package" / src, dest)
            manifest[package] = {
                "version": spec["version"],
                "licence": spec["licence"],
                "integrity": info["integrity"],
                "directory": spec["dir"],
            }
            print(f"{package}@{spec['version']} -> {target.relative_to(ROOT)}")
    (VENDOR / "VENDORED.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
