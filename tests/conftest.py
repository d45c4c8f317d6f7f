"""Shared fixtures. Each app's factories live in tests/<app>/factories.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"
