"""Transparent lottery, phase two: the public draw, its verification, and replacements.

Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent" (NeurIPS 2021): once the lottery
of ``m`` panels is published with its hash, the panel is picked by a public source of
randomness announced in advance (numbers drawn in public, dice, a lottery result). The formula
is deliberately simple so that anyone can recompute it with a few lines in any language::

    index = int(SHA-256(UTF-8(list_hash + seed_string)), 16) mod m

where ``list_hash`` is the lowercase hex SHA-256 of the published file's canonical serialisation
and ``seed_string`` is the announced seed, NFC-normalised, without surrounding whitespace.
The modulo bias is below ``m / 2**256``.

Replacements (a selected person declines) keep the quotas: the remaining members are kept, and
the missing seats are filled by a LEXIMIN draw among eligible volunteers, under quotas reduced
by what the remaining members already contribute, with the same seeded formula.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from maillage.sortition.leximin import LeximinResult, find_leximin
from maillage.sortition.lottery import lottery_hash
from maillage.sortition.problem import Panel, Quota, SortitionProblem
from maillage.sortition.quotas import Diagnosis, diagnose


class DrawVerificationError(ValueError):
    """The published file does not match its announced hash, or the claim does not match."""


def normalise_seed(seed_string: str) -> str:
    """The seed as hashed: Unicode NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", seed_string).strip()


def draw_index(list_hash: str, seed_string: str, size: int) -> int:
    """``int(SHA-256(list_hash + seed), 16) mod size``: the index of the drawn panel."""
    message = (list_hash.lower() + normalise_seed(seed_string)).encode("utf-8")
    return int(hashlib.sha256(message).hexdigest(), 16) % size


@dataclass(frozen=True)
class VerifiedDraw:
    """What anyone can recompute from the published file and the public seed."""

    list_hash: str
    seed_string: str
    index: int
    panel: tuple[str, ...]


def verify_draw(
    document: Mapping[str, object],
    announced_hash: str,
    seed_string: str,
    *,
    claimed_index: int | None = None,
    claimed_panel: Iterable[str] | None = None,
) -> VerifiedDraw:
    """Recompute the draw from the published lottery and seed; raise if anything disagrees.

    Checks that the file hashes to ``announced_hash`` (so it was not changed after the seed was
    known), that it has ``lottery_size`` panels of ``panel_size`` distinct members, then
    recomputes the index and, when given, compares it and the panel with the claimed ones.
    """
    computed = lottery_hash(document)
    if computed != announced_hash.lower():
        raise DrawVerificationError(f"File hash {computed} differs from {announced_hash}.")
    panels = document["panels"]
    size = document["lottery_size"]
    if not isinstance(panels, list) or not isinstance(size, int) or len(panels) != size:
        raise DrawVerificationError("The file does not list lottery_size panels.")
    k = document["panel_size"]
    if any(len(set(p)) != k or len(p) != k for p in panels):
        raise DrawVerificationError("A panel does not have panel_size distinct members.")
    index = draw_index(computed, seed_string, size)
    panel = tuple(panels[index])
    if claimed_index is not None and claimed_index != index:
        raise DrawVerificationError(f"Claimed index {claimed_index}, recomputed {index}.")
    if claimed_panel is not None and sorted(claimed_panel) != sorted(panel):
        raise DrawVerificationError("The claimed panel is not the drawn one.")
    return VerifiedDraw(computed, normalise_seed(seed_string), index, panel)


# --- replacements ------------------------------------------------------------------------


class ReplacementImpossible(ValueError):
    """No replacement set keeps the quotas; ``diagnosis`` says which quotas block."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__("; ".join(diagnosis.messages()))
        self.diagnosis = diagnosis


@dataclass
class Replacement:
    """The new panel, who replaces whom, and the fair distribution the choice came from."""

    panel: Panel
    added: tuple[str, ...]
    removed: tuple[str, ...]
    seed_string: str
    distribution: LeximinResult

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form (for the run record)."""
        return {
            "panel": sorted(self.panel),
            "added": list(self.added),
            "removed": list(self.removed),
            "seed_string": self.seed_string,
            "candidates_probabilities": self.distribution.probabilities,
        }


def replacement_problem(
    problem: SortitionProblem,
    kept: Iterable[str],
    excluded: Iterable[str],
    seats: int,
) -> SortitionProblem:
    """The sub-problem: eligible volunteers, quotas minus what ``kept`` members already fill."""
    kept = set(kept)
    excluded = set(excluded) | kept
    kept_homes = {problem.people[problem.index[i]].household for i in kept} - {None}
    eligible = [
        p
        for p in problem.people
        if p.id not in excluded and not (problem.exclusive_households and p.household in kept_homes)
    ]
    counts = problem.counts(kept)
    quotas = tuple(
        Quota(q.feature, q.value, max(0, q.min - counts[q.label]), q.max - counts[q.label])
        for q in problem.quotas
    )
    return replace(problem, people=tuple(eligible), quotas=quotas, panel_size=seats).normalised()


def pick(panels: list[Panel], weights: list[float], seed_string: str) -> Panel:
    """Choose one panel with probability ``weights`` using ``SHA-256(seed)`` as the uniform draw.

    Panels are taken in canonical order (sorted member lists) so the choice depends only on the
    distribution and the seed.
    """
    order = sorted(range(len(panels)), key=lambda k: sorted(panels[k]))
    digest = hashlib.sha256(("replacement:" + normalise_seed(seed_string)).encode("utf-8"))
    u = int(digest.hexdigest(), 16) / 2**256
    total = 0.0
    for k in order:
        total += weights[k]
        if u < total:
            return panels[k]
    return panels[order[-1]]


def find_replacements(
    problem: SortitionProblem,
    panel: Iterable[str],
    declined: Iterable[str],
    *,
    seed_string: str,
    unavailable: Iterable[str] = (),
) -> Replacement:
    """Replace the ``declined`` members of ``panel`` while keeping every quota.

    Candidates are volunteers not on the panel, not ``declined`` and not ``unavailable`` (and,
    with exclusive households, from a cooperative not already seated). Among all replacement
    sets that, with the remaining members, meet the quotas, one is drawn from the LEXIMIN
    distribution of the sub-problem (so candidates get selection probabilities as equal as the
    quotas allow) with the seeded formula of :func:`pick`.
    """
    panel = set(panel)
    declined = set(declined) & panel
    if not declined:
        raise ValueError("No panel member declined.")
    kept = panel - declined
    sub = replacement_problem(problem, kept, declined | set(unavailable), len(declined))
    diagnosis = diagnose(sub)
    if not diagnosis.feasible:
        raise ReplacementImpossible(diagnosis)
    distribution = find_leximin(sub, seed=0)
    chosen = pick(distribution.panels, distribution.weights, seed_string)
    new_panel = frozenset(kept | chosen)
    problems = problem.panel_violations(new_panel)
    if problems:  # cannot happen if the sub-problem is right; never hand out a bad panel
        raise RuntimeError("Replacement broke the quotas: " + "; ".join(problems))
    return Replacement(
        panel=new_panel,
        added=tuple(sorted(chosen)),
        removed=tuple(sorted(declined)),
        seed_string=normalise_seed(seed_string),
        distribution=distribution,
    )
