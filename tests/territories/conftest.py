"""Territory fixtures: a few real départements from the shipped file, loaded per test."""

from __future__ import annotations

import pytest

from maillage.territories.services import reference_data_load

# Loire (Saint-Étienne), Paris, Rhône (Lyon), Eure and Calvados (the Normandie split),
# Essonne and Yonne (the two Évry).
DEPARTEMENTS = ["42", "75", "69", "27", "14", "91", "89"]


@pytest.fixture
def territories(db):
    """The real reference rows of a handful of départements, with the default unions."""
    return reference_data_load(departements=DEPARTEMENTS)
