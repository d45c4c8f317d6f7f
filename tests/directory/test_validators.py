"""SIREN and SIRET checks."""

import pytest
from django.core.exceptions import ValidationError

from maillage.directory.validators import (
    luhn_valid,
    siren_valid,
    siret_valid,
    validate_siren,
    validate_siret,
)


@pytest.mark.parametrize(
    "siren",
    ["732829320", "552100554", "356000000", "542107651"],  # Luhn-valid, incl. La Poste
)
def test_valid_sirens(siren):
    assert siren_valid(siren)
    validate_siren(siren)


@pytest.mark.parametrize("siren", ["732829321", "12345678", "1234567890", "73282932A", ""])
def test_invalid_sirens_are_refused_with_the_value_in_the_message(siren):
    assert not siren_valid(siren)
    with pytest.raises(ValidationError) as exc:
        validate_siren(siren)
    assert siren in exc.value.messages[0]


def test_siret_luhn_over_fourteen_digits():
    assert siret_valid("73282932000074")
    assert not siret_valid("73282932000075")
    assert not siret_valid("7328293200007")
    with pytest.raises(ValidationError):
        validate_siret("73282932000075")


def test_la_poste_establishments_follow_the_sum_of_digits_rule():
    # La Poste's establishments: digit sum multiple of 5, Luhn not required.
    assert siret_valid("35600000000119")  # digits sum to 25, Luhn fails
    assert not luhn_valid("35600000000119")
    assert not siret_valid("35600000000118")  # digits sum to 24


def test_luhn_rejects_non_digits():
    assert not luhn_valid("12a4")
