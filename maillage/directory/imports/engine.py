"""The loop every import shares: read rows, validate, write in batches, report, resume.

A *pass* reads one file. Rows are gathered into chunks of ``batch_size`` lines; each chunk
is validated and written in its own transaction, then the position is saved in the
checkpoint, so an interrupted import loses at most the chunk in progress and a rerun resumes
after the last committed one. In strict mode the caller wraps every pass in one transaction
and no checkpoint is kept: any bad line refuses the whole import and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, transaction

from .reading import CsvRows, Header, Prefilter, XlsxRows
from .report import Checkpoint, ErrorReport, Progress

# Called inside each batch's transaction, after its writes, with the batch number: tests use
# it to simulate a crash; raising rolls the batch back.
BatchHook = Callable[[int], None]


class ImportRefused(Exception):
    """Strict mode found bad lines: the import was refused and nothing was written."""

    def __init__(self, errors: int, report: Path) -> None:
        super().__init__(
            f"Import refusé (--strict) : {errors} ligne(s) en erreur, rien n'a été écrit. "
            f"Détail : {report}"
        )
        self.errors = errors
        self.report = report


@dataclass
class PassStats:
    """What one pass did: lines read, lines kept (in scope), rows written, bad lines."""

    rows: int = 0
    kept: int = 0
    written: int = 0
    errors: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Chunk:
    """Rows of one batch: their line numbers and the values the pass extracted."""

    lines: list[int] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)


class Pass:
    """One file's import. Subclasses say which columns they need and how a chunk is written."""

    name = "fichier"
    wanted: dict[str, tuple[str, ...]] = {}
    required: tuple[str | tuple[str, ...], ...] = ()

    def __init__(self, reader: CsvRows | XlsxRows, report: ErrorReport) -> None:
        self.reader = reader
        self.report = report
        self.file = reader.path.name
        self.header = Header.find(reader.header, self.wanted, self.required, self.file)
        self.width = len(reader.header)
        # Missing optional columns read the empty string appended at the end of each row.
        self.keys = list(self.wanted)
        self.positions = [self.header.index.get(key, self.width) for key in self.keys]
        self.needs_padding = any(p == self.width for p in self.positions)
        self.stats = PassStats()
        self.touched: set[int] = set()

    def column(self, key: str) -> str:
        """The column's name as the file spells it (for error reports)."""
        position = self.header.index.get(key)
        return self.header.names[position] if position is not None else self.wanted[key][0]

    def error(self, line: int, key: str, value: str, message: str) -> None:
        self.stats.errors += 1
        self.report.add(self.file, line, self.column(key) if key else "", value, message)

    # Cheapest filter, on the raw bytes of a block's records before they are decoded and
    # parsed: one truth value per record (None: every record is parsed).
    prefilter: Prefilter | None = None

    def start(self) -> None:
        """Called once before the first line is read (after the previous passes)."""

    def keep_rows(self, rows: list[list[str]]) -> list[bool] | None:
        """Cheap early filter on a block's parsed rows, before any validation: one truth value
        per row, or None to keep them all."""
        return None

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        """Validate the chunk's rows (reporting bad ones); return ``(line, payload)`` to save."""
        raise NotImplementedError

    def save(self, items: list[tuple[int, Any]]) -> None:
        """Write prepared rows (inside the caller's transaction) and count them as written."""
        raise NotImplementedError


def after_import(*, refresh_search: bool = True) -> None:
    """Let the rest of the directory follow a bulk write, once per import, at the end.

    A full rebuild of the search documents (cheaper than per-batch refreshes at this scale) and
    the drop of the map's cached point indexes.
    """
    from maillage.directory.map_index import map_points_changed
    from maillage.directory.search import search_document_refresh

    if refresh_search:
        search_document_refresh()
    map_points_changed()


# Lines read at once: large enough to keep the per-row Python work low, small enough that a
# block of parsed rows stays a few megabytes.
BLOCK_LINES = 4096


def run_pass(
    step: Pass,
    *,
    batch_size: int,
    strict: bool,
    progress_stream: IO[str] | None,
    checkpoint: Checkpoint | None,
    resume_line: int = 0,
    resume_position: int | None = None,
    on_batch: BatchHook | None = None,
    batch_counter: list[int] | None = None,
) -> PassStats:
    """Read the whole file through ``step``; see the module docstring for transactions.

    A batch is ``batch_size`` lines read (kept or not), so that a checkpoint is saved at a
    steady pace whatever the share of rows in scope.
    """
    reader = step.reader
    stats = step.stats
    if resume_line:
        reader.skip_to(resume_line, resume_position)
    step.start()
    progress = (
        Progress(f"{step.name:>15}", reader.size, stream=progress_stream)
        if progress_stream is not None
        else None
    )
    if progress is not None:
        progress.start_rows = stats.rows
    counter = batch_counter if batch_counter is not None else [0]
    width = step.width
    padding = step.needs_padding
    keep_rows = step.keep_rows
    prefilter = step.prefilter if isinstance(reader, CsvRows) else None
    positions = step.positions
    extract: Callable[[list[str]], Any]
    if len(positions) > 1:
        extract = itemgetter(*positions)
    else:
        only = positions[0]

        def extract(row: list[str]) -> tuple[str, ...]:
            return (row[only],)

    def flush(chunk: Chunk, last_line: int, position: int) -> None:
        counter[0] += 1
        number = counter[0]
        if strict:
            _write_chunk(step, chunk, number, on_batch, isolate=False)
            return
        with transaction.atomic():
            _write_chunk(step, chunk, number, on_batch, isolate=True)
        step.report.flush()
        if checkpoint is not None:
            checkpoint.save(
                **{
                    step.name: {
                        "line": last_line,
                        "position": position,
                        "stats": stats.as_dict(),
                    }
                }
            )

    chunk = Chunk()
    in_chunk = 0
    last_line, position = resume_line, resume_position or 0
    while True:
        block = reader.read_block(min(BLOCK_LINES, batch_size - in_chunk), prefilter)
        if block is None:
            break
        stats.rows += block.records
        for line, message in block.bad.items():
            step.error(line, "", "", message)
        lines, rows = block.lines, block.rows
        if rows and not (min(map(len, rows)) == width == max(map(len, rows))):
            lines, rows = _right_width(step, lines, rows)
        mask = keep_rows(rows) if rows else None
        if mask is not None:
            lines = [line for line, keep in zip(lines, mask, strict=True) if keep]
            rows = [row for row, keep in zip(rows, mask, strict=True) if keep]
        if padding:
            for row in rows:
                row.append("")
        chunk.lines.extend(lines)
        chunk.rows.extend(map(extract, rows))
        in_chunk += block.last_line - last_line
        last_line, position = block.last_line, block.position
        if in_chunk >= batch_size:
            flush(chunk, last_line, position)
            chunk = Chunk()
            in_chunk = 0
        if progress is not None:
            progress.update(rows=stats.rows, kept=stats.kept, position=reader.offset)
    flush(chunk, last_line, position)
    if progress is not None:
        progress.rows, progress.kept = stats.rows, stats.kept
        stats.seconds = progress.finish(reader.offset)
    return stats


def _right_width(
    step: Pass, lines: list[int], rows: list[list[str]]
) -> tuple[list[int], list[list[str]]]:
    """The rows with the header's number of columns; the others are reported."""
    width = step.width
    good_lines, good_rows = [], []
    for line, row in zip(lines, rows, strict=True):
        if len(row) == width:
            good_lines.append(line)
            good_rows.append(row)
        else:
            step.error(
                line,
                "",
                f"{len(row)} colonnes",
                f"{len(row)} colonnes au lieu de {width} (séparateur ou guillemet mal placé ?)",
            )
    return good_lines, good_rows


def _write_chunk(
    step: Pass, chunk: Chunk, number: int, on_batch: BatchHook | None, *, isolate: bool
) -> None:
    """Write a chunk; when the database rejects it, retry line by line to name the culprits."""
    items = step.prepare(chunk)
    try:
        with transaction.atomic():
            step.save(items)
    except DatabaseError:
        if not isolate or len(items) <= 1:
            raise
        for line, payload in items:
            try:
                with transaction.atomic():
                    step.save([(line, payload)])
            except DatabaseError as exc:
                step.error(line, "", "", f"refusée par la base de données : {exc}".strip())
    if on_batch is not None:
        on_batch(number)
