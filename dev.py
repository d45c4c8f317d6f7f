#!/usr/bin/env python3
"""Set up and run Maillage from a fresh checkout, with nothing but Python 3.11+.

    python3 dev.py run     # venv, install, migrate SQLite, load reference data, demo network, serve
    python3 dev.py test    # venv, install test extras, run the test suite (SQLite by default)

Everything lands in .venv/ and var/ inside the checkout; both can be deleted at any time.
Extra arguments after `test` go to pytest (e.g. `python3 dev.py test tests/territories -x`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def step(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — says so plainly to someone on an older Python
        sys.exit("Maillage needs Python 3.11 or newer.")
    if not PY.exists():
        step("Creating the virtual environment in .venv/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    step(f"Installing Maillage{extras} and its dependencies")
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".{extras}")


def run(argv: list[str]) -> None:
    ensure_venv("")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MAILLAGE_DEMO": "1",
    }
    manage = [PY, "manage.py"]
    step("Creating or updating the SQLite database (var/maillage.sqlite3)")
    sh(*manage, "migrate", "--no-input", env=env)
    step("Loading the reference data: communes, EPCI, départements, régions, unions, NAF")
    sh(*manage, "load_reference_data", env=env)
    step("Creating the demo network (synthetic organisations and one login per role)")
    sh(*manage, "seed_demo", env=env)
    address = argv[0] if argv else "127.0.0.1:8000"
    step(f"Serving Maillage on http://{address}/ (Ctrl+C to stop)")
    sh(*manage, "runserver", address, env=env)


def test(argv: list[str]) -> None:
    ensure_venv("[test]")
    step(
        "Running the test suite"
        + (f" on {os.environ['DATABASE_URL']}" if "DATABASE_URL" in os.environ else " on SQLite")
    )
    sh(PY, "-m", "pytest", *argv)


def main() -> None:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
