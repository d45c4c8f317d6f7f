from __future__ import annotations

import pytest


@pytest.fixture
def union(db):
    from tests.mentoring.factories import commune, union_aura

    commune("42218")
    commune("69123")
    return union_aura()
