"""Reading what people type or export from their accounting: amounts, dates, SIRET.

Pure functions, no database: each returns the parsed value or raises :class:`ValueError` with a
French sentence saying why, which the import and the form show next to the value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from maillage.directory.validators import siren_valid, siret_valid

# Spaces people and spreadsheets put between thousands: plain, no-break, narrow no-break, thin.
_THOUSANDS = re.compile(r"[ \u00a0\u202f\u2009']")
_CURRENCY = re.compile(r"(€|eur(os?)?|ttc|ht)\s*$", re.IGNORECASE)


def parse_amount_cents(text: str) -> int:
    """« 1 234,56 », « 1234.56 », « 1.234,56 € » → 123456 cents. Must be positive."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError("montant vide")
    cleaned = _CURRENCY.sub("", raw).strip()
    cleaned = _THOUSANDS.sub("", cleaned)
    if "," in cleaned and "." in cleaned:
        # The last separator is the decimal one: 1.234,56 (French) or 1,234.56 (English).
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError("montant illisible (attendu par exemple 1 234,56)")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex above rules it out
        raise ValueError("montant illisible (attendu par exemple 1 234,56)") from exc
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("plus de deux chiffres après la virgule")
    if value <= 0:
        raise ValueError("le montant doit être positif (un avoir se déduit de l'achat)")
    cents = int(value * 100)
    if cents > 10**13:
        raise ValueError("montant invraisemblable (plus de cent milliards d'euros)")
    return cents


def parse_date(text: str) -> dt.date:
    """JJ/MM/AAAA (or JJ-MM-AAAA, JJ.MM.AAAA) or AAAA-MM-JJ (ISO, time part ignored)."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError("date vide")
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})([T ].*)?", raw)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError as exc:
        raise ValueError("date impossible (jour ou mois hors calendrier)") from exc
    raise ValueError("date illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def normalise_identifier(text: str) -> str:
    """Digits only: « 123 456 789 00012 » → « 12345678900012 »."""
    return re.sub(r"[\s.\u00a0\u202f-]", "", text or "")


def check_siret(text: str) -> str:
    """A valid 14-digit SIRET, or a ValueError naming the problem."""
    siret = normalise_identifier(text)
    if not siret:
        raise ValueError("SIRET vide")
    if not siret.isdigit():
        raise ValueError("un SIRET ne contient que des chiffres")
    if len(siret) != 14:
        raise ValueError(f"un SIRET a 14 chiffres, celui-ci en a {len(siret)}")
    if not siret_valid(siret):
        raise ValueError("clé de contrôle du SIRET fausse (faute de frappe ?)")
    return siret


def check_siret_or_siren(text: str) -> str:
    """A valid SIRET (14 digits) or SIREN (9 digits)."""
    value = normalise_identifier(text)
    if len(value) == 9 and value.isdigit():
        if not siren_valid(value):
            raise ValueError("clé de contrôle du SIREN fausse (faute de frappe ?)")
        return value
    return check_siret(value)


def format_euros(cents: int) -> str:
    """123456 → « 1 234,56 € » (French spacing with a narrow no-break space)."""
    euros, rest = divmod(abs(int(cents)), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    sign = "-" if cents < 0 else ""
    return f"{sign}{grouped},{rest:02d}\u00a0€"
