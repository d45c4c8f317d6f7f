"""Majority judgment: merit profiles, majority grades, majority gauges and the full ranking.

Pure functions fed plain data (no Django, no database), so that the published results of a vote
can be recomputed by anyone from the anonymous ballot export, tested exhaustively and
benchmarked. The conventions are those of Balinski and Laraki, *Majority Judgment: Measuring,
Ranking, and Electing* (MIT Press, 2011); docs/decisions/majority-judgment.md explains them.

Vocabulary
    *Ballot*: what one member handed in; it grades some or all proposals on the seven-grade scale
    of :mod:`maillage.democracy.grades`. *Merit profile* of a proposal: how many ballots gave it
    each grade. *Majority grade*: the middlemost grade of the profile; with an even number of
    grades, the **lower** of the two middlemost (Balinski–Laraki's convention: the grade that an
    absolute majority judges it to deserve *at least*, and that a majority — possibly exactly half
    — judges it to deserve *at most*). *Majority value*: the sequence of majority grades obtained
    by repeatedly removing one majority grade from the profile; proposals are ranked by comparing
    their majority values lexicographically. *Majority gauge* ``(p, α, q)``: the majority grade α
    with the shares of grades strictly above (p) and strictly below (q); the grade reads "α+"
    when p > q and "α−" otherwise. It explains most rankings at a glance and is what the results
    page shows; the ranking itself always uses the full majority value.

Missing grades
    A ballot may leave a proposal ungraded. :class:`MissingGradeRule` says what that means, chosen
    by the organisers before the vote: by default (``AS_REJECT``) it counts as "À rejeter", which
    keeps every proposal judged by the same electorate and stops a proposal known by a few
    enthusiasts from beating one known by everybody; with ``IGNORE`` each proposal is judged by
    those who graded it, its profile counted in shares of its own graders.

How the ranking is computed without removing voters one by one
    Sort one proposal's ``n`` grades ascending, g[0] ≤ … ≤ g[n-1]. Removing the lower median
    again and again reads that array outwards from its centre c = (n-1)/2: positions are read in
    increasing distance from c and, at equal distance, the lower position first (for n = 5: 2, 1,
    3, 0, 4; for n = 4: 1, 2, 0, 3). So two proposals judged by the same number of ballots compare
    at the position nearest the centre where their sorted arrays differ, and that array is a
    step function given by the cumulative counts: walking down and up from the centre run by run
    takes at most 7 steps each way, whatever the number of ballots. Reading a profile in which
    every ballot is replaced by k identical copies gives the same comparisons, so profiles with
    different numbers of grades (the ``IGNORE`` rule) are compared after scaling all of them to
    a common multiple of their sizes, which is exactly a comparison of shares.

Ties
    Two proposals tie only when their (scaled) profiles are identical: every grade has then been
    removed without separating them. Tied proposals share a rank (competition ranking: 1, 2, 2,
    4) and are listed in the order the proposals were given, which for the ballot export is the
    order of its columns. A proposal that nobody graded (possible under ``IGNORE``, or when there
    are no ballots) has no majority grade and ranks after every graded proposal.
"""

from __future__ import annotations

import csv
import math
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cmp_to_key
from typing import Final, Generic, TypeVar

from maillage.democracy.grades import (
    GRADE_COUNT,
    GRADE_KEYS,
    SCALE,
    Grade,
    validate_grade,
)

__all__ = [
    "RECEIPT_HEADER",
    "BallotExport",
    "BallotExportError",
    "MajorityGauge",
    "MeritProfile",
    "MissingGradeRule",
    "ProposalResult",
    "Tally",
    "compare_profiles",
    "parse_ballot_export",
    "tally_ballot_export",
    "tally_ballots",
    "tally_grades",
    "tally_profiles",
]

P = TypeVar("P", bound=Hashable)

#: Name of the first column of the anonymous ballot export.
RECEIPT_HEADER: Final = "receipt"

_GRADES: Final = range(GRADE_COUNT)
# Types whose equality with a small int is plain integer equality, so that list.count() can be
# trusted; anything else (bool, float, numpy scalars, str…) goes through validate_grade().
_PLAIN_TYPES: Final = frozenset({int, Grade, type(None)})


class MissingGradeRule(StrEnum):
    """What a ballot that leaves a proposal ungraded means; chosen by the organisers."""

    #: The missing grade counts as "À rejeter" (Balinski and Laraki's recommendation; default).
    AS_REJECT = "as_reject"
    #: The missing grade is not counted: each proposal is judged by those who graded it.
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        """French description of the rule, for the published results."""
        if self is MissingGradeRule.AS_REJECT:
            return "Une mention manquante compte comme « À rejeter »"
        return "Les mentions manquantes sont ignorées"


@dataclass(frozen=True, slots=True)
class MajorityGauge:
    """The majority gauge ``(p, α, q)`` of a proposal, for display.

    ``above`` and ``below`` count the grades strictly above and strictly below the majority grade
    ``grade`` among ``total`` counted grades. The sign is "+" when more grades lie above than
    below, "−" otherwise (a tie between the two sides reads "−": removing majority grades, the
    side below is reached first).
    """

    grade: Grade
    above: int
    below: int
    total: int

    @property
    def p(self) -> float:
        """Share of grades strictly above the majority grade."""
        return self.above / self.total

    @property
    def q(self) -> float:
        """Share of grades strictly below the majority grade."""
        return self.below / self.total

    @property
    def sign(self) -> int:
        """+1 when p > q, −1 otherwise."""
        return 1 if self.above > self.below else -1

    @property
    def label(self) -> str:
        """The majority grade with its sign, e.g. ``"Assez bien+"`` or ``"Bien−"``."""
        return f"{self.grade.label}{'+' if self.sign > 0 else '−'}"


@dataclass(frozen=True, slots=True)
class MeritProfile:
    """How many counted grades of each value one proposal received.

    ``counts[g]`` is the number of grades ``g`` taken into account (index = grade value, worst
    first) after applying the missing-grade rule: under ``AS_REJECT`` it includes the ``missing``
    ballots in ``counts[0]``; under ``IGNORE`` the ``missing`` ballots are not in ``counts``.
    """

    counts: tuple[int, ...]
    missing: int = 0

    def __post_init__(self) -> None:
        if len(self.counts) != GRADE_COUNT or any(c < 0 for c in self.counts):
            raise ValueError(f"a merit profile has {GRADE_COUNT} non-negative counts")

    @property
    def total(self) -> int:
        """Number of grades counted (the size of the profile)."""
        return sum(self.counts)

    @property
    def shares(self) -> tuple[float, ...]:
        """Share of each grade among the counted grades (all zero for an empty profile)."""
        total = self.total
        return tuple(c / total if total else 0.0 for c in self.counts)

    @property
    def majority_grade(self) -> Grade | None:
        """The lower middlemost grade, or ``None`` when no grade was counted."""
        total = self.total
        if not total:
            return None
        return SCALE[bisect_right(_cumulative(self.counts), (total - 1) // 2)]

    @property
    def gauge(self) -> MajorityGauge | None:
        """The majority gauge, or ``None`` when no grade was counted."""
        grade = self.majority_grade
        if grade is None:
            return None
        below = sum(self.counts[:grade])
        above = sum(self.counts[grade + 1 :])
        return MajorityGauge(grade=grade, above=above, below=below, total=self.total)


@dataclass(frozen=True, slots=True)
class ProposalResult(Generic[P]):
    """One proposal's place in the tally: rank (1 = best; ties share it) and its profile."""

    proposal: P
    rank: int
    profile: MeritProfile
    majority_grade: Grade | None
    gauge: MajorityGauge | None


@dataclass(frozen=True, slots=True)
class Tally(Generic[P]):
    """The outcome of a majority-judgment vote: the ranking and the rule that produced it.

    ``ranking`` lists every proposal, best first; ``ballots`` is the number of ballots counted.
    """

    rule: MissingGradeRule
    ballots: int
    ranking: tuple[ProposalResult[P], ...]

    @property
    def order(self) -> tuple[P, ...]:
        """The proposals, best first (tied proposals in the order they were given)."""
        return tuple(r.proposal for r in self.ranking)

    @property
    def winners(self) -> tuple[P, ...]:
        """The proposals ranked first: one, unless profiles are identical; none if no proposal."""
        return tuple(r.proposal for r in self.ranking if r.rank == 1)

    @property
    def groups(self) -> tuple[tuple[P, ...], ...]:
        """The ranking as groups of equally ranked proposals, best group first."""
        groups: list[list[P]] = []
        previous_rank = 0
        for result in self.ranking:
            if result.rank != previous_rank:
                groups.append([])
                previous_rank = result.rank
            groups[-1].append(result.proposal)
        return tuple(tuple(g) for g in groups)

    def result(self, proposal: P) -> ProposalResult[P]:
        """The result of one proposal; ``KeyError`` if it was not in the vote."""
        for result in self.ranking:
            if result.proposal == proposal:
                return result
        raise KeyError(proposal)


# --- ranking ---------------------------------------------------------------------------------


def _cumulative(counts: Sequence[int], scale: int = 1) -> tuple[int, ...]:
    """``cum[g]`` = number of grades ≤ g, each count multiplied by ``scale``."""
    total = 0
    cum = []
    for c in counts:
        total += c * scale
        cum.append(total)
    return tuple(cum)


def _compare_cumulative(a: tuple[int, ...], b: tuple[int, ...], size: int) -> int:
    """Compare two profiles of the same ``size`` by majority value: 1 if a ranks above b.

    The grade at sorted position i is ``bisect_right(cum, i)``. Both sides of the centre are
    walked run by run (a run being the positions sharing a grade in both profiles), so the cost
    is at most ``GRADE_COUNT`` steps per side, independent of ``size``.
    """
    middle = (size - 1) // 2  # the lower median's position
    # Downwards from the lower median: first position where the grades differ, or -1.
    low = -1
    i = middle
    while i >= 0:
        grade = bisect_right(a, i)
        if grade != bisect_right(b, i):
            low = i
            break
        i = (max(a[grade - 1], b[grade - 1]) if grade else 0) - 1
    # Upwards from just above the lower median: first position where they differ, or size.
    high = size
    i = middle + 1
    while i < size:
        grade = bisect_right(a, i)
        if grade != bisect_right(b, i):
            high = i
            break
        i = min(a[grade], b[grade])
    if low < 0 and high >= size:
        return 0
    # Nearest the centre (size - 1) / 2 is read first; at equal distance, the lower position.
    position = low if low >= 0 and (high >= size or low + high >= size - 1) else high
    return 1 if bisect_right(a, position) > bisect_right(b, position) else -1


def compare_profiles(a: MeritProfile, b: MeritProfile) -> int:
    """Compare two merit profiles by majority value: 1 if ``a`` ranks above ``b``, -1, or 0.

    Profiles of different sizes are compared by shares (each scaled to a common multiple of the
    two sizes). An empty profile ranks below any non-empty one.
    """
    size_a, size_b = a.total, b.total
    if not size_a or not size_b:
        return (size_a > 0) - (size_b > 0)
    size = math.lcm(size_a, size_b)
    return _compare_cumulative(
        _cumulative(a.counts, size // size_a), _cumulative(b.counts, size // size_b), size
    )


def _rank(proposals: Sequence[P], profiles: Sequence[MeritProfile]) -> list[tuple[int, int]]:
    """Return ``(index, rank)`` pairs, best first; ties keep the input order."""
    sizes = [p.total for p in profiles]
    common = math.lcm(*(s for s in sizes if s)) if any(sizes) else 1
    cums = [
        _cumulative(p.counts, common // s if s else 0) for p, s in zip(profiles, sizes, strict=True)
    ]

    def compare(i: int, j: int) -> int:
        if not sizes[i] or not sizes[j]:
            return (sizes[j] > 0) - (sizes[i] > 0)
        # Descending order: the better proposal must sort first.
        return _compare_cumulative(cums[j], cums[i], common)

    order = sorted(range(len(proposals)), key=cmp_to_key(compare))  # stable: ties keep order
    ranked: list[tuple[int, int]] = []
    for position, index in enumerate(order):
        if position and compare(order[position - 1], index) == 0:
            ranked.append((index, ranked[-1][1]))
        else:
            ranked.append((index, position + 1))
    return ranked


def _tally(
    proposals: Sequence[P],
    given: Sequence[Sequence[int]],
    missing: Sequence[int],
    ballots: int,
    rule: MissingGradeRule,
) -> Tally[P]:
    """Apply the missing-grade rule to validated counts and rank the proposals."""
    rule = MissingGradeRule(rule)
    profiles = []
    for counts, absent in zip(given, missing, strict=True):
        counts = tuple(counts)
        if rule is MissingGradeRule.AS_REJECT and absent:
            counts = (counts[0] + absent, *counts[1:])
        profiles.append(MeritProfile(counts=counts, missing=absent))
    ranking = tuple(
        ProposalResult(
            proposal=proposals[index],
            rank=rank,
            profile=profiles[index],
            majority_grade=profiles[index].majority_grade,
            gauge=profiles[index].gauge,
        )
        for index, rank in _rank(proposals, profiles)
    )
    return Tally(rule=rule, ballots=ballots, ranking=ranking)


def _ballot_count(ballots: int | None, sizes: Mapping[P, int]) -> int:
    """The number of ballots: given, or the largest number of ballots seen for one proposal."""
    if ballots is None:
        return max(sizes.values(), default=0)
    if isinstance(ballots, bool) or not isinstance(ballots, int) or ballots < 0:
        raise ValueError(f"ballots must be a non-negative integer, not {ballots!r}")
    for proposal, size in sizes.items():
        if size > ballots:
            raise ValueError(
                f"proposal {proposal!r}: {size} grades or ballots for {ballots} ballots cast"
            )
    return ballots


# --- public entry points ---------------------------------------------------------------------


def tally_profiles(
    profiles: Mapping[P, Sequence[int] | Mapping[int, int]],
    *,
    ballots: int | None = None,
    missing_grades: MissingGradeRule = MissingGradeRule.AS_REJECT,
) -> Tally[P]:
    """Tally from merit profiles: per proposal, how many ballots gave each grade.

    A profile is either a sequence of 7 counts (index = grade value, "À rejeter" first) or a
    mapping grade → count (absent grades count 0). It holds the grades actually given;
    ``ballots`` is the number of ballots cast, and each proposal's missing grades are the
    difference (by default, the largest profile's size, so that no grade is missing). This is
    the entry point for a database aggregate ``GROUP BY proposal, grade``.

    Raises ``ValueError`` naming the proposal for a grade outside the scale, a count that is not
    a non-negative integer, or a profile larger than ``ballots``.
    """
    proposals = list(profiles)
    given: list[list[int]] = []
    for proposal in proposals:
        counts = [0] * GRADE_COUNT
        raw = profiles[proposal]
        if isinstance(raw, Mapping):
            items = list(raw.items())
        else:
            if isinstance(raw, (str, bytes)) or len(raw) != GRADE_COUNT:
                raise ValueError(
                    f"proposal {proposal!r}: a merit profile lists {GRADE_COUNT} counts, "
                    f"from {SCALE[0].label} to {SCALE[-1].label}; got {raw!r}"
                )
            items = list(enumerate(raw))
        for grade, count in items:
            grade = validate_grade(grade, proposal=proposal)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(
                    f"proposal {proposal!r}: the count of grade {grade.label!r} must be a "
                    f"non-negative integer, not {count!r}"
                )
            counts[grade] += count
        given.append(counts)
    sizes = {p: sum(c) for p, c in zip(proposals, given, strict=True)}
    cast = _ballot_count(ballots, sizes)
    missing = [cast - sizes[p] for p in proposals]
    return _tally(proposals, given, missing, cast, missing_grades)


def _count(values: Sequence[object], proposal: Hashable) -> tuple[list[int], int]:
    """Count one proposal's grades (``None`` = not graded): ``(counts per grade, missing)``.

    The common case (only ints, Grade members and None) is counted at C speed; the type check
    comes first because ``Counter`` would merge ``4.0`` or ``True`` into the int keys. Anything
    else is checked value by value, so that the error names the first offending value.
    """
    if set(map(type, values)) <= _PLAIN_TYPES:
        tally = Counter(values)
        missing = tally.pop(None, 0)
        if all(0 <= grade < GRADE_COUNT for grade in tally):  # type: ignore[operator]
            return [tally[g] for g in _GRADES], missing
    counts = [0] * GRADE_COUNT
    missing = 0
    for value in values:
        if value is None:
            missing += 1
        else:
            counts[validate_grade(value, proposal=proposal)] += 1
    return counts, missing


def tally_grades(
    grades: Mapping[P, Iterable[int | None]],
    *,
    ballots: int | None = None,
    missing_grades: MissingGradeRule = MissingGradeRule.AS_REJECT,
) -> Tally[P]:
    """Tally from the grades given to each proposal, one entry per ballot.

    ``grades[proposal]`` holds the grade (0–6 or a :class:`Grade`) each ballot gave, ``None``
    where a ballot left it ungraded. The lists may be shorter than ``ballots`` (by default the
    longest list's length): the ballots not listed left the proposal ungraded, so under
    ``IGNORE`` it is enough to list the grades actually given.

    Raises ``ValueError`` naming the proposal and the value for anything that is not a grade.
    """
    proposals = list(grades)
    given: list[list[int]] = []
    absent: list[int] = []
    sizes: dict[P, int] = {}
    for proposal in proposals:
        values = grades[proposal]
        if not isinstance(values, (list, tuple)):
            values = list(values)
        counts, missing = _count(values, proposal)
        given.append(counts)
        absent.append(missing)
        sizes[proposal] = len(values)
    cast = _ballot_count(ballots, sizes)
    missing_total = [a + cast - sizes[p] for p, a in zip(proposals, absent, strict=True)]
    return _tally(proposals, given, missing_total, cast, missing_grades)


def tally_ballots(
    ballots: Iterable[Mapping[P, int | None]],
    proposals: Iterable[P],
    *,
    missing_grades: MissingGradeRule = MissingGradeRule.AS_REJECT,
) -> Tally[P]:
    """Tally from whole ballots: each maps proposal → grade (absent or ``None``: not graded).

    ``proposals`` lists every proposal of the vote, in their published order (which orders
    ties). A ballot grading a proposal that is not in the list is refused with a ``ValueError``,
    as is any value that is not a grade.
    """
    names = list(proposals)
    known = set(names)
    if len(known) != len(names):
        duplicates = sorted({repr(p) for p in names if names.count(p) > 1})
        raise ValueError(f"proposals listed twice: {', '.join(duplicates)}")
    cast = list(ballots)
    for number, ballot in enumerate(cast, start=1):
        if not known.issuperset(ballot):
            unknown = sorted(repr(p) for p in ballot.keys() - known)
            raise ValueError(f"ballot {number} grades unknown proposal(s): {', '.join(unknown)}")
    columns = {p: [ballot.get(p) for ballot in cast] for p in names}
    return tally_grades(columns, ballots=len(cast), missing_grades=missing_grades)


# --- the anonymous ballot export -------------------------------------------------------------


class BallotExportError(ValueError):
    """A ballot export that cannot be read, located as precisely as possible.

    ``line`` is the 1-based line of the file, ``column`` the 1-based column (the receipt is
    column 1), ``header`` that column's name, ``value`` the offending cell.
    """

    def __init__(
        self,
        reason: str,
        *,
        line: int,
        column: int | None = None,
        header: str | None = None,
        value: str | None = None,
    ) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.header = header
        self.value = value
        where = f"line {line}"
        if column is not None:
            where += f", column {column}"
            if header is not None:
                where += f" ({header!r})"
        what = f"value {value!r}: " if value is not None else ""
        super().__init__(f"{where}: {what}{reason}")


@dataclass(frozen=True, slots=True)
class BallotExport:
    """A parsed anonymous ballot export, reduced to what the tally needs.

    ``proposals`` are the proposal ids of the header, in column order; ``receipts`` the ballot
    receipts, in file order (a member can check that their receipt is there);
    ``profiles[proposal]`` the counts of grades given (index = grade value) and
    ``missing[proposal]`` the number of empty cells.
    """

    proposals: tuple[str, ...]
    receipts: tuple[str, ...]
    profiles: Mapping[str, tuple[int, ...]]
    missing: Mapping[str, int]

    @property
    def ballots(self) -> int:
        """Number of ballots in the export."""
        return len(self.receipts)

    def tally(self, *, missing_grades: MissingGradeRule = MissingGradeRule.AS_REJECT) -> Tally[str]:
        """Tally the exported ballots under the given missing-grade rule."""
        return _tally(
            self.proposals,
            [self.profiles[p] for p in self.proposals],
            [self.missing[p] for p in self.proposals],
            self.ballots,
            missing_grades,
        )


_CELL_VALUES: Final = frozenset(GRADE_KEYS) | {""}
_EXPECTED_CELL: Final = f"expected a grade key ({', '.join(GRADE_KEYS)}) or an empty cell"


def parse_ballot_export(lines: Iterable[str]) -> BallotExport:
    """Read the anonymous ballot export: header ``receipt,<proposal ids...>``, one row per ballot.

    Each cell is a grade key (``a_rejeter`` … ``excellent``) or empty when the ballot left that
    proposal ungraded. ``lines`` is an open text file (opened with ``newline=""``) or any
    iterable of CSV lines. Blank lines are skipped; a UTF-8 byte-order mark is tolerated.

    Raises :class:`BallotExportError` (a ``ValueError``) giving line, column, value and reason
    for: a missing or malformed header, an empty or duplicate proposal id, a row with the wrong
    number of cells, an empty or duplicate receipt, a cell that is not a grade key, a CSV
    quoting error.
    """
    reader = csv.reader(lines, strict=True)
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise BallotExportError(
                f"empty file; expected the header '{RECEIPT_HEADER},<proposal ids...>'", line=1
            ) from None
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        if not header or header[0] != RECEIPT_HEADER:
            raise BallotExportError(
                f"the first column must be named {RECEIPT_HEADER!r}",
                line=reader.line_num,
                column=1,
                value=header[0] if header else "",
            )
        proposals = header[1:]
        if not proposals:
            raise BallotExportError("the header names no proposal", line=reader.line_num)
        seen: dict[str, int] = {}
        for number, proposal in enumerate(proposals, start=2):
            if not proposal:
                raise BallotExportError("empty proposal id", line=reader.line_num, column=number)
            if proposal in seen:
                raise BallotExportError(
                    f"proposal id already used by column {seen[proposal]}",
                    line=reader.line_num,
                    column=number,
                    value=proposal,
                )
            seen[proposal] = number
        width = len(header)
        rows: list[list[str]] = []
        line_numbers: list[int] = []
        for row in reader:
            if not row:
                continue
            if len(row) != width:
                raise BallotExportError(
                    f"{len(row)} cells where the header has {width}", line=reader.line_num
                )
            rows.append(row)
            line_numbers.append(reader.line_num)
    except csv.Error as error:
        raise BallotExportError(f"malformed CSV: {error}", line=reader.line_num) from None

    columns: list[tuple[str, ...]] = list(zip(*rows, strict=True)) if rows else [()] * width
    receipts = columns[0]
    if len(set(receipts)) != len(receipts) or "" in receipts:
        first_seen: dict[str, int] = {}
        for receipt, line in zip(receipts, line_numbers, strict=True):
            if not receipt:
                raise BallotExportError("empty receipt", line=line, column=1, header=RECEIPT_HEADER)
            if receipt in first_seen:
                raise BallotExportError(
                    f"receipt already on line {first_seen[receipt]}",
                    line=line,
                    column=1,
                    header=RECEIPT_HEADER,
                    value=receipt,
                )
            first_seen[receipt] = line
    profiles: dict[str, tuple[int, ...]] = {}
    missing: dict[str, int] = {}
    for number, (proposal, cells) in enumerate(zip(proposals, columns[1:], strict=True), start=2):
        counter = Counter(cells)
        if not counter.keys() <= _CELL_VALUES:
            for cell, line in zip(cells, line_numbers, strict=True):
                if cell not in _CELL_VALUES:
                    raise BallotExportError(
                        _EXPECTED_CELL, line=line, column=number, header=proposal, value=cell
                    )
        profiles[proposal] = tuple(counter[key] for key in GRADE_KEYS)
        missing[proposal] = counter[""]
    return BallotExport(
        proposals=tuple(proposals), receipts=tuple(receipts), profiles=profiles, missing=missing
    )


def tally_ballot_export(
    lines: Iterable[str],
    *,
    missing_grades: MissingGradeRule = MissingGradeRule.AS_REJECT,
) -> Tally[str]:
    """Recompute published results from the anonymous ballot export (see parse_ballot_export)."""
    return parse_ballot_export(lines).tally(missing_grades=missing_grades)


def _format(tally: Tally[str]) -> str:
    """A plain-text results table, as printed by the command line."""
    lines = [
        f"{tally.ballots} bulletins — {tally.rule.label}",
        "rang\tproposition\tmention majoritaire\tp (au-dessus)\tq (en dessous)\t"
        + "\t".join(g.label for g in SCALE),
    ]
    for r in tally.ranking:
        gauge = r.gauge
        lines.append(
            "\t".join(
                [
                    str(r.rank),
                    str(r.proposal),
                    gauge.label if gauge else "—",
                    f"{gauge.p:.2%}" if gauge else "—",
                    f"{gauge.q:.2%}" if gauge else "—",
                    *(str(c) for c in r.profile.counts),
                ]
            )
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m maillage.democracy.majority_judgment EXPORT.csv [--ignore-missing]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    rule = MissingGradeRule.AS_REJECT
    if "--ignore-missing" in args:
        args.remove("--ignore-missing")
        rule = MissingGradeRule.IGNORE
    if len(args) != 1:
        print(main.__doc__, file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8", newline="") as export:
            tally = tally_ballot_export(export, missing_grades=rule)
    except (OSError, ValueError) as error:
        print(f"{args[0]}: {error}", file=sys.stderr)
        return 1
    print(_format(tally))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
