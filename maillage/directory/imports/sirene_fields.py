"""Reading SIRENE values: non-diffused marks, street types, NAF nomenclatures, page slugs."""

from __future__ import annotations

import re
import unicodedata

NOT_DIFFUSED = "[ND]"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
NAF_REV2 = frozenset({"NAFRev2", ""})
OLD_NOMENCLATURES = frozenset({"NAFRev1", "NAF1993", "NAP"})
NAME_MAX = 255
SLUG_STEM_MAX = 60
TRUE_VALUES = frozenset({"true", "1", "o", "oui"})

# Street types as INSEE abbreviates them (typeVoie…), spelled out in addresses.
STREET_TYPES = {
    "ALL": "Allée", "AV": "Avenue", "BD": "Boulevard", "CAR": "Carrefour", "CHE": "Chemin",
    "CHS": "Chaussée", "CITE": "Cité", "COR": "Corniche", "CRS": "Cours", "DOM": "Domaine",
    "DSC": "Descente", "ECA": "Écart", "ESP": "Esplanade", "FG": "Faubourg", "GR": "Grande Rue",
    "HAM": "Hameau", "HLE": "Halle", "IMP": "Impasse", "LD": "Lieu-dit", "LOT": "Lotissement",
    "MAR": "Marché", "MTE": "Montée", "PAS": "Passage", "PL": "Place", "PLN": "Plaine",
    "PLT": "Plateau", "PRO": "Promenade", "PRV": "Parvis", "QUA": "Quartier", "QUAI": "Quai",
    "RES": "Résidence", "RLE": "Ruelle", "ROC": "Rocade", "RPT": "Rond-point", "RTE": "Route",
    "RUE": "Rue", "SEN": "Sentier", "SQ": "Square", "TPL": "Terre-plein", "TRA": "Traverse",
    "VLA": "Villa", "VLGE": "Village",
}  # fmt: skip
REPETITION = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}


def text(value: str) -> str:
    """A SIRENE text field, with the "[ND]" of non-diffused values read as empty."""
    value = value.strip()
    return "" if value == NOT_DIFFUSED else value


def organisation_slug(name: str, siren: str) -> str:
    """A stable, unique page address: the name's slug, then the SIREN."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_SLUG.sub("-", folded.lower()).strip("-")[:SLUG_STEM_MAX].strip("-")
    return f"{stem or 'organisation'}-{siren}"


def address(number: str, repetition: str, street_type: str, street: str) -> str:
    """ "12 bis Rue de la Paix" from the SIRENE address fields ("" without a street)."""
    street = street.strip()
    if not street or street == NOT_DIFFUSED:
        return ""
    parts = []
    number = number.strip()
    if number and number != NOT_DIFFUSED:
        parts.append(number)
    repetition = repetition.strip()
    if repetition and repetition != NOT_DIFFUSED:
        parts.append(REPETITION.get(repetition) or repetition.lower())
    kind = street_type.strip()
    if kind and kind != NOT_DIFFUSED:
        parts.append(STREET_TYPES.get(kind, kind))
    parts.append(street)
    return " ".join(parts)[:NAME_MAX]
