"""Reading the reference data files shipped in ``maillage/<app>/data/``.

Each app's build script (``scripts/build_*_data.py``) writes a compressed JSON envelope::

    {"format": "...", "format_version": 1, "records_sha256": "<hex>", "records": [...], ...}

and each app's loader reads it back through :func:`read_reference_file`, which refuses anything
it cannot trust *before* the loader writes a single row. Kept free of Django imports so that the
build scripts can share :func:`records_digest` with the loaders.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
from collections.abc import Collection
from pathlib import Path
from typing import Any


class ReferenceDataError(Exception):
    """A shipped reference data file is missing, corrupt or not the format this code expects.

    The message always names the file and the problem, so that an operator reading a failed
    ``load_reference_data`` knows what to rebuild or reinstall.
    """


def records_digest(records: Any) -> str:
    """SHA-256 of the canonical JSON form of ``records``.

    Canonical (sorted keys, no spaces, UTF-8) so that the build script and the loader compute the
    same digest whatever whitespace or key order the file was written with.
    """
    canonical = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _decompress(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix == ".xz":
        return lzma.decompress(raw)
    if path.suffix == ".gz":
        return gzip.decompress(raw)
    return raw


def read_reference_file(
    path: Path | str, *, expected_format: str, supported_versions: Collection[int]
) -> dict[str, Any]:
    """Read, decompress and check a reference envelope; return it as a dict.

    Raises :class:`ReferenceDataError` (naming ``path``) when the file is missing or unreadable,
    not valid compressed JSON, of another format or an unsupported format version, or when its
    records do not match ``records_sha256``. Structural checks specific to a data set stay in the
    app's loader.
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(f"{path}: reference data file not found.")
    try:
        payload = json.loads(_decompress(path))
    except (OSError, EOFError, lzma.LZMAError, gzip.BadGzipFile) as exc:
        raise ReferenceDataError(f"{path}: cannot decompress ({exc}).") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(f"{path}: not valid JSON ({exc}).") from exc
    if not isinstance(payload, dict):
        raise ReferenceDataError(f"{path}: expected a JSON object at the top level.")
    if payload.get("format") != expected_format:
        raise ReferenceDataError(
            f"{path}: format {payload.get('format')!r}, expected {expected_format!r}."
        )
    version = payload.get("format_version")
    if version not in supported_versions:
        supported = ", ".join(str(v) for v in sorted(supported_versions))
        raise ReferenceDataError(
            f"{path}: format version {version!r} is not supported (this code reads {supported}); "
            "rebuild the file with the matching script or upgrade Maillage."
        )
    if "records" not in payload or "records_sha256" not in payload:
        raise ReferenceDataError(f"{path}: missing 'records' or 'records_sha256'.")
    actual = records_digest(payload["records"])
    if actual != payload["records_sha256"]:
        raise ReferenceDataError(
            f"{path}: checksum mismatch (records sha256 {actual}, manifest says "
            f"{payload['records_sha256']}); the file was altered or truncated."
        )
    return payload
