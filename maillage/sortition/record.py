"""The record of a sortition run: enough to audit it without re-running any solver.

Re-running LP/ILP solvers from a seed is not a reliable audit: results can change with the
solver version, the number of threads or floating-point details. So every run stores what it
used (settings, package versions, quota snapshot, a digest of the pool) and what it produced
(probabilities, distribution, lottery hash, draw), as plain JSON.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata

from maillage.sortition.problem import SortitionProblem

PACKAGES = ("sortition-algorithms", "highspy", "scipy", "numpy")


def versions() -> dict[str, str]:
    """Installed versions of Python and of the numerical packages the run depended on."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def pool_digest(problem: SortitionProblem) -> str:
    """SHA-256 of the pool (ids, feature values, households) in a canonical JSON form."""
    rows = [
        [p.id, sorted(p.features.items()), p.household]
        for p in sorted(problem.people, key=lambda p: p.id)
    ]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass
class RunRecord:
    """One run (distribution, lottery, draw or replacement), JSON-serialisable."""

    kind: str
    created_at: str
    settings: dict[str, object]
    quotas: dict[str, object]
    pool_sha256: str
    result: dict[str, object]
    versions: dict[str, str] = field(default_factory=versions)

    def to_dict(self) -> dict[str, object]:
        """Plain dict."""
        return asdict(self)

    def to_json(self) -> str:
        """Stable JSON (sorted keys), suitable for storing alongside the published files."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=1)


def record_run(
    problem: SortitionProblem,
    *,
    kind: str,
    created_at: str,
    settings: dict[str, object],
    result: dict[str, object],
) -> RunRecord:
    """Build the record of a run; ``created_at`` is an ISO 8601 timestamp with time zone."""
    return RunRecord(
        kind=kind,
        created_at=created_at,
        settings=settings,
        quotas=problem.snapshot(),
        pool_sha256=pool_digest(problem),
        result=result,
    )
