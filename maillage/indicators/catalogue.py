"""The versioned catalogue of what a cooperative reports in an indicators campaign.

Every field is declared once, here: its key (stable, used in the stored document, in the
spreadsheet template and in exports), its French label, unit, type, section, definition and the
reference it follows (a legal article, a statistical definition, a VSME datapoint and the edition
of VSME it follows), plus the per-field validators. Forms, the spreadsheet template and import,
the validation messages and the summary page are all generated from these declarations.

Storage (see :class:`maillage.indicators.models.IndicatorForm`): the values of one form are one
JSON document ``{key: value}`` validated against the catalogue version the campaign was opened
with. Why a document rather than a ``FieldValue`` row per field:

* the catalogue changes from year to year (a field added, a definition clarified): a new
  catalogue version is a new entry in :data:`CATALOGUES`, with no migration and no typed columns
  to keep in step; a form keeps the version it was filled against, so an old campaign stays
  readable with its own definitions;
* a form is always read and written whole (several sittings, an import, a review) and about a
  hundred and twenty values would otherwise be as many rows and a pivot on every read;
* the report recomputes every figure in Python through the pure formulas, one form at a time, so
  nothing needs SQL aggregates over individual values. If one day a value must be filtered in SQL,
  both SQLite and PostgreSQL index JSON keys.

The price is that the database does not check the document's types: the services do, through
:func:`parse_value` and :mod:`maillage.indicators.validation`, and nothing else writes it.

Changing a definition: add a new catalogue version (copy, edit, bump :data:`CURRENT_VERSION`);
never edit a published version in place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from maillage.indicators.formulas.absenteeism import AbsenceCategory

__all__ = [
    "CATALOGUES",
    "CURRENT_VERSION",
    "VSME_EDITION",
    "Catalogue",
    "FieldDef",
    "FieldType",
    "Section",
    "fold",
    "get_catalogue",
    "parse_value",
]

VSME_EDITION: Final = "VSME 2024-12 (EFRAG)"
"""The edition of the EFRAG Voluntary Sustainability Reporting Standard for non-listed SMEs
(basic module B1–B11) that the ecology and workforce datapoints follow."""


class FieldType(StrEnum):
    COUNT = "nombre_entier"  # people, stoppages, accidents: a whole number ≥ 0
    NUMBER = "nombre"  # hours, quantities: a number ≥ 0
    MONEY = "montant"  # euros, stored as a decimal string (never a float)
    PERCENT = "pourcentage"  # 0–100
    DATE = "date"
    CHOICE = "choix"
    MULTICHOICE = "choix_multiples"
    TEXT = "texte"


class Section(StrEnum):
    EFFECTIFS = "effectifs"
    TEMPS = "temps_de_travail"
    ABSENCES = "absences"
    ARRETS = "arrets_et_accidents"
    MOUVEMENTS = "mouvements"
    GOUVERNANCE = "gouvernance"
    ECOLOGIE_ENERGIE = "ecologie_energie"
    ECOLOGIE_RESSOURCES = "ecologie_ressources"


SECTION_TITLES: Final[Mapping[Section, str]] = {
    Section.EFFECTIFS: "Effectifs",
    Section.TEMPS: "Temps de travail et formation",
    Section.ABSENCES: "Absences par motif",
    Section.ARRETS: "Arrêts de travail et accidents",
    Section.MOUVEMENTS: "Entrées et sorties",
    Section.GOUVERNANCE: "Gouvernance coopérative",
    Section.ECOLOGIE_ENERGIE: "Écologie : énergie et émissions (VSME B3)",
    Section.ECOLOGIE_RESSOURCES: "Écologie : eau, déchets, biodiversité, le vivant",
}


@dataclass(frozen=True)
class FieldDef:
    """One datapoint of the catalogue.

    ``reference`` is the definition followed (article of law, statistical definition, VSME
    datapoint); ``edition`` the edition of the standard when the datapoint follows one
    (:data:`VSME_EDITION`). ``validators`` are keys of the per-field rules of the formulas
    (``negatif``, ``non_entier``, ``hors_bornes``…), checked by
    :func:`maillage.indicators.validation.validate`. ``unit_field`` names the companion field
    holding the unit of a quantity whose unit the cooperative chooses (fuels), ``units`` the
    units offered for a unit field.
    """

    key: str
    label: str
    section: Section
    type: FieldType
    definition: str
    reference: str
    unit: str = ""
    edition: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    unit_field: str = ""
    default: Any = None

    @property
    def validators(self) -> tuple[str, ...]:
        if self.type is FieldType.COUNT:
            return ("non_fini", "negatif", "non_entier")
        if self.type in (FieldType.NUMBER, FieldType.MONEY):
            return ("non_fini", "negatif")
        if self.type is FieldType.PERCENT:
            return ("non_fini", "hors_bornes")
        return ()

    @property
    def is_numeric(self) -> bool:
        return self.type in (
            FieldType.COUNT,
            FieldType.NUMBER,
            FieldType.MONEY,
            FieldType.PERCENT,
        )

    @property
    def help_text(self) -> str:
        """Definition, then the reference (and edition), as shown under the field."""
        ref = self.reference
        if self.edition and self.edition not in ref:
            ref = f"{ref} — {self.edition}"
        return f"{self.definition} Référence : {ref}."


@dataclass(frozen=True)
class Catalogue:
    """A published, immutable set of fields; forms keep the version they were filled against."""

    version: str
    published_on: dt.date
    fields: tuple[FieldDef, ...]
    notes: str = ""
    _by_key: dict[str, FieldDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, FieldDef] = {}
        for f in self.fields:
            if f.key in by_key:
                raise ValueError(f"catalogue {self.version}: duplicate key {f.key}")
            if f.type in (FieldType.CHOICE, FieldType.MULTICHOICE) and not f.choices:
                raise ValueError(f"catalogue {self.version}: {f.key} needs choices")
            by_key[f.key] = f
        for f in self.fields:
            if f.unit_field and f.unit_field not in by_key:
                raise ValueError(f"catalogue {self.version}: {f.key} → unknown {f.unit_field}")
        object.__setattr__(self, "_by_key", by_key)

    def __getitem__(self, key: str) -> FieldDef:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[FieldDef]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def sections(self) -> list[tuple[Section, str, list[FieldDef]]]:
        """Sections in order, with their title and fields (companion unit fields included)."""
        out: list[tuple[Section, str, list[FieldDef]]] = []
        for section in Section:
            fields = [f for f in self.fields if f.section is section]
            if fields:
                out.append((section, SECTION_TITLES[section], fields))
        return out

    def label(self, key: str) -> str:
        f = self._by_key.get(key)
        return f.label if f else key

    def unit_fields(self) -> set[str]:
        """Keys of fields that hold the unit of another field."""
        return {f.unit_field for f in self.fields if f.unit_field}


# --- parsing -------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def fold(text: str) -> str:
    """Lower case, accents removed, runs of spaces, underscores and hyphens made one space:
    how headers, keys and choice labels are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", bare).strip().lower().replace("’", "'")


class ParseError(ValueError):
    """A value that cannot be read as the field's type; the message is French."""


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ParseError("un nombre est attendu")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ParseError("un nombre fini est attendu")
        return Decimal(repr(raw))
    text = _SPACES.sub("", str(raw)).replace(",", ".")
    if text.endswith("%"):
        text = text[:-1]
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ParseError(f"« {raw} » n'est pas un nombre") from exc
    if not value.is_finite():
        raise ParseError("un nombre fini est attendu")
    return value


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_value(f: FieldDef, raw: Any) -> Any:
    """Read ``raw`` (typed in a form, a spreadsheet cell, a CSV string) as the field's type.

    Returns the JSON-storable value (``None`` when blank): ``int`` for counts, ``float`` for
    numbers and percentages, a decimal string for money, an ISO date, a choice key, a list of
    choice keys, a string. Raises :class:`ParseError` when the value cannot be read at all;
    rules on the value (negative, not whole, out of bounds, cross-field) are checked afterwards
    by :mod:`maillage.indicators.validation`, so that a draft keeps a value the rules refuse.
    """
    if f.type is FieldType.MULTICHOICE:
        if _is_blank(raw):
            return []
        items = raw if isinstance(raw, list | tuple) else re.split(r"[;|\n]", str(raw))
        return [_choice(f, item) for item in items if not _is_blank(item)]
    if _is_blank(raw):
        return None
    if f.type is FieldType.TEXT:
        return str(raw).strip()
    if f.type is FieldType.CHOICE:
        return _choice(f, raw)
    if f.type is FieldType.DATE:
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        text = str(raw).strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
            try:
                return dt.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ParseError(f"« {raw} » n'est pas une date (jj/mm/aaaa)")
    value = _number(raw)
    if f.type is FieldType.MONEY:
        return str(value.quantize(Decimal("0.01")))
    if f.type is FieldType.COUNT and value == value.to_integral_value():
        return int(value)
    return float(value)


def _choice(f: FieldDef, raw: Any) -> str:
    wanted = fold(str(raw))
    for key, label in f.choices:
        if wanted in (fold(key), fold(label)):
            return key
    expected = ", ".join(label for _, label in f.choices)
    raise ParseError(f"« {raw} » n'est pas un choix possible ({expected})")


def display_value(f: FieldDef, value: Any) -> str:
    """A stored value as shown to a person (French number formatting, choice labels)."""
    if value is None or value == []:
        return ""
    if f.type is FieldType.CHOICE:
        return dict(f.choices).get(value, str(value))
    if f.type is FieldType.MULTICHOICE:
        labels = dict(f.choices)
        return " ; ".join(labels.get(v, str(v)) for v in value)
    if f.type is FieldType.DATE:
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if f.is_numeric:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if f.type is FieldType.MONEY:
            text = f"{number:,.2f}"
        elif number == number.to_integral_value():
            text = f"{int(number):,}"
        else:
            text = f"{number.normalize():,f}"
        return text.replace(",", "\u202f").replace(".", ",")
    return str(value)


def raw_for_input(f: FieldDef, value: Any) -> Any:
    """A stored value as put back into a form input or a spreadsheet cell (French decimals)."""
    if value is None:
        return "" if f.type is not FieldType.MULTICHOICE else []
    if f.type is FieldType.MULTICHOICE:
        return list(value)
    if f.is_numeric:
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return str(value).replace(".", ",")
    return value


# --- catalogue 2025.1 ----------------------------------------------------------------------------

_CSS = "Code de la sécurité sociale"
_CT = "Code du travail"
_ANACT = "ANACT (taux d'absentéisme = heures d'absence ÷ heures théoriques travaillées)"
_SCOP = "Loi n° 78-763 du 19 juillet 1978 portant statut des Scop"
_COOP47 = "Loi n° 47-1775 du 10 septembre 1947 portant statut de la coopération"
_MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _f(
    key: str,
    label: str,
    section: Section,
    type_: FieldType,
    definition: str,
    reference: str,
    **kw: Any,
) -> FieldDef:
    return FieldDef(key, label, section, type_, definition, reference, **kw)


def _monthly_headcounts() -> list[FieldDef]:
    return [
        _f(
            f"effectif_mois_{i:02d}",
            f"Effectif salarié en {name}",
            Section.EFFECTIFS,
            FieldType.COUNT,
            f"Nombre de personnes salariées au dernier jour du mois de {name} (personnes "
            "physiques, tous contrats).",
            f"{_CSS}, art. L130-1 (effectif annuel = moyenne des effectifs mensuels)",
            unit="personnes",
        )
        for i, name in enumerate(_MOIS, start=1)
    ]


_ABSENCES: tuple[tuple[AbsenceCategory, str, str, str], ...] = (
    (
        AbsenceCategory.MALADIE_COURTE,
        "Maladie, arrêts de moins de 3 jours",
        "Heures d'absence pour arrêt maladie d'une durée de 1 ou 2 jours calendaires.",
        f"{_CSS}, art. L321-1 (arrêt de travail pour maladie) ; tranches de durée Maillage",
    ),
    (
        AbsenceCategory.MALADIE_MOYENNE,
        "Maladie, arrêts de 3 à 90 jours",
        "Heures d'absence pour arrêt maladie de 3 à 90 jours calendaires inclus.",
        f"{_CSS}, art. L321-1 ; tranches de durée Maillage",
    ),
    (
        AbsenceCategory.MALADIE_LONGUE,
        "Maladie, arrêts de plus de 90 jours",
        "Heures d'absence pour arrêt maladie de plus de 90 jours calendaires.",
        f"{_CSS}, art. L321-1 ; tranches de durée Maillage",
    ),
    (
        AbsenceCategory.ACCIDENT_TRAVAIL,
        "Accident du travail",
        "Heures d'absence consécutives à un accident survenu par le fait ou à l'occasion du "
        "travail.",
        f"{_CSS}, art. L411-1",
    ),
    (
        AbsenceCategory.ACCIDENT_TRAJET,
        "Accident de trajet",
        "Heures d'absence consécutives à un accident survenu sur le trajet domicile-travail.",
        f"{_CSS}, art. L411-2",
    ),
    (
        AbsenceCategory.MALADIE_PROFESSIONNELLE,
        "Maladie professionnelle",
        "Heures d'absence pour une maladie professionnelle reconnue.",
        f"{_CSS}, art. L461-1",
    ),
    (
        AbsenceCategory.MATERNITE_PATERNITE,
        "Maternité, paternité, adoption",
        "Heures d'absence pour congé de maternité, de paternité et d'accueil de l'enfant ou "
        "d'adoption.",
        f"{_CT}, art. L1225-17 et suivants, L1225-35, L1225-37",
    ),
    (
        AbsenceCategory.AUTRE,
        "Absences autorisées non planifiées",
        "Heures d'absence autorisées hors congés payés, RTT, formation et délégation (absence "
        "non rémunérée autorisée, événements familiaux…).",
        f"{_ANACT} ; périmètre Maillage v1",
    ),
    (
        AbsenceCategory.ABSENCE_INJUSTIFIEE,
        "Absences injustifiées",
        "Heures d'absence sans justificatif ni autorisation.",
        f"{_ANACT} ; périmètre Maillage v1",
    ),
    (
        AbsenceCategory.RAISON_FAMILIALE,
        "Absences familiales non planifiées",
        "Heures d'absence pour enfant malade et autres absences familiales imprévues.",
        f"{_CT}, art. L1225-61 (congé pour enfant malade)",
    ),
)

ABSENCE_HOURS_KEYS: Final[Mapping[AbsenceCategory, str]] = {
    cat: f"absence_heures_{cat.value}" for cat, *_ in _ABSENCES
}


def _absences() -> list[FieldDef]:
    out: list[FieldDef] = []
    for cat, label, definition, reference in _ABSENCES:
        out.append(
            _f(
                ABSENCE_HOURS_KEYS[cat],
                f"{label} (heures)",
                Section.ABSENCES,
                FieldType.NUMBER,
                definition + " Comptées en heures, sur les heures théoriques de l'année.",
                reference,
                unit="heures",
            )
        )
        out.append(
            _f(
                f"absence_jours_{cat.value}",
                f"{label} (jours)",
                Section.ABSENCES,
                FieldType.NUMBER,
                "Même absence, en jours ouvrés (information : les taux sont calculés sur les "
                "heures).",
                reference,
                unit="jours",
            )
        )
    return out


# Exit reasons: the formulas' ExitReason values, plus « mutation » (transfer within a group),
# counted as ``autre`` by the turnover formulas.
EXIT_FIELDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("demission", "Démissions", f"{_CT}, art. L1237-1"),
    ("rupture_conventionnelle", "Ruptures conventionnelles", f"{_CT}, art. L1237-11"),
    ("licenciement_economique", "Licenciements économiques", f"{_CT}, art. L1233-3"),
    ("licenciement_autre", "Autres licenciements", f"{_CT}, art. L1232-1"),
    ("fin_cdd", "Fins de contrat à durée déterminée", f"{_CT}, art. L1243-5"),
    ("fin_periode_essai", "Fins de période d'essai", f"{_CT}, art. L1221-25"),
    ("retraite", "Départs et mises à la retraite", f"{_CT}, art. L1237-9 et L1237-5"),
    ("deces", "Décès", "DSN, motif de fin de contrat « décès »"),
    ("mutation", "Mutations, transferts", "DSN, motif de fin de contrat « mutation »"),
    ("autre", "Autres sorties", "DARES, mouvements de main-d'œuvre, autres motifs"),
)

_GAS_UNITS = ("kWh_PCS", "MWh_PCS", "kWh_PCI", "MWh_PCI", "GJ_PCI", "m3")
_LIQUID_UNITS = ("L", "m3", "kWh_PCI", "MWh_PCI", "GJ_PCI")
_LPG_UNITS = ("kg", "t", "L", "kWh_PCI", "MWh_PCI", "GJ_PCI")

FUELS: Final[tuple[tuple[str, str, str, str, tuple[str, ...]], ...]] = (
    # key, label, factor id in emission_factors_v1.json, default unit, units accepted
    ("gaz_naturel", "Gaz naturel", "giec2006:v2-ch1-t1.4:gaz-naturel:co2", "kWh_PCS", _GAS_UNITS),
    (
        "gazole_fioul",
        "Gazole et fioul domestique",
        "giec2006:v2-ch1-t1.4:gazole-fioul-domestique:co2",
        "L",
        _LIQUID_UNITS,
    ),
    ("essence", "Essence", "giec2006:v2-ch1-t1.4:essence-moteur:co2", "L", _LIQUID_UNITS),
    ("gpl", "Gaz de pétrole liquéfié (GPL)", "giec2006:v2-ch1-t1.4:gpl:co2", "kg", _LPG_UNITS),
)
"""Scope 1 fuels. The units accepted are those a bill or a fuel card gives; whether a quantity
can be turned into emissions also depends on the factor's unit (the shipped factors are per TJ
PCI, so a quantity in litres is kept but its emissions are « non calculable » until a factor per
litre is loaded: :mod:`maillage.indicators.summary` says so on the summary page)."""


FUEL_LABELS: Final[Mapping[str, str]] = {f"combustible_{k}_quantite": lbl for k, lbl, *_ in FUELS}


def unit_label(unit: str) -> str:
    return unit.replace("_", " ")


LIVING_PRACTICES: Final[tuple[tuple[str, str], ...]] = (
    ("siege_vivant", "Un siège ou une voix du vivant dans une instance (CA, comité)"),
    ("garant_vivant", "Une personne garante du vivant, nommée par une instance"),
    ("avis_consultatif", "Un avis écologique consultatif rendu avant les décisions importantes"),
    ("critere_decision", "Un critère écologique écrit dans la règle de décision"),
    ("raison_etre", "Le vivant dans les statuts ou la raison d'être"),
    ("autre", "Autre pratique (précisez)"),
    ("aucune", "Aucune pratique à ce jour"),
)


def _fields_2025_1() -> tuple[FieldDef, ...]:
    E, T, R, M = Section.EFFECTIFS, Section.TEMPS, Section.ARRETS, Section.MOUVEMENTS
    G, EN, RS = Section.GOUVERNANCE, Section.ECOLOGIE_ENERGIE, Section.ECOLOGIE_RESSOURCES
    C, N, MO, P = FieldType.COUNT, FieldType.NUMBER, FieldType.MONEY, FieldType.PERCENT
    fields: list[FieldDef] = [
        _f(
            "effectif_debut",
            "Effectif salarié au 1er janvier",
            E,
            C,
            "Personnes salariées présentes au premier jour de l'année (sert au contrôle des "
            "sorties).",
            "DARES, mouvements de main-d'œuvre",
            unit="personnes",
        ),
        *_monthly_headcounts(),
        _f(
            "etp_moyen",
            "Effectif moyen en équivalents temps plein",
            E,
            N,
            "Moyenne annuelle des ETP : chaque salarié compte pour min(1, horaire contractuel ÷ "
            "durée à temps plein).",
            f"{_CT}, art. L1111-2",
            unit="ETP",
        ),
        _f(
            "salaries_31_decembre",
            "Effectif salarié au 31 décembre",
            E,
            C,
            "Personnes salariées au dernier jour de l'année (base des parts de sociétariat).",
            "VSME B8 (effectif salarié)",
            unit="personnes",
            edition=VSME_EDITION,
        ),
        _f(
            "heures_theoriques",
            "Heures théoriques travaillées",
            T,
            N,
            "Heures prévues par les contrats sur l'année, après retrait des congés payés, RTT et "
            "jours fériés : la base des taux d'absentéisme.",
            _ANACT,
            unit="heures",
        ),
        _f(
            "heures_travaillees",
            "Heures réellement travaillées",
            T,
            N,
            "Heures effectivement travaillées sur l'année : la base des taux de fréquence et de "
            "gravité.",
            "INRS ; Assurance Maladie – Risques professionnels",
            unit="heures",
        ),
        _f(
            "heures_formation",
            "Heures de formation",
            T,
            N,
            "Heures de formation suivies par les salariés dans l'année (toutes modalités).",
            f"{_CT}, art. L6311-1 ; VSME B10 (heures de formation)",
            unit="heures",
            edition=VSME_EDITION,
        ),
        *_absences(),
        _f(
            "arrets_moins_3_jours",
            "Arrêts de moins de 3 jours",
            R,
            C,
            "Arrêts de travail (maladie, AT, trajet, MP) commencés dans l'année, d'une durée de "
            "1 ou 2 jours calendaires.",
            f"{_CSS}, art. L321-1 ; tranches Maillage",
            unit="arrêts",
        ),
        _f(
            "arrets_3_a_90_jours",
            "Arrêts de 3 à 90 jours",
            R,
            C,
            "Arrêts commencés dans l'année d'une durée de 3 à 90 jours calendaires.",
            f"{_CSS}, art. L321-1 ; tranches Maillage",
            unit="arrêts",
        ),
        _f(
            "arrets_plus_90_jours",
            "Arrêts de plus de 90 jours",
            R,
            C,
            "Arrêts commencés dans l'année d'une durée de plus de 90 jours calendaires.",
            f"{_CSS}, art. L321-1 ; tranches Maillage",
            unit="arrêts",
        ),
        _f(
            "accidents_avec_arret",
            "Accidents du travail avec arrêt",
            R,
            C,
            "Accidents du travail ayant entraîné au moins un jour d'arrêt (hors trajet).",
            f"{_CSS}, art. L411-1 ; INRS (taux de fréquence)",
            unit="accidents",
        ),
        _f(
            "jours_perdus_at",
            "Journées perdues par accident du travail",
            R,
            C,
            "Journées d'incapacité temporaire indemnisées dans l'année au titre des accidents "
            "du travail.",
            "INRS ; Assurance Maladie – Risques professionnels (taux de gravité)",
            unit="jours",
        ),
        _f(
            "accidents_enregistrables",
            "Accidents du travail enregistrables",
            R,
            C,
            "Accidents liés au travail ayant entraîné un arrêt, un aménagement de poste ou un "
            "soin au-delà des premiers secours (notion plus large que « avec arrêt »).",
            "VSME B9 ; OSHA 29 CFR 1904 ; GRI 403-9",
            unit="accidents",
            edition=VSME_EDITION,
        ),
        _f(
            "deces_travail",
            "Décès liés au travail",
            R,
            C,
            "Décès consécutifs à un accident du travail ou à une maladie professionnelle.",
            "VSME B9",
            unit="personnes",
            edition=VSME_EDITION,
        ),
        _f(
            "entrees",
            "Entrées",
            M,
            C,
            "Embauches de l'année, tous contrats (CDI, CDD, apprentissage), transferts compris.",
            "DARES, mouvements de main-d'œuvre",
            unit="personnes",
        ),
    ]
    fields += [
        _f(
            f"sorties_{key}",
            f"Sorties : {label.lower()}",
            M,
            C,
            f"Fins de contrat de l'année pour ce motif ({label.lower()}).",
            reference,
            unit="personnes",
        )
        for key, label, reference in EXIT_FIELDS
    ]
    fields += [
        _f(
            "associes_total",
            "Associés",
            G,
            C,
            "Nombre d'associés (sociétaires) à la clôture de l'exercice.",
            _COOP47,
            unit="personnes",
        ),
        _f(
            "salaries_associes",
            "Salariés associés",
            G,
            C,
            "Salariés qui sont aussi associés, à la clôture de l'exercice.",
            _SCOP,
            unit="personnes",
        ),
        _f(
            "associes_femmes",
            "Femmes parmi les associés",
            G,
            C,
            "Associées (personnes physiques) à la clôture.",
            "Définition usuelle",
            unit="personnes",
        ),
        _f(
            "capital_social",
            "Capital social",
            G,
            MO,
            "Capital social souscrit à la clôture de l'exercice.",
            _SCOP,
            unit="€",
        ),
        _f(
            "capital_salaries",
            "Capital détenu par les salariés associés",
            G,
            MO,
            "Part du capital souscrite par les associés salariés.",
            _SCOP,
            unit="€",
        ),
        _f(
            "droits_vote_total",
            "Droits de vote (total)",
            G,
            C,
            "Nombre total de voix à l'assemblée générale.",
            _SCOP,
            unit="voix",
        ),
        _f(
            "droits_vote_salaries",
            "Droits de vote des salariés associés",
            G,
            C,
            "Voix détenues par les associés salariés.",
            _SCOP,
            unit="voix",
        ),
        _f(
            "ag_date",
            "Date de la dernière assemblée générale ordinaire",
            G,
            FieldType.DATE,
            "Assemblée statuant sur les comptes de l'exercice.",
            _COOP47,
        ),
        _f(
            "ag_convoques",
            "Associés convoqués à l'AG",
            G,
            C,
            "Associés convoqués à l'assemblée générale ordinaire.",
            "Définition Maillage v1 (participation à l'AG)",
            unit="personnes",
        ),
        _f(
            "ag_presents",
            "Associés présents à l'AG",
            G,
            C,
            "Associés présents en personne.",
            "Définition Maillage v1",
            unit="personnes",
        ),
        _f(
            "ag_representes",
            "Associés représentés à l'AG",
            G,
            C,
            "Associés ayant donné pouvoir.",
            "Définition Maillage v1",
            unit="personnes",
        ),
        _f(
            "ag_distance",
            "Associés ayant voté à distance",
            G,
            C,
            "Associés ayant voté par correspondance ou par voie électronique.",
            "Définition Maillage v1",
            unit="personnes",
        ),
        _f(
            "gouvernance_membres",
            "Membres de l'instance de gouvernance",
            G,
            C,
            "Membres du conseil d'administration, du conseil de surveillance ou de la gérance.",
            _COOP47,
            unit="personnes",
        ),
        _f(
            "gouvernance_femmes",
            "Femmes dans l'instance de gouvernance",
            G,
            C,
            "Femmes parmi ces membres.",
            "Définition usuelle",
            unit="personnes",
        ),
        _f(
            "gouvernance_renouveles",
            "Membres de l'instance élus ou renouvelés dans l'année",
            G,
            C,
            "Mandats attribués ou renouvelés par l'assemblée dans l'année.",
            _COOP47,
            unit="personnes",
        ),
        _f(
            "encadrement_total",
            "Personnes en fonction de direction ou d'encadrement",
            G,
            C,
            "Dirigeants et encadrants (gérance, direction, responsables d'équipe).",
            "Définition usuelle",
            unit="personnes",
        ),
        _f(
            "encadrement_femmes",
            "Femmes en fonction de direction ou d'encadrement",
            G,
            C,
            "Femmes parmi ces personnes.",
            "Définition usuelle",
            unit="personnes",
        ),
        _f(
            "remuneration_plus_haute",
            "Rémunération annuelle totale la plus haute",
            G,
            MO,
            "Rémunération annuelle brute totale de la personne la mieux rémunérée.",
            "ESRS S1-16 §97(b) et AR 101 (règlement délégué (UE) 2023/2772)",
            unit="€",
        ),
        _f(
            "remuneration_mediane_autres",
            "Rémunération annuelle médiane des autres salariés",
            G,
            MO,
            "Médiane des rémunérations annuelles brutes totales de tous les salariés, la "
            "personne la mieux rémunérée exclue.",
            "ESRS S1-16 §97(b) et AR 101",
            unit="€",
        ),
        _f(
            "excedents_total",
            "Excédents nets de l'exercice",
            G,
            MO,
            "Résultat net à répartir.",
            f"{_SCOP}, art. 32 et 33 (répartition des excédents)",
            unit="€",
        ),
        _f(
            "excedents_part_travail",
            "Excédents : part travail",
            G,
            MO,
            "Part distribuée aux salariés (participation, ristournes sur le travail).",
            f"{_SCOP}, art. 33",
            unit="€",
        ),
        _f(
            "excedents_reserves",
            "Excédents : réserves",
            G,
            MO,
            "Dotation aux réserves impartageables (réserve légale et fonds de développement).",
            f"{_SCOP}, art. 33",
            unit="€",
        ),
        _f(
            "excedents_dividendes",
            "Excédents : intérêts au capital",
            G,
            MO,
            "Intérêts versés aux parts sociales (dividendes).",
            f"{_SCOP}, art. 33",
            unit="€",
        ),
        _f(
            "revision_date",
            "Date de la dernière révision coopérative",
            G,
            FieldType.DATE,
            "Date du rapport de la dernière révision coopérative.",
            f"{_COOP47}, art. 25-1 à 25-5",
        ),
        _f(
            "revision_resultat",
            "Conclusion de la dernière révision coopérative",
            G,
            FieldType.CHOICE,
            "Conclusion du réviseur sur la conformité de l'organisation et du fonctionnement "
            "aux principes coopératifs.",
            f"{_COOP47}, art. 25-1 à 25-5",
            choices=(
                ("conforme", "Conforme, sans observation"),
                ("observations", "Conforme, avec observations"),
                ("mesures_correctives", "Mesures correctives demandées"),
                ("non_realisee", "Pas encore de révision"),
            ),
        ),
        _f(
            "electricite_kwh",
            "Électricité consommée",
            EN,
            N,
            "Électricité achetée et consommée sur l'année, tous sites (factures).",
            "VSME B3 (consommation d'énergie) ; GHG Protocol, scope 2",
            unit="kWh",
            edition=VSME_EDITION,
        ),
        _f(
            "electricite_renouvelable_pct",
            "Part renouvelable de l'électricité",
            EN,
            P,
            "Part de l'électricité consommée couverte par des garanties d'origine ou un contrat "
            "d'électricité renouvelable.",
            "VSME B3 (énergie renouvelable / non renouvelable)",
            unit="%",
            edition=VSME_EDITION,
        ),
        _f(
            "chaleur_reseau_kwh",
            "Chaleur ou froid de réseau",
            EN,
            N,
            "Énergie achetée à un réseau de chaleur ou de froid.",
            "VSME B3",
            unit="kWh",
            edition=VSME_EDITION,
        ),
        _f(
            "renouvelable_autoproduit_kwh",
            "Énergie renouvelable produite et autoconsommée",
            EN,
            N,
            "Solaire, bois, pompe à chaleur… produits sur site et consommés.",
            "VSME B3",
            unit="kWh",
            edition=VSME_EDITION,
        ),
    ]
    for key, label, _factor, default_unit, accepted in FUELS:
        fields.append(
            _f(
                f"combustible_{key}_quantite",
                f"Consommation : {label[0].lower() + label[1:]}",
                EN,
                N,
                "Quantité brûlée sur site ou dans les véhicules de la coopérative (données "
                "d'activité du scope 1), dans l'unité de la facture.",
                "VSME B3 (émissions brutes de scope 1) ; GHG Protocol ; méthode BEGES (ADEME)",
                unit_field=f"combustible_{key}_unite",
                edition=VSME_EDITION,
            )
        )
        fields.append(
            _f(
                f"combustible_{key}_unite",
                f"{label} : unité",
                EN,
                FieldType.CHOICE,
                "Unité de la quantité ci-dessus. Les factures de gaz sont en kWh PCS : la "
                "conversion en PCI dépend du gaz et doit être faite avec le coefficient du "
                "fournisseur.",
                "Unités du module de calcul des émissions (docs/indicators.md)",
                choices=tuple((u, unit_label(u)) for u in accepted),
                default=default_unit,
            )
        )
    fields += [
        _f(
            "eau_prelevee_m3",
            "Eau prélevée",
            RS,
            N,
            "Eau prélevée sur l'année (réseau, forage, eaux de surface).",
            "VSME B6 (prélèvement d'eau)",
            unit="m3",
            edition=VSME_EDITION,
        ),
        _f(
            "eau_consommee_m3",
            "Eau consommée",
            RS,
            N,
            "Eau prélevée et non restituée (évaporée, incorporée aux produits) ; à renseigner "
            "si les procédés consomment beaucoup d'eau.",
            "VSME B6 (consommation d'eau)",
            unit="m3",
            edition=VSME_EDITION,
        ),
        _f(
            "dechets_total_t",
            "Déchets produits",
            RS,
            N,
            "Masse totale des déchets produits sur l'année.",
            "VSME B7 (déchets générés)",
            unit="t",
            edition=VSME_EDITION,
        ),
        _f(
            "dechets_dangereux_t",
            "dont déchets dangereux",
            RS,
            N,
            "Déchets classés dangereux.",
            "VSME B7 ; Code de l'environnement, art. R541-8",
            unit="t",
            edition=VSME_EDITION,
        ),
        _f(
            "dechets_recycles_t",
            "dont déchets recyclés ou réemployés",
            RS,
            N,
            "Déchets orientés vers le recyclage ou le réemploi.",
            "VSME B7 (déchets détournés de l'élimination)",
            unit="t",
            edition=VSME_EDITION,
        ),
        _f(
            "sites_total",
            "Sites exploités",
            RS,
            C,
            "Sites (établissements, terrains) exploités par la coopérative.",
            "VSME B5",
            unit="sites",
            edition=VSME_EDITION,
        ),
        _f(
            "sites_zones_sensibles",
            "Sites dans ou près d'une zone sensible pour la biodiversité",
            RS,
            C,
            "Sites situés dans ou à proximité d'une zone protégée ou d'une zone clé pour la "
            "biodiversité (Natura 2000, ZNIEFF…).",
            "VSME B5 (sites dans ou près de zones sensibles pour la biodiversité)",
            unit="sites",
            edition=VSME_EDITION,
        ),
        _f(
            "sites_zones_sensibles_ha",
            "Surface de ces sites",
            RS,
            N,
            "Surface totale des sites situés dans ou près d'une zone sensible.",
            "VSME B5",
            unit="ha",
            edition=VSME_EDITION,
        ),
        _f(
            "vivant_pratiques",
            "Pratiques par lesquelles le vivant est représenté dans la gouvernance",
            RS,
            FieldType.MULTICHOICE,
            "Comment « la planète, le vivant et la nature » sont parties prenantes des "
            "décisions de la coopérative.",
            "Congrès régional du 20 novembre 2025 (transition écologique) ; catégorie "
            "Maillage, non normalisée",
            choices=LIVING_PRACTICES,
        ),
        _f(
            "vivant_precisions",
            "Précisions sur ces pratiques",
            RS,
            FieldType.TEXT,
            "Décrivez en quelques lignes la pratique, depuis quand, et ce qu'elle a changé.",
            "Catégorie Maillage, non normalisée",
        ),
    ]
    return tuple(fields)


CATALOGUES: Final[dict[str, Catalogue]] = {
    "2025.1": Catalogue(
        version="2025.1",
        published_on=dt.date(2026, 1, 15),
        fields=_fields_2025_1(),
        notes=(
            "Première version : travail (effectifs, absences, arrêts, mouvements), "
            "gouvernance, module de base VSME B3, B5–B7."
        ),
    ),
}
CURRENT_VERSION: Final = "2025.1"


def get_catalogue(version: str = CURRENT_VERSION) -> Catalogue:
    """The catalogue of ``version``; raises ``KeyError`` for an unknown version."""
    return CATALOGUES[version]


def empty_document(catalogue: Catalogue) -> dict[str, Any]:
    """A form's starting document: unit fields at their default, everything else blank."""
    return {f.key: f.default for f in catalogue if f.default is not None}


def keys_with_values(values: Mapping[str, Any], keys: Sequence[str]) -> bool:
    """Whether at least one of ``keys`` holds a value."""
    return any(values.get(k) not in (None, "", []) for k in keys)
