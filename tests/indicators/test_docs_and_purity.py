"""The indicator modules stay pure (no Django) and every formula is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from maillage.indicators.formulas import FORMULAS
from maillage.indicators.formulas.base import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")


def test_modules_import_without_django():
    code = (
        "import sys\n"
        "import maillage.indicators.formulas, maillage.indicators.disclosure\n"
        "import maillage.indicators.statistics\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr


def test_every_formula_is_documented_with_its_version_and_source():
    assert len(FORMULAS) >= 20
    for formula in FORMULAS.values():
        assert f"`{formula.id}` | v{formula.version} |" in DOC, formula.id
        assert formula.source and formula.definition and formula.title


def test_every_message_key_is_documented():
    for key in MESSAGES:
        assert f"`{key}`" in DOC, key
