"""Checks of French company identifiers (pure functions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments follow another rule: their SIRET digits sum to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum used by SIREN and SIRET."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siren_valid(siren: str) -> bool:
    """A SIREN is 9 digits passing the Luhn checksum."""
    return len(siren) == 9 and luhn_valid(siren)


def siret_valid(siret: str) -> bool:
    """A SIRET is 14 digits: the SIREN, then the establishment's NIC, Luhn over all 14."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_SIREN + "00001":
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret)


def validate_siren(value: str) -> None:
    if not siren_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un SIREN valide (9 chiffres, clé de contrôle de Luhn)."),
            code="invalid_siren",
            params={"value": value},
        )


def validate_siret(value: str) -> None:
    if not siret_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un SIRET valide (14 chiffres, clé de contrôle de Luhn)."),
            code="invalid_siret",
            params={"value": value},
        )
