"""Reading input files in constant memory: encoding detection, CSV and XLSX rows, headers.

Every reader yields ``(line, values)`` where ``line`` is the number a person sees in a text
editor (CSV, 1 = header) or in a spreadsheet (XLSX row number), so that error reports point
at the right place.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
SAMPLE_BYTES = 4 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")


class FileRefused(Exception):
    """The whole file cannot be read (missing header, unreadable file…): nothing is written."""


def detect_encoding(path: Path) -> str:
    """``utf-8`` (or ``utf-8-sig`` with a BOM) when the first megabytes decode, else cp1252.

    Latin-1 is the last resort: cp1252 leaves five bytes undefined, Latin-1 none.
    """
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is not a wrong byte.
        if exc.start >= len(sample) - 3 and len(sample) == SAMPLE_BYTES:
            return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


# Bytes that do not decode are let through as lone surrogates (like "surrogateescape") and
# counted, so that decoding stays at C speed and only blocks decoded after a failure are
# searched for the culprit (see CsvRows).
_BAD_BYTES = [0]
_SURROGATE = re.compile("[\udc80-\udcff]")


def _record_bad_byte(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _BAD_BYTES[0] += 1
    return chr(0xDC00 + exc.object[exc.start]), exc.start + 1


codecs.register_error("maillage-import", _record_bad_byte)


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of , ; tab | in the header line (comma when none appears)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: header names compared tolerantly."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    out = []
    for char in text.lower():
        out.append(char if char.isalnum() else " ")
    return " ".join("".join(out).split())


@dataclass
class Header:
    """Positions of the wanted columns, found by name (see ``Header.find``)."""

    names: list[str]
    index: dict[str, int]

    @classmethod
    def find(
        cls,
        names: list[str],
        wanted: dict[str, tuple[str, ...]],
        required: Iterable[str | tuple[str, ...]],
        source: str,
    ) -> Header:
        """Map each wanted field to the position of the first header matching one of its names.

        Names are compared folded (case, accents and punctuation ignored). ``required`` lists
        fields, or tuples of fields of which one is enough ("SIREN or SIRET"). A missing one
        refuses the file, naming what is missing and listing what was found.
        """
        folded = [fold(name) for name in names]
        index: dict[str, int] = {}
        for key, aliases in wanted.items():
            for alias in aliases:
                target = fold(alias)
                if target in folded:
                    index[key] = folded.index(target)
                    break
        missing = []
        for need in required:
            options = need if isinstance(need, tuple) else (need,)
            if not any(option in index for option in options):
                missing.append(" ou ".join(wanted[option][0] for option in options))
        if missing:
            found = ", ".join(name for name in names if name.strip()) or "(aucune)"
            raise FileRefused(
                f"{source} : colonne(s) obligatoire(s) absente(s) de l'en-tête : "
                f"{', '.join(missing)}. Colonnes trouvées : {found}."
            )
        return cls(names=names, index=index)

    def get(self, key: str) -> int | None:
        return self.index.get(key)


# A quoted field left open (a stray quote) is given up after this many lines.
MAX_RECORD_LINES = 200
# What a prefilter gets (the raw records of a block) and returns (one truth value each).
Prefilter = Callable[[list[bytes]], Sequence[bool]]


@dataclass
class Block:
    """Rows read in one go: each kept row with the line it ends on, and what could not be read.

    ``records`` counts the rows read, kept or not (blank lines left out); ``last_line`` and
    ``position`` say where the block ends: the place to resume from (a byte offset for CSV, a
    row number for XLSX).
    """

    lines: list[int]
    rows: list[list[str]]
    bad: dict[int, str]
    records: int
    last_line: int
    position: int


def _record_is_open(raw: bytes, delimiter: str) -> bool:
    """Whether these bytes end inside a quoted field, so that the record goes on below.

    Decoded as Latin-1, which keeps every ASCII byte (quote, delimiter, line break) in place
    whatever the file's real encoding.
    """
    try:
        for _row in csv.reader([raw.decode("latin-1")], delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


class CsvRows:
    """Rows of a CSV file, read in blocks of raw lines after its header (delimiter sniffed).

    Lines are read as bytes, and a *prefilter* may drop records on their first bytes before
    any decoding or parsing (SIRENE establishments of units outside the directory: most of
    the file). Kept records are decoded, then parsed by the C CSV reader, one block at a time.
    A record spans several lines only when a quoted field holds a line break; a row's line is
    the physical line on which it ends, as a text editor numbers it (1 = header). A row that
    holds an undecodable byte is not returned: its line is in the block's ``bad``, with the
    byte and its offset in the file.
    """

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        self.encoding = encoding or detect_encoding(path)
        self._codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        codecs.lookup(self._codec)
        self.size = path.stat().st_size
        self._handle = path.open("rb")
        raw = self._handle.readline()
        self.offset = len(raw)
        self.line = 1
        self._skip = 0
        if raw.startswith(UTF8_BOM) and self._codec == "utf-8":
            raw = raw[len(UTF8_BOM) :]
        try:
            header_line = raw.decode(self._codec)
        except UnicodeDecodeError:
            self.close()
            raise FileRefused(
                f"{path.name} : en-tête illisible en {self.encoding} ; passez --encoding."
            ) from None
        if not header_line.strip():
            self.close()
            raise FileRefused(f"{path.name} : fichier vide, pas de ligne d'en-tête.")
        self.delimiter = sniff_delimiter(header_line)
        self.header = next(csv.reader([header_line], delimiter=self.delimiter))

    def skip_to(self, line: int, position: int | None = None) -> None:
        """Resume after ``line``: straight from ``position`` (its end offset) when known, else
        the records up to it are read again but not returned."""
        if position:
            self._handle.seek(position)
            self.offset = position
            self.line = line
        else:
            self._skip = line

    def read_block(self, max_lines: int, prefilter: Prefilter | None = None) -> Block | None:
        """The next ``max_lines`` lines (a few more to finish a record), or None at the end."""
        raw = list(islice(self._handle, max(max_lines, 1)))
        if not raw:
            return None
        first = self.line + 1
        start = self.offset
        physical = records = raw
        ends: Sequence[int] = range(first, first + len(raw))
        firsts: Sequence[int] = range(len(raw))
        if b'"' in b"".join(raw):
            physical, records, ends, firsts = self._assemble(raw, first)
        self.line += len(physical)
        self.offset += sum(map(len, physical))
        selected: Sequence[int] = range(len(records))
        if self._skip:
            selected = [i for i in selected if ends[i] > self._skip]
            if selected:
                self._skip = 0
        read = len(selected)
        if prefilter is not None and selected:
            mask = prefilter([records[i] for i in selected])
            selected = [i for i, ok in zip(selected, mask, strict=True) if ok]
        lines = [ends[i] for i in selected]
        seen = _BAD_BYTES[0]
        texts = [records[i].decode(self._codec, "maillage-import") for i in selected]
        rows, bad = self._parse(texts, lines)
        if _BAD_BYTES[0] != seen:
            for position, text in enumerate(texts):
                if _SURROGATE.search(text):
                    index = selected[position]
                    bad[ends[index]] = self._bad_byte(
                        records[index], start, physical[: firsts[index]]
                    )
        kept_lines: list[int] = []
        kept_rows: list[list[str]] = []
        for line, row in zip(lines, rows, strict=True):
            if row is None or line in bad:
                continue
            if not row:  # a blank line: not a row
                read -= 1
                continue
            kept_lines.append(line)
            kept_rows.append(row)
        return Block(kept_lines, kept_rows, bad, read, self.line, self.offset)

    def _assemble(
        self, raw: list[bytes], first: int
    ) -> tuple[list[bytes], list[bytes], list[int], list[int]]:
        """Records of a block holding quotes: lines joined while a quoted field is open."""
        physical = list(raw)
        records: list[bytes] = []
        ends: list[int] = []
        firsts: list[int] = []
        pending: list[bytes] = []
        pending_first = 0
        i = 0
        while i < len(physical) or pending:
            if i == len(physical):
                more = self._handle.readline()
                if not more:  # the file ends inside quotes: the parser will say what it can
                    records.append(b"".join(pending))
                    ends.append(first + i - 1)
                    firsts.append(pending_first)
                    break
                physical.append(more)
            line = physical[i]
            i += 1
            if pending:
                pending.append(line)
                if not _record_is_open(b"".join(pending), self.delimiter):
                    records.append(b"".join(pending))
                elif len(pending) > MAX_RECORD_LINES:
                    # A stray quote: its line stands alone, the following ones are read again.
                    records.append(pending[0])
                    i = pending_first + 1
                else:
                    continue
                ends.append(first + i - 1)
                firsts.append(pending_first)
                pending = []
            elif b'"' in line and _record_is_open(line, self.delimiter):
                pending = [line]
                pending_first = i - 1
            else:
                records.append(line)
                ends.append(first + i - 1)
                firsts.append(i - 1)
        return physical, records, ends, firsts

    def _parse(
        self, texts: list[str], lines: list[int]
    ) -> tuple[list[list[str] | None], dict[int, str]]:
        """Parse decoded records (one row each); a record the parser refuses is a bad line."""
        try:
            rows: list[list[str] | None] = list(csv.reader(texts, delimiter=self.delimiter))
            if len(rows) == len(texts):
                return rows, {}
        except csv.Error:
            pass
        rows, bad = [], {}
        for text, line in zip(texts, lines, strict=True):
            try:
                parsed = list(csv.reader([text], delimiter=self.delimiter))
            except csv.Error as exc:
                bad[line] = f"ligne illisible : {exc}"
                rows.append(None)
                continue
            rows.append(parsed[0] if len(parsed) == 1 else None)
            if len(parsed) > 1:
                bad[line] = "ligne illisible : retour à la ligne hors guillemets"
        return rows, bad

    def _bad_byte(self, record: bytes, block_start: int, before: list[bytes]) -> str:
        """Where the first undecodable byte of a record is, for the error report."""
        try:
            record.decode(self._codec)
            where, byte = -1, "??"
        except UnicodeDecodeError as exc:
            where = block_start + sum(map(len, before)) + exc.start
            byte = record[exc.start : exc.start + 1].hex().upper()
        return (
            f"octet 0x{byte} à la position {where} du fichier : pas du {self.encoding} "
            "valide (encodage choisi d'après le début du fichier) ; réenregistrez le fichier "
            "dans un seul encodage ou passez --encoding"
        )

    def close(self) -> None:
        self._handle.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: integers without ``.0``, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


class XlsxRows:
    """Rows of the first sheet of an XLSX workbook, read with openpyxl in read-only mode."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.path = path
        self.encoding = "xlsx"
        self.delimiter = ""
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FileRefused(f"{path.name} : classeur XLSX illisible ({exc}).") from exc
        sheet = self._book.worksheets[0]
        self.size = max(sheet.max_row or 1, 1)
        self.offset = 0
        self.line = 0
        self._rows = sheet.iter_rows(values_only=True)
        self.header: list[str] = []
        for values in self._rows:
            self.line += 1
            if values and any(v not in (None, "") for v in values):
                self.header = [cell_text(v) for v in values]
                break
        if not self.header:
            self.close()
            raise FileRefused(f"{path.name} : feuille vide, pas de ligne d'en-tête.")

    def skip_to(self, line: int, position: int | None = None) -> None:
        while self.line < line:
            if next(self._rows, None) is None:
                break
            self.line += 1
        self.offset = self.line

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        for values in self._rows:
            self.line += 1
            self.offset = self.line
            cells = [cell_text(v) for v in values[:width]] if values else []
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            yield self.line, cells

    def read_block(self, max_lines: int, prefilter: Prefilter | None = None) -> Block | None:
        """The next ``max_lines`` rows, or None at the end (no prefilter: cells are values)."""
        lines: list[int] = []
        rows: list[list[str]] = []
        for line, cells in islice(self, max(max_lines, 1)):
            lines.append(line)
            rows.append(cells)
        if not rows:
            return None
        return Block(lines, rows, {}, len(rows), self.line, self.line)

    def close(self) -> None:
        self._book.close()


def open_rows(path: Path, encoding: str | None = None) -> CsvRows | XlsxRows:
    """A CSV or XLSX reader for ``path``, chosen by its extension."""
    if not path.exists():
        raise FileRefused(f"{path} : fichier introuvable.")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return XlsxRows(path)
    return CsvRows(path, encoding)
