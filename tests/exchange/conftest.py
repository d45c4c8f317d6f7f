from __future__ import annotations

from typing import Any

import pytest

from .factories import build_territory, joinery_network, people


@pytest.fixture
def union(db):
    return build_territory()


@pytest.fixture
def p(union) -> dict[str, Any]:
    """People of every role (see factories.people)."""
    return people(union)


@pytest.fixture
def network(union) -> list:
    return joinery_network()
