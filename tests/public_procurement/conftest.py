from __future__ import annotations

from pathlib import Path

import pytest

from .factories import build_directory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def directory(db):
    return build_directory()
