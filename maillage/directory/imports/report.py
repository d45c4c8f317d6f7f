"""Per-line error report (CSV), progress on stderr, and the resumable checkpoint file."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPORT_COLUMNS = ["fichier", "ligne", "colonne", "valeur", "motif"]
ECHOED_ERRORS = 10
MAX_VALUE = 200


class ErrorReport:
    """Bad lines written as they come to a CSV file (``;``-separated, UTF-8 with BOM for Excel).

    The file is only created at the first error. ``append`` keeps the lines of an interrupted
    run that is being resumed.
    """

    def __init__(self, path: Path, *, append: bool = False, echo: IO[str] | None = None) -> None:
        self.path = path
        self.append = append and path.exists()
        self.count = 0
        self.echo = echo
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if not append and path.exists():
            path.unlink()

    def add(self, file: str, line: int, column: str, value: str, message: str) -> None:
        if self._writer is None:
            new = not self.append
            self._handle = self.path.open(
                "a" if self.append else "w", encoding="utf-8-sig" if new else "utf-8", newline=""
            )
            self._writer = csv.writer(self._handle, delimiter=";")
            if new:
                self._writer.writerow(REPORT_COLUMNS)
        value = value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"
        self._writer.writerow([file, line, column, value, message])
        self.count += 1
        if self.echo is not None and self.count <= ECHOED_ERRORS:
            self.echo.write(f"  {file} ligne {line}, {column or '—'} « {value} » : {message}\n")
            if self.count == ECHOED_ERRORS:
                self.echo.write(f"  … les suivantes seulement dans {self.path}\n")

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._writer = None


@dataclass
class Progress:
    """A progress line on stderr: percentage, rows read, rows kept, rows per second.

    On a terminal the line is redrawn in place; otherwise (logs, CI) one line every few seconds.
    """

    label: str
    total: int
    stream: IO[str] = field(default_factory=lambda: sys.stderr)
    interval: float | None = None
    rows: int = 0
    kept: int = 0
    start_rows: int = 0

    def __post_init__(self) -> None:
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        if self.interval is None:
            self.interval = 0.25 if self.tty else 5.0
        self.started = time.perf_counter()
        self._last = 0.0

    def update(self, *, rows: int, kept: int, position: int, force: bool = False) -> None:
        self.rows, self.kept = rows, kept
        now = time.perf_counter()
        if not force and now - self._last < (self.interval or 0):
            return
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = (rows - self.start_rows) / elapsed
        share = min(position / self.total, 1.0) if self.total else 1.0
        filled = int(share * 24)
        bar = "█" * filled + "·" * (24 - filled)
        text = (
            f"{self.label} {bar} {share * 100:5.1f} %  {rows:,} lignes lues, {kept:,} gardées, "
            f"{rate:,.0f} lignes/s"
        ).replace(",", " ")
        if self.tty:
            self.stream.write("\r" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, position: int) -> float:
        self.update(rows=self.rows, kept=self.kept, position=position, force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
        return time.perf_counter() - self.started


def fingerprint(path: Path) -> dict[str, Any]:
    """Size, modification time and a digest of the first 64 KiB: is it still the same file?"""
    stat = path.stat()
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(65536)).hexdigest()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime": stat.st_mtime, "head": head}


class Checkpoint:
    """The last committed position of an import, in ``<first input>.checkpoint.json``.

    Written after each committed batch (atomically: temporary file then rename), removed when
    the import ends. A rerun with the same files and options resumes after the recorded line;
    any difference (a file changed, other options) starts over, which upserts make harmless.
    """

    def __init__(self, path: Path, identity: dict[str, Any]) -> None:
        self.path = path
        self.identity = identity
        self.state: dict[str, Any] = {}

    def load(self) -> dict[str, Any] | None:
        """The saved state when it belongs to this very import, else None."""
        if not self.path.exists():
            return None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if saved.get("identity") != self.identity:
            return None
        self.state = saved.get("state", {})
        return self.state

    def save(self, **state: Any) -> None:
        self.state.update(state)
        payload = {"identity": self.identity, "state": self.state, "saved_at": time.time()}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
