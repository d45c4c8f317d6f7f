"""The directory's SIRENs in memory, and identifier checks done a batch at a time (numpy).

The establishment pass keeps only establishments of units in the directory. Asking the
database batch after batch costs a round trip per batch and makes every line be decoded and
parsed first; instead the SIRENs of all organisations are loaded once into two sorted numpy
arrays (about 18 bytes per organisation: 13 MB for 700,000), and a block's raw lines are
tested on their first ten bytes (``123456789,``) before anything else is done with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import connection

from maillage.directory.validators import LA_POSTE_SIREN, siret_valid

SIREN_LENGTH = 9
_CHUNK = 20_000


class SirenIndex:
    """Organisation ids by SIREN, for every organisation of the directory that has one."""

    def __init__(self, sirens: Sequence[str], ids: Sequence[int], delimiter: str) -> None:
        self.delimiter = delimiter.encode("ascii")
        keys = np.array(
            [s.encode("ascii", "replace") + self.delimiter for s in sirens],
            dtype=f"S{SIREN_LENGTH + 1}",
        )
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.ids = np.asarray(ids, dtype=np.int64)[order]

    @classmethod
    def load(cls, delimiter: str) -> SirenIndex:
        """Read (SIREN, id) of every organisation, in chunks."""
        from maillage.directory.models import Organisation

        table = connection.ops.quote_name(Organisation._meta.db_table)
        sirens: list[str] = []
        ids: list[int] = []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT siren, id FROM {table} WHERE siren IS NOT NULL AND siren <> ''"  # noqa: S608
            )
            while rows := cursor.fetchmany(_CHUNK):
                for siren, pk in rows:
                    if len(siren) == SIREN_LENGTH:
                        sirens.append(siren)
                        ids.append(pk)
        return cls(sirens, ids, delimiter)

    def __len__(self) -> int:
        return len(self.keys)

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found?, position in the index) for each key."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.intp)
        where = np.searchsorted(self.keys, keys)
        where[where == len(self.keys)] = 0
        return self.keys[where] == keys, where

    def prefilter(self, records: list[bytes]) -> list[bool]:
        """For raw lines starting with the SIREN column: keep those of the directory's units,
        and those that do not start with nine digits and the delimiter (so that a broken line
        is still parsed and reported); drop the rest unread."""
        heads = np.array([r[: SIREN_LENGTH + 1] for r in records], dtype=f"S{SIREN_LENGTH + 1}")
        found, _where = self._find(heads)
        raw = heads.view(np.uint8).reshape(len(heads), SIREN_LENGTH + 1)
        digits = raw[:, :SIREN_LENGTH]
        looks_like_siren = ((digits >= 0x30) & (digits <= 0x39)).all(axis=1) & (
            raw[:, SIREN_LENGTH] == self.delimiter[0]
        )
        return (found | ~looks_like_siren).tolist()

    def ids_for(self, sirens: Sequence[str]) -> list[int | None]:
        """The organisation id of each SIREN, None when it is not in the directory."""
        if not sirens:
            return []
        keys = np.array(
            [s.encode("ascii", "replace")[:SIREN_LENGTH] + self.delimiter for s in sirens],
            dtype=f"S{SIREN_LENGTH + 1}",
        )
        found, where = self._find(keys)
        ids = self.ids[where].tolist()
        return [pk if ok else None for pk, ok in zip(ids, found.tolist(), strict=True)]


def luhn_valid(values: Sequence[str], length: int) -> list[bool]:
    """Whether each value is ``length`` ASCII digits with a valid Luhn key (vectorised)."""
    shaped = [len(v) == length and v.isascii() and v.isdigit() for v in values]
    candidates = [v for v, ok in zip(values, shaped, strict=True) if ok]
    if not candidates:
        return shaped
    digits = np.frombuffer("".join(candidates).encode("ascii"), dtype=np.uint8).reshape(
        len(candidates), length
    ) - np.uint8(0x30)
    doubled = digits[:, length - 2 :: -2].astype(np.int16) * 2
    total = digits[:, length - 1 :: -2].sum(axis=1, dtype=np.int64) + (
        doubled - 9 * (doubled > 9)
    ).sum(axis=1, dtype=np.int64)
    valid = iter((total % 10 == 0).tolist())
    return [ok and next(valid) for ok in shaped]


def sirets_valid(values: Sequence[str]) -> list[bool]:
    """Same answers as ``validators.siret_valid`` (La Poste's rule delegated to it)."""
    valid = luhn_valid(values, 14)
    for position, value in enumerate(values):
        if value.startswith(LA_POSTE_SIREN):
            valid[position] = siret_valid(value)
    return valid


def field_spans(
    records: list[bytes], delimiter: bytes, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(bytes, field starts, field ends) of records holding no quote: one row each, ``width``
    fields; None when a record holds a quote or has another number of fields (the caller then
    parses them all).

    The positions of every delimiter and line end of the block are found in one numpy pass, so
    that a few columns can be read without splitting the lines in Python.
    """
    data = b"".join(records)
    if b'"' in data:
        return None
    if not data.endswith(b"\n"):
        data += b"\n"
    raw = np.frombuffer(data, dtype=np.uint8)
    separators = np.flatnonzero((raw == delimiter[0]) | (raw == 0x0A))
    if len(separators) != len(records) * width:
        return None
    ends = separators.reshape(len(records), width)
    starts = np.empty_like(ends)
    starts[:, 1:] = ends[:, :-1] + 1
    starts[0, 0] = 0
    starts[1:, 0] = ends[:-1, -1] + 1
    last = ends[:, -1]
    ends[:, -1] -= (last > starts[:, -1]) & (raw[last - 1] == 0x0D)  # "\r\n" line ends
    return raw, starts, ends


def column_codes(
    spans: tuple[np.ndarray, np.ndarray, np.ndarray], column: int, length: int
) -> np.ndarray:
    """A column's values read as base-256 integers when exactly ``length`` bytes, else -1.

    "5458" and "O" become integers comparable with ``code_of``.
    """
    raw, starts, ends = spans
    start, size = starts[:, column], ends[:, column] - starts[:, column]
    codes = np.zeros(len(start), dtype=np.int64)
    safe = np.where(size == length, start, 0)
    for offset in range(length):
        codes = codes * 256 + raw[np.minimum(safe + offset, len(raw) - 1)]
    codes[size != length] = -1
    return codes


def code_of(value: str) -> int:
    """The integer ``column_codes`` gives for an ASCII value."""
    code = 0
    for byte in value.encode("ascii"):
        code = code * 256 + byte
    return code
