"""Amounts, dates and SIRET as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.purchases.parsing import (
    check_siret,
    check_siret_or_siren,
    format_euros,
    parse_amount_cents,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56", 123456),
        ("1\u202f234,56 €", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1234.5", 123450),
        ("12", 1200),
        ("3 000 EUR", 300000),
    ],
)
def test_amounts_in_french_and_english(text, cents):
    assert parse_amount_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "vide"),
        ("douze", "illisible"),
        ("-50", "positif"),
        ("0", "positif"),
        ("1,234", "deux chiffres"),
    ],
)
def test_bad_amounts_say_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_amount_cents(text)


def test_dates_french_and_iso():
    assert parse_date("14/03/2025") == dt.date(2025, 3, 14)
    assert parse_date("4/3/2025") == dt.date(2025, 3, 4)
    assert parse_date("2025-03-14") == dt.date(2025, 3, 14)
    assert parse_date("2025-03-14T10:00:00") == dt.date(2025, 3, 14)
    with pytest.raises(ValueError, match="impossible"):
        parse_date("31/02/2025")
    with pytest.raises(ValueError, match="illisible"):
        parse_date("mars 2025")


def test_siret_checks():
    assert check_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValueError, match="14 chiffres, celui-ci en a 13"):
        check_siret("7328293200007")
    with pytest.raises(ValueError, match="clé de contrôle"):
        check_siret("73282932000075")
    with pytest.raises(ValueError, match="que des chiffres"):
        check_siret("7328293200007A")
    assert check_siret_or_siren("732829320") == "732829320"


def test_format_euros():
    assert format_euros(123456) == "1\u202f234,56\u00a0€"
