"""What every benchmark shares: progress on stderr and a scratch database.

Benchmarks run as ``python benchmarks/NAME.py`` from the repository root, so this folder is on
``sys.path`` and they ``from _support import log, scratch_database``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def log(message: str) -> None:
    """Progress, on stderr: stdout is kept for the last line of JSON figures."""
    print(message, file=sys.stderr, flush=True)


def scratch_database() -> tuple[str, Callable[[], None]]:
    """A ``DATABASE_URL`` for a fresh database, and the callable that removes it.

    On PostgreSQL (``DATABASE_URL`` given): a database named after the given one with suffix
    ``_bench_<pid>``, dropped at the end even if connections linger. Otherwise a SQLite file in a
    temporary folder, removed with its WAL files.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from dj_database_url import parse

        config = parse(url)
        name = f"{config['NAME']}_bench_{os.getpid()}"
        admin = psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        return url.rsplit("/", 1)[0] + "/" + name, drop
    path = Path(tempfile.mkdtemp(prefix="maillage-bench-")) / "bench.sqlite3"

    def unlink() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return f"sqlite:///{path}", unlink
