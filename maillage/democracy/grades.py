"""The seven-grade French scale used by majority judgment, and grade validation.

The scale is the one popularised by Balinski and Laraki for French electorates, from worst to
best: À rejeter, Insuffisant, Passable, Assez bien, Bien, Très bien, Excellent. A grade is an
:class:`int` from 0 (À rejeter) to 6 (Excellent); :class:`Grade` names those ints. Each grade
also has a stable ASCII key (``"a_rejeter"`` … ``"excellent"``) used in stored data and in the
anonymous ballot export, and its French label, which is the name of the grade itself (the
interface may translate around it, never the key).

Pure Python, no Django import: the tally and its benchmark run without settings.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import IntEnum
from typing import Final


class Grade(IntEnum):
    """One grade of the scale; its value is its rank, 0 (worst) to 6 (best)."""

    A_REJETER = 0
    INSUFFISANT = 1
    PASSABLE = 2
    ASSEZ_BIEN = 3
    BIEN = 4
    TRES_BIEN = 5
    EXCELLENT = 6

    @property
    def key(self) -> str:
        """Stable ASCII identifier, e.g. ``"assez_bien"``; used in exports and storage."""
        return _KEYS[self]

    @property
    def label(self) -> str:
        """French label, e.g. ``"Assez bien"``."""
        return _LABELS[self]


_KEYS: Final[dict[int, str]] = {
    Grade.A_REJETER: "a_rejeter",
    Grade.INSUFFISANT: "insuffisant",
    Grade.PASSABLE: "passable",
    Grade.ASSEZ_BIEN: "assez_bien",
    Grade.BIEN: "bien",
    Grade.TRES_BIEN: "tres_bien",
    Grade.EXCELLENT: "excellent",
}
_LABELS: Final[dict[int, str]] = {
    Grade.A_REJETER: "À rejeter",
    Grade.INSUFFISANT: "Insuffisant",
    Grade.PASSABLE: "Passable",
    Grade.ASSEZ_BIEN: "Assez bien",
    Grade.BIEN: "Bien",
    Grade.TRES_BIEN: "Très bien",
    Grade.EXCELLENT: "Excellent",
}

#: The scale, worst grade first. ``SCALE[g]`` is the grade whose value is ``g``.
SCALE: Final[tuple[Grade, ...]] = tuple(Grade)
#: Number of grades on the scale (7).
GRADE_COUNT: Final[int] = len(SCALE)
#: The worst grade, which a missing grade counts as under the default rule.
WORST: Final[Grade] = Grade.A_REJETER
#: Stable keys, worst first, e.g. for a form's choices or the export's documentation.
GRADE_KEYS: Final[tuple[str, ...]] = tuple(g.key for g in SCALE)
#: Key → grade, for parsing stored data and the ballot export.
GRADE_BY_KEY: Final[dict[str, Grade]] = {g.key: g for g in SCALE}


def grade_from_key(key: str) -> Grade:
    """Return the grade whose stable key is ``key``; ``ValueError`` if there is none."""
    try:
        return GRADE_BY_KEY[key]
    except (KeyError, TypeError):
        raise ValueError(
            f"{key!r} is not a grade key; expected one of: {', '.join(GRADE_KEYS)}"
        ) from None


def validate_grade(value: object, *, proposal: Hashable) -> Grade:
    """Return ``value`` as a :class:`Grade`, or raise ``ValueError`` naming proposal and value.

    Only real integers 0 to 6 (or :class:`Grade` members) are grades: a ``bool``, a float such as
    ``4.0`` or a string such as ``"4"`` is refused rather than guessed, because a tally must
    never silently reinterpret what a ballot says.
    """
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < GRADE_COUNT:
        return SCALE[value]
    raise ValueError(
        f"proposal {proposal!r}: grade {value!r} is not on the scale "
        f"(an integer from 0 = {SCALE[0].label} to {GRADE_COUNT - 1} = {SCALE[-1].label})"
    )
