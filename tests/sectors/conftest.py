"""Fixtures for the sectors tests: the real shipped nomenclature, and a way to tamper with it."""

from __future__ import annotations

import json
import lzma
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from maillage.core.reference import records_digest
from maillage.sectors.loader import NAF_REV2_FILE, load_naf


@pytest.fixture
def naf(db) -> dict[str, int]:
    """NAF rév. 2 loaded from the file shipped with the package (about 0.3 s)."""
    return load_naf()


def read_payload() -> dict[str, Any]:
    return json.loads(lzma.decompress(NAF_REV2_FILE.read_bytes()))


@pytest.fixture
def write_naf(tmp_path) -> Callable[..., Path]:
    """Write a variant of the shipped file: ``write_naf(edit, resign=True)``.

    ``edit(payload)`` changes the decoded envelope in place; with ``resign`` the records digest
    is recomputed, as the build script would, so only the checks after the digest are exercised.
    """

    def write(edit: Callable[[dict[str, Any]], None], *, resign: bool = True) -> Path:
        payload = read_payload()
        edit(payload)
        if resign:
            payload["records_sha256"] = records_digest(payload["records"])
        path = tmp_path / "naf-variant.json.xz"
        path.write_bytes(lzma.compress(json.dumps(payload, ensure_ascii=False).encode()))
        return path

    return write
