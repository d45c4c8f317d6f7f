"""Reading input files in constant memory: encoding detection, CSV and XLSX rows, headers.

Every reader yields ``(line, values)`` where ``line`` is the number a person sees in a text
editor (CSV, 1 = header) or in a spreadsheet (XLSX row number), so that error reports point
at the right place.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
# counted, so that the CSV reader keeps running at C speed and only rows decoded after a
# failure are searched for the culprit (see CsvRows).
_BAD_BYTES = [0]
_SURROGATE = re.compile("[\udc80-\udcff]")


def _record_bad_byte(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _BAD_BYTES[0] += 1
    return chr(0xDC00 + exc.object[exc.start]), exc.start + 1


codecs.register_error("maillage-import", _record_bad_byte)


class _ByteScanner:
    """Finds the byte offset of a bad byte on a given line, reading forward only (rare path)."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.handle = path.open("rb")
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.line = 0
        self.offset = 0

    def locate(self, first_line: int, last_line: int) -> tuple[int, str] | None:
        """(file offset, byte in hex) of the first undecodable byte on these lines."""
        while self.line < last_line:
            raw = self.handle.readline()
            if not raw:
                return None
            self.line += 1
            start = self.offset
            self.offset += len(raw)
            if self.line < first_line:
                continue
            try:
                raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                return start + exc.start, raw[exc.start : exc.start + 1].hex().upper()
        return None

    def close(self) -> None:
        self.handle.close()


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


class CsvRows:
    """Rows of a CSV file as ``(line, values)``, after its header (delimiter sniffed).

    The file is decoded by a text wrapper and parsed by the C CSV reader; ``line`` is the
    physical line on which the row ends. A row holding an undecodable byte is yielded empty,
    its reason (line, byte offset, byte) kept in ``bad_lines`` for the caller to report.
    """

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        self.encoding = encoding or detect_encoding(path)
        self.size = path.stat().st_size
        self.bad_lines: dict[int, str] = {}
        self._binary = path.open("rb")
        self._text = io.TextIOWrapper(
            self._binary, encoding=self.encoding, errors="maillage-import", newline=""
        )
        self._scanner: _ByteScanner | None = None
        self._bad_seen = _BAD_BYTES[0]
        header_line = self._text.readline()
        if not header_line.strip():
            self.close()
            raise FileRefused(f"{path.name} : fichier vide, pas de ligne d'en-tête.")
        if _SURROGATE.search(header_line):
            self.close()
            raise FileRefused(
                f"{path.name} : en-tête illisible en {self.encoding} ; passez --encoding."
            )
        self.delimiter = sniff_delimiter(header_line)
        self.header = next(csv.reader([header_line], delimiter=self.delimiter))
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        self._skip = 0

    @property
    def offset(self) -> int:
        return self._binary.tell()

    @property
    def line(self) -> int:
        return self._reader.line_num + 1

    def skip_to(self, line: int) -> None:
        """Resume after ``line``: the rows up to it are parsed but not yielded."""
        self._skip = line

    def _bad_row(self, row: list[str], line: int) -> bool:
        """Whether the row holds undecodable bytes; if so, say where in ``bad_lines``."""
        found = sum(len(_SURROGATE.findall(value)) for value in row)
        if not found:
            return False
        self._bad_seen += found
        if self._scanner is None:
            self._scanner = _ByteScanner(self.path, self.encoding)
        first = line - sum(value.count("\n") for value in row)
        where = self._scanner.locate(first, line)
        position, byte = where if where else (-1, "??")
        self.bad_lines[line] = (
            f"octet 0x{byte} à la position {position} du fichier : pas du {self.encoding} "
            "valide (encodage choisi d'après le début du fichier) ; réenregistrez le fichier "
            "dans un seul encodage ou passez --encoding"
        )
        return True

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        skip = self._skip
        for row in reader:
            line = reader.line_num + 1
            if line <= skip:
                continue
            if _BAD_BYTES[0] != self._bad_seen and self._bad_row(row, line):
                yield line, []
                continue
            yield line, row

    def close(self) -> None:
        if self._scanner is not None:
            self._scanner.close()
        self._text.close()


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

    def skip_to(self, line: int) -> None:
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

    def close(self) -> None:
        self._book.close()


def open_rows(path: Path, encoding: str | None = None) -> CsvRows | XlsxRows:
    """A CSV or XLSX reader for ``path``, chosen by its extension."""
    if not path.exists():
        raise FileRefused(f"{path} : fichier introuvable.")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return XlsxRows(path)
    return CsvRows(path, encoding)
