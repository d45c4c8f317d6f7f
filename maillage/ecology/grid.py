"""The ecological grid: topics, criteria and a floor per topic, versioned as data files.

A grid is never edited in place: a new version is a new file ``data/grid-<version>.json``, and
every assessment records the version it was scored with, so that a score stays what it was
when the grid changes. Pure module: no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CONTEXTS = ("creation", "review")
KINDS = ("measured", "trajectory", "practice")


class GridError(ValueError):
    """A grid file that does not follow the format; the message names the file and the field."""


@dataclass(frozen=True)
class Criterion:
    code: str
    kind: str  # measured | trajectory | practice
    label: str
    help: str
    contexts: tuple[str, ...]
    unit: str = ""
    points: int = 1
    # (threshold, points) pairs, ascending: a measured share (higher is better) or a reduction
    # in % for a trajectory. Empty for "points when provided".
    steps: tuple[tuple[float, int], ...] = ()
    higher_is_better: bool = True
    evidence: bool = False

    @property
    def max_points(self) -> int:
        return max((p for _t, p in self.steps), default=self.points)


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    floor: dict[str, int]
    criteria: tuple[Criterion, ...]

    def applicable(self, context: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if context in c.contexts)

    def max_points(self, context: str) -> int:
        return sum(c.max_points for c in self.applicable(context))


@dataclass(frozen=True)
class Grid:
    version: str
    title: str
    adopted: str
    status: str
    topics: tuple[Topic, ...]

    def criterion(self, code: str) -> Criterion:
        for topic in self.topics:
            for criterion in topic.criteria:
                if criterion.code == code:
                    return criterion
        raise KeyError(code)


def _criterion(raw: dict, where: str) -> Criterion:
    kind = raw.get("kind")
    if kind not in KINDS:
        raise GridError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    contexts = tuple(raw.get("contexts") or CONTEXTS)
    if not set(contexts) <= set(CONTEXTS):
        raise GridError(f"{where}: unknown context in {contexts}")
    if kind == "trajectory" and "creation" in contexts:
        raise GridError(f"{where}: a trajectory needs a baseline year, not at creation")
    steps = tuple((float(t), int(p)) for t, p in raw.get("steps", []))
    if list(steps) != sorted(steps) or any(p <= 0 for _t, p in steps):
        raise GridError(f"{where}: steps must ascend with positive points")
    if kind == "trajectory" and not steps:
        raise GridError(f"{where}: a trajectory needs steps")
    return Criterion(
        code=raw["code"],
        kind=kind,
        label=raw["label"],
        help=raw.get("help", ""),
        contexts=contexts,
        unit=raw.get("unit", ""),
        points=int(raw.get("points", 1)),
        steps=steps,
        higher_is_better=bool(raw.get("higher_is_better", True)),
        evidence=bool(raw.get("evidence", False)),
    )


def parse_grid(raw: dict, source: str = "grid") -> Grid:
    """A grid from its JSON form, checked: known kinds and contexts, unique codes, floors that
    the applicable criteria can reach."""
    try:
        topics = []
        seen: set[str] = set()
        for t in raw["topics"]:
            criteria = tuple(
                _criterion(c, f"{source}: {t['code']}.{c.get('code')}") for c in t["criteria"]
            )
            for c in criteria:
                if c.code in seen:
                    raise GridError(f"{source}: criterion code {c.code!r} appears twice")
                seen.add(c.code)
            topic = Topic(
                code=t["code"],
                label=t["label"],
                floor={k: int(v) for k, v in t["floor"].items()},
                criteria=criteria,
            )
            for context in CONTEXTS:
                if topic.floor.get(context, 0) > topic.max_points(context):
                    raise GridError(
                        f"{source}: floor of {topic.code!r} at {context} exceeds its "
                        f"{topic.max_points(context)} reachable points"
                    )
            topics.append(topic)
        return Grid(
            version=str(raw["version"]),
            title=raw["title"],
            adopted=raw.get("adopted", ""),
            status=raw.get("status", ""),
            topics=tuple(topics),
        )
    except KeyError as missing:
        raise GridError(f"{source}: missing field {missing}") from missing


@cache
def grid_load(version: str) -> Grid:
    """The grid of that version, from ``data/grid-<version>.json``."""
    path = DATA / f"grid-{version}.json"
    if not path.is_file() or "/" in version:
        raise GridError(f"no grid of version {version!r}")
    return parse_grid(json.loads(path.read_text(encoding="utf-8")), path.name)


def grid_versions() -> list[str]:
    """Every grid version shipped, oldest first."""
    return sorted(p.stem.removeprefix("grid-") for p in DATA.glob("grid-*.json"))


def grid_current() -> Grid:
    return grid_load(grid_versions()[-1])
