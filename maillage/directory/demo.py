"""The demo network: a synthetic movement at real proportions, from one union to the whole ESS.

``demo_network_create(establishments=N)`` replaces every synthetic row (``is_synthetic=True``)
by a new network of about N establishments, and never touches any other row.

What it mimics (figures of the movement and of the ESS observatory, rounded):

- cooperatives in the proportions 2,723 Scop : 1,417 Scic : 155 CAE (about 4,300 in all); a
  prefix of the sequence keeps these proportions, so a union-sized network (≈ 600 organisations)
  looks like the national one;
- once every cooperative is placed, the rest of the requested establishments are "other ESS"
  organisations (associations, mutuelles, foundations…), until the national scale of the ESS
  (≈ 213,000 establishments) is reached;
- jobs by sector for cooperatives: 36 % services, 17 % construction, 15 % education, health and
  social work, 12 % industry, the rest spread over trade, transport, restaurants, agriculture…
  A sector is drawn with the weight of its share of jobs and the headcount independently of it,
  so the expected share of jobs per sector is the share asked for;
- headquarters in communes drawn with the weight of their population (optionally only in one
  union's communes);
- headcount bands as SIRENE gives them, an exact headcount inside the band for most
  cooperatives, several establishments for the larger organisations;
- offers with plausible French titles per trade, delivered in all of France, in a radius around
  the head office or in chosen territories, in shares that depend on the trade (a consultancy
  sells everywhere, a mason within 30 km);
- entrepreneurs under each CAE, with the three visibilities.

Synthetic organisations carry no SIREN or SIRET (a made-up number could be a real one, and the
SIRENE import keys on them), use invented place names and reserved ``.example`` domains, and
the interface marks them « Démonstration ».

Fast: rows are built in chunks and written with ``bulk_create`` in one transaction (interrupting
leaves the database as it was; rerunning replaces the network). Deterministic given the seed and
the loaded reference data.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from maillage.territories.enums import ZoneLevel
from maillage.territories.models import Commune, PostalCode

from .enums import Family, HeadcountBand, PointPrecision, Visibility, ZoneMode
from .models import Entrepreneur, Establishment, Label, Offer, OfferZone, Organisation

Progress = Callable[[str], None]

# ----------------------------------------------------------------------------- sizes

#: Cooperatives of the movement (Scop, Scic, CAE), in this order.
NATIONAL_COOPERATIVES = {Family.SCOP: 2723, Family.SCIC: 1417, Family.CAE: 155}
#: Establishments of the whole ESS (observatoire national de l'ESS, employer establishments).
NATIONAL_ESTABLISHMENTS = 213_000
#: Establishments giving a one-union network of about 600 organisations.
UNION_ESTABLISHMENTS = 840
SIZES = {"union": UNION_ESTABLISHMENTS, "national": NATIONAL_ESTABLISHMENTS}

CHUNK = 4000  # organisations built and written at a time (bounded memory)
BATCH = 1000  # rows per INSERT

DEMO_DOMAIN = "example"  # RFC 2606: reserved, never a real site or mailbox
REFERENCE_DAY = date(2025, 6, 30)  # creation dates are drawn before it, whatever today is

# ----------------------------------------------------------------------------- headcount

#: Lowest and highest headcount of each INSEE band (the last band is open: 10,000 and more).
BAND_RANGES: dict[str, tuple[int, int]] = {
    HeadcountBand.B00: (0, 0),
    HeadcountBand.B01: (1, 2),
    HeadcountBand.B02: (3, 5),
    HeadcountBand.B03: (6, 9),
    HeadcountBand.B11: (10, 19),
    HeadcountBand.B12: (20, 49),
    HeadcountBand.B21: (50, 99),
    HeadcountBand.B22: (100, 199),
    HeadcountBand.B31: (200, 249),
    HeadcountBand.B32: (250, 499),
    HeadcountBand.B41: (500, 999),
    HeadcountBand.B42: (1000, 1999),
    HeadcountBand.B51: (2000, 4999),
    HeadcountBand.B52: (5000, 9999),
    HeadcountBand.B53: (10000, 10000),
}


def band_for_headcount(headcount: int) -> str:
    """The INSEE band holding an exact headcount."""
    for band, (low, high) in BAND_RANGES.items():
        if low <= headcount <= high:
            return band
    return HeadcountBand.B53


# Band weights per family (NN = unknown). Cooperatives are mostly small; a CAE counts its
# entrepreneurs-employees, hence its larger bands.
BAND_WEIGHTS: dict[str, list[tuple[str, float]]] = {
    Family.SCOP: [
        ("NN", 3), ("00", 8), ("01", 19), ("02", 18), ("03", 14), ("11", 16), ("12", 14),
        ("21", 5), ("22", 2.2), ("31", 0.4), ("32", 0.3), ("41", 0.1),
    ],
    Family.SCIC: [
        ("NN", 5), ("00", 16), ("01", 20), ("02", 18), ("03", 13), ("11", 13), ("12", 10),
        ("21", 3), ("22", 1.5), ("31", 0.3), ("32", 0.2),
    ],
    Family.CAE: [("11", 15), ("12", 38), ("21", 27), ("22", 15), ("31", 3), ("32", 2)],
    Family.OTHER_ESS: [
        ("NN", 6), ("00", 14), ("01", 22), ("02", 17), ("03", 12), ("11", 13), ("12", 9),
        ("21", 2.5), ("22", 1.2), ("31", 0.3), ("32", 0.4), ("41", 0.2), ("42", 0.08),
        ("51", 0.03), ("52", 0.005),
    ],}  # fmt: skip

# ----------------------------------------------------------------------------- trades

# (NAF sub-class, weight inside its group, local or national reach, organisation name
# patterns, offer titles, keywords). "{place}" is an invented place name.
Trade = tuple[str, float, str, list[str], list[str], str]

COOP_GROUPS: list[tuple[str, float, list[Trade]]] = [
    ("services", 36, [
        ("70.22Z", 5, "national",
         ["Conseil et Coopération {place}", "Cabinet Trajectoires {place}"],
         ["Conseil en stratégie et organisation", "Accompagnement au changement",
          "Conseil en gouvernance coopérative", "Diagnostic RSE"], "conseil, stratégie, RSE"),
        ("71.12B", 4, "national", ["Bureau d'études Méridienne {place}", "Ingénierie {place}"],
         ["Étude thermique", "Maîtrise d'œuvre", "Audit énergétique des bâtiments",
          "Bureau d'études structure"], "ingénierie, études, énergie"),
        ("62.01Z", 4, "national", ["Atelier numérique de {place}", "Code Commun {place}"],
         ["Développement web", "Logiciels libres sur mesure", "Applications mobiles",
          "Hébergement et maintenance de sites"], "numérique, web, logiciel libre"),
        ("73.11Z", 3, "national", ["Agence Grand Angle {place}", "Communication Sillons {place}"],
         ["Création graphique", "Stratégie de communication", "Site internet vitrine",
          "Communication des collectivités"], "communication, graphisme"),
        ("74.30Z", 1.5, "national", ["Traduction & Rédaction {place}"],
         ["Traduction technique", "Interprétariat", "Rédaction de contenus"],
         "traduction, rédaction"),
        ("69.20Z", 2, "national", ["Expertise comptable coopérative de {place}"],
         ["Expertise comptable", "Tenue comptable", "Paie et social"], "comptabilité, paie"),
        ("81.21Z", 4, "local", ["Propreté Solidaire {place}", "Net Services {place}"],
         ["Nettoyage de locaux", "Entretien de bureaux", "Nettoyage après chantier"],
         "nettoyage, propreté"),
        ("81.30Z", 4, "local", ["Paysages et Jardins de {place}", "Les Jardiniers de {place}"],
         ["Entretien d'espaces verts", "Création de jardins", "Élagage",
          "Gestion différenciée des espaces publics"], "paysage, jardins, espaces verts"),
        ("59.11A", 2, "national", ["Films du Vallon {place}", "Production Lucarne {place}"],
         ["Production audiovisuelle", "Films institutionnels", "Captation d'événements"],
         "vidéo, audiovisuel"),
        ("90.01Z", 2, "national", ["Compagnie Les Tréteaux de {place}"],
         ["Spectacles vivants", "Ateliers artistiques", "Médiation culturelle"],
         "spectacle, culture"),
        ("96.02A", 1.5, "local", ["Salon coopératif de {place}"],
         ["Coiffure", "Soins esthétiques"], "coiffure"),
        ("82.30Z", 1.5, "national", ["Événements Partagés {place}"],
         ["Organisation de séminaires", "Organisation d'événements"], "événementiel"),
    ]),
    ("construction", 17, [
        ("43.32A", 5, "local", ["Menuiserie coopérative de {place}", "Les Menuisiers de {place}"],
         ["Menuiserie sur mesure", "Pose de fenêtres et portes", "Agencement intérieur bois",
          "Escaliers et parquets"], "menuiserie, bois, agencement"),
        ("43.99C", 4, "local", ["Bâtisseurs associés de {place}", "Maçonnerie de {place}"],
         ["Maçonnerie générale", "Rénovation du bâti ancien", "Enduits à la chaux",
          "Gros œuvre"], "maçonnerie, rénovation, gros œuvre"),
        ("43.21A", 3, "local", ["Électricité Solidaire de {place}"],
         ["Installation électrique", "Mise aux normes électriques",
          "Bornes de recharge pour véhicules"], "électricité"),
        ("43.22B", 2.5, "local", ["Chauffage et Énergies de {place}"],
         ["Installation de pompes à chaleur", "Chaudières bois et granulés",
          "Plomberie et chauffage"], "chauffage, plomberie, énergies renouvelables"),
        ("43.91B", 1.5, "local", ["Charpentes et Ossatures de {place}"],
         ["Charpente traditionnelle", "Couverture et zinguerie", "Ossature bois"],
         "charpente, couverture"),
        ("43.34Z", 1.5, "local", ["Peintres associés de {place}"],
         ["Peinture intérieure et extérieure", "Revêtements de sols et murs"], "peinture"),
    ]),
    ("education-sante-social", 15, [
        ("85.59A", 6, "national", ["Formation et Territoires {place}", "Institut Coopérer {place}"],
         ["Formation professionnelle continue", "Formation à la gestion coopérative",
          "Formation des élus et administrateurs", "Bilan de compétences"],
         "formation, compétences"),
        ("88.10A", 3, "local", ["Aide à domicile coopérative de {place}"],
         ["Aide à domicile", "Accompagnement des personnes âgées", "Services à la personne"],
         "aide à domicile, autonomie"),
        ("88.91A", 2, "local", ["Crèche coopérative Les Petits Pas de {place}"],
         ["Accueil de jeunes enfants", "Crèche d'entreprise"], "petite enfance, crèche"),
        ("88.99B", 2, "local", ["Insertion et Solidarités {place}"],
         ["Accompagnement social", "Médiation sociale", "Insertion professionnelle"],
         "insertion, social"),
        ("86.90F", 2, "local", ["Maison de santé coopérative de {place}"],
         ["Soins infirmiers", "Centre de santé pluriprofessionnel"], "santé, soins"),
    ]),
    ("industrie", 12, [
        ("25.62B", 3, "national", ["Mécanique de précision de {place}"],
         ["Usinage de précision", "Mécanique industrielle", "Prototypage"],
         "usinage, mécanique"),
        ("18.12Z", 2, "national", ["Imprimerie de {place}", "Les Presses de {place}"],
         ["Impression offset", "Impression numérique", "Façonnage et reliure"],
         "imprimerie, impression"),
        ("31.09B", 1.5, "national", ["Les Ateliers de {place}", "Mobilier coopératif de {place}"],
         ["Fabrication de mobilier", "Mobilier de bureau en bois local"], "mobilier, ébénisterie"),
        ("10.71C", 2, "local", ["Boulangerie Le Fournil de {place}"],
         ["Pain au levain", "Viennoiseries et pâtisseries", "Traiteur boulanger"],
         "boulangerie, pain"),
        ("33.12Z", 1.5, "local", ["Maintenance industrielle de {place}"],
         ["Maintenance industrielle", "Réparation de machines"], "maintenance"),
        ("38.32Z", 1, "local", ["Recyclerie de {place}"],
         ["Réemploi et recyclage", "Collecte de déchets triés"], "réemploi, recyclage"),
        ("35.11Z", 1, "local", ["Énergies citoyennes de {place}"],
         ["Production d'électricité solaire", "Centrales villageoises"], "énergie, solaire"),
    ]),
    ("commerce", 7, [
        ("47.29Z", 2, "local", ["Épicerie coopérative de {place}"],
         ["Épicerie bio et locale", "Vente en vrac"], "épicerie, circuits courts"),
        ("47.61Z", 1, "local", ["Librairie coopérative de {place}"],
         ["Vente de livres", "Animations littéraires"], "librairie, livres"),
        ("46.90Z", 1, "national", ["Comptoir coopératif de {place}"],
         ["Commerce de gros", "Centrale d'achats coopérative"], "achats, négoce"),
    ]),
    ("transport", 4, [
        ("49.41A", 2, "national", ["Transports coopératifs de {place}"],
         ["Transport de marchandises", "Messagerie régionale"], "transport, logistique"),
        ("53.20Z", 1, "local", ["Coursiers à vélo de {place}"],
         ["Livraison à vélo", "Logistique urbaine du dernier kilomètre"], "vélo, livraison"),
        ("49.32Z", 1, "local", ["Taxis associés de {place}"],
         ["Transport de personnes", "Transport médical assis"], "taxi"),
    ]),
    ("restauration", 4, [
        ("56.10A", 2, "local", ["Restaurant coopératif de {place}", "La Table de {place}"],
         ["Restauration traditionnelle", "Traiteur", "Repas d'entreprise"], "restaurant"),
        ("56.29A", 2, "local", ["Cantine des collines de {place}"],
         ["Restauration collective", "Repas pour cantines scolaires", "Portage de repas"],
         "restauration collective, cantine"),
    ]),
    ("agriculture", 3, [
        ("01.13Z", 2, "local", ["Terres nourricières de {place}"],
         ["Maraîchage biologique", "Paniers de légumes"], "maraîchage, bio"),
        ("02.20Z", 1, "local", ["Forêts et Bois de {place}"],
         ["Exploitation forestière", "Bois de chauffage"], "forêt, bois"),
    ]),
    ("autres", 2, [
        ("68.32A", 1, "local", ["Habitat et Territoire {place}"],
         ["Gestion locative", "Habitat participatif"], "habitat, logement"),
        ("58.14Z", 1, "national", ["Éditions du Vallon {place}"],
         ["Édition de revues", "Édition de livres"], "édition"),
    ]),
]  # fmt: skip

OTHER_GROUPS: list[tuple[str, float, list[Trade]]] = [
    ("action-sociale", 38, [
        ("88.10A", 4, "local", ["Association d'aide à domicile de {place}"],
         ["Aide à domicile", "Portage de repas"], "aide à domicile"),
        ("87.10A", 2, "local", ["Résidence Les Tilleuls de {place}"],
         ["Hébergement des personnes âgées"], "EHPAD"),
        ("88.99B", 4, "local", ["Association Solidarités {place}"],
         ["Accompagnement social", "Aide alimentaire"], "solidarité"),
        ("87.20A", 1, "local", ["Foyer d'accueil de {place}"],
         ["Hébergement des personnes en situation de handicap"], "handicap"),
        ("88.91A", 2, "local", ["Association Petite enfance de {place}"],
         ["Accueil de jeunes enfants"], "crèche"),
    ]),
    ("enseignement", 14, [
        ("85.59A", 2, "national", ["Association Formation et Avenir {place}"],
         ["Formation professionnelle", "Formation des bénévoles"], "formation"),
        ("85.59B", 1, "local", ["Association des Savoirs de {place}"],
         ["Cours de langues", "Soutien scolaire"], "enseignement"),
        ("85.31Z", 1, "local", ["Lycée associatif de {place}"],
         ["Enseignement secondaire"], "lycée"),
    ]),
    ("associatif", 18, [
        ("94.99Z", 1, "local", ["Association culturelle de {place}", "Foyer rural de {place}"],
         ["Animation locale", "Activités culturelles"], "animation, vie locale"),
    ]),
    ("sport-culture", 10, [
        ("93.12Z", 2, "local", ["Club sportif de {place}"],
         ["Activités sportives", "Stages sportifs"], "sport"),
        ("90.01Z", 1, "national", ["Compagnie théâtrale de {place}"],
         ["Spectacles vivants"], "théâtre"),
    ]),
    ("finance-mutuelles", 9, [
        ("65.12Z", 1, "national", ["Mutuelle de {place}"],
         ["Complémentaire santé", "Prévoyance"], "mutuelle, santé"),
        ("64.19Z", 1, "national", ["Caisse coopérative de crédit de {place}"],
         ["Crédit aux entreprises de l'ESS", "Épargne solidaire"], "banque, finance solidaire"),
    ]),
    ("santé", 5, [
        ("86.10Z", 1, "local", ["Centre hospitalier associatif de {place}"],
         ["Soins hospitaliers"], "hôpital"),
    ]),
    ("insertion-services", 6, [
        ("78.30Z", 1, "local", ["Association intermédiaire de {place}"],
         ["Mise à disposition de personnel", "Insertion par l'activité économique"],
         "insertion, emploi"),
    ]),
]  # fmt: skip

# Legal categories (INSEE level III) per family, with weights.
LEGAL_CATEGORIES: dict[str, list[tuple[str, float]]] = {
    Family.SCOP: [("5458", 70), ("5558", 20), ("5658", 3), ("5710", 7)],
    Family.SCIC: [("5460", 25), ("5560", 15), ("5710", 60)],
    Family.CAE: [("5458", 50), ("5558", 25), ("5460", 10), ("5710", 15)],
    Family.OTHER_ESS: [
        ("9220", 82), ("9230", 3), ("9260", 2), ("8210", 4), ("9300", 3), ("6317", 4),
        ("5560", 2),
    ],
}  # fmt: skip

ZONE_MODE_SHARES: dict[str, list[tuple[str, float]]] = {
    "local": [(ZoneMode.RADIUS, 60), (ZoneMode.ZONES, 33), (ZoneMode.FRANCE, 7)],
    "national": [(ZoneMode.FRANCE, 45), (ZoneMode.RADIUS, 25), (ZoneMode.ZONES, 30)],
}
RADII = [(10, 8), (15, 8), (20, 14), (30, 22), (40, 10), (50, 18), (80, 8), (100, 8), (150, 4)]

LABELS = [
    ("esus", "Agrément ESUS", "Entreprise solidaire d'utilité sociale (article L3332-17-1)."),
    ("rge", "RGE", "Reconnu garant de l'environnement (travaux de rénovation énergétique)."),
    ("qualiopi", "Qualiopi", "Certification qualité des organismes de formation."),
    ("lucie", "Label Lucie", "Label de responsabilité sociétale (RSE)."),
    ("societe-a-mission", "Société à mission", "Qualité de société à mission (loi Pacte)."),
]  # fmt: skip

# Invented places, so that no demo name can be mistaken for a real organisation.
PLACE_ROOTS = [
    "Chêne", "Roche", "Font", "Bois", "Pierre", "Mont", "Belle", "Haute", "Clair", "Val",
    "Combe", "Serre", "Mire", "Brune", "Lune", "Sauve", "Fraîche", "Grand", "Vieille", "Roc",
]  # fmt: skip
PLACE_ENDINGS = [
    "brune", "vive", "claire", "merle", "fine", "joli", "verte", "lande", "rive", "brise",
    "ardent", "tiède", "fleur", "source", "vallon", "pré", "sable", "combe",
]  # fmt: skip
PLACE_SUFFIXES = ["", "", "", "", "-sur-Ardre", "-les-Bruyères", "-en-Vallon", "-du-Lac",
                  "-la-Neuve", "-des-Landes"]  # fmt: skip
STREETS = [
    "rue de la Coopération", "avenue des Tilleuls", "chemin des Vignes", "place du Marché",
    "rue des Artisans", "boulevard de l'Entraide", "impasse des Forges", "rue du Moulin",
    "allée des Sources", "route des Crêtes", "quai des Mariniers", "rue des Ateliers",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Dominique", "Claude", "Alex", "Sacha", "Lou", "Noa", "Charlie", "Maël", "Andréa",
    "Inès", "Léa", "Yasmine", "Nora", "Zoé", "Jeanne", "Hugo", "Malik", "Théo", "Karim",
    "Élodie", "Sofiane", "Margaux", "Bastien", "Aïcha", "Julien", "Clémence", "Paul", "Nadia",
    "Thomas",
]  # fmt: skip
LAST_NAMES = [
    "Lefèvre", "Garnier", "Morel", "Roussel", "Perrin", "Faure", "Mercier", "Blanc", "Guérin",
    "Boyer", "Chevalier", "Fontaine", "Barbier", "Renard", "Collet", "Benali", "Nguyen",
    "Da Silva", "Haddad", "Marchand", "Colin", "Vidal", "Caron", "Aubert",
]  # fmt: skip
ENTREPRENEUR_ACTIVITIES = [
    ("Graphiste", "74.10Z", "national", "Identité visuelle et mise en page"),
    ("Développeur·se web", "62.01Z", "national", "Sites web et applications"),
    ("Formateur·ice en communication", "85.59A", "national", "Formation à la prise de parole"),
    ("Photographe", "74.20Z", "local", "Reportage photo d'entreprise"),
    ("Traducteur·ice", "74.30Z", "national", "Traduction anglais-français"),
    ("Consultant·e RSE", "70.22Z", "national", "Accompagnement RSE des PME"),
    ("Menuisier·e", "43.32A", "local", "Petite menuiserie et agencement"),
    ("Paysagiste", "81.30Z", "local", "Conception de jardins"),
    ("Rédacteur·ice", "90.03B", "national", "Rédaction web et print"),
    ("Coach professionnel·le", "85.59A", "national", "Accompagnement des transitions"),
    ("Couturier·e", "14.13Z", "local", "Retouches et créations textiles"),
    ("Électricien·ne", "43.21A", "local", "Petits travaux d'électricité"),
]
VISIBILITY_SHARES = [(Visibility.PUBLIC, 70), (Visibility.MEMBERS, 20), (Visibility.HIDDEN, 10)]


# ----------------------------------------------------------------------------- results


@dataclass
class DemoNetworkStats:
    """What ``demo_network_create`` wrote (and deleted), and how long it took."""

    organisations: int = 0
    establishments: int = 0
    offers: int = 0
    offer_zones: int = 0
    entrepreneurs: int = 0
    labels: int = 0
    by_family: dict[str, int] = field(default_factory=dict)
    jobs: int = 0
    deleted_organisations: int = 0
    seconds: float = 0.0
    search_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class DemoNetworkError(Exception):
    """The network cannot be generated (no communes loaded, unknown union)."""


# ----------------------------------------------------------------------------- sampling


class _Weighted:
    """Draws from a fixed list of (value, weight) pairs with one bisect."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass
class _Place:
    code: str
    departement: str
    region: str
    epci: str | None
    latitude: float | None
    longitude: float | None
    postal_code: str


class _Places:
    """The loaded communes, drawn with the weight of their population."""

    def __init__(self, union: str | None) -> None:
        rows = Commune.objects.order_by("code")
        if union is not None:
            rows = rows.filter(departement__union_id=union)
        postal: dict[str, str] = {}
        for commune_id, code in PostalCode.objects.order_by("commune_id", "code").values_list(
            "commune_id", "code"
        ):
            postal.setdefault(commune_id, code)
        self.places: list[_Place] = []
        weights: list[float] = []
        self.by_departement: dict[str, list[int]] = {}
        self.departements_of_region: dict[str, list[str]] = {}
        for code, population, dep, region, epci, lat, lon in rows.values_list(
            "code", "population", "departement_id", "region_id", "epci_id", "latitude", "longitude"
        ):
            self.by_departement.setdefault(dep, []).append(len(self.places))
            departements = self.departements_of_region.setdefault(region, [])
            if dep not in departements:
                departements.append(dep)
            self.places.append(_Place(code, dep, region, epci, lat, lon, postal.get(code, "")))
            # A commune without a population figure still gets a small chance.
            weights.append(max(population, 1))
        if not self.places:
            raise DemoNetworkError(
                "Aucune commune chargée"
                + (f" dans l'union « {union} »" if union else "")
                + " : lancez d'abord `manage.py load_reference_data`."
            )
        self.cumulative = list(itertools.accumulate(weights))
        self._departement_cumulative: dict[str, list[float]] = {}

    def draw(self, rng: random.Random) -> _Place:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.places[min(index, len(self.places) - 1)]

    def draw_in_departement(self, rng: random.Random, departement: str) -> _Place:
        indexes = self.by_departement[departement]
        cumulative = self._departement_cumulative.get(departement)
        if cumulative is None:
            weights = [self.cumulative[i] - (self.cumulative[i - 1] if i else 0) for i in indexes]
            cumulative = self._departement_cumulative[departement] = list(
                itertools.accumulate(weights)
            )
        pick = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return self.places[indexes[min(pick, len(indexes) - 1)]]


def _trades(groups: list[tuple[str, float, list[Trade]]]) -> _Weighted:
    pairs: list[tuple[Trade, float]] = []
    for _name, share, trades in groups:
        total = sum(trade[1] for trade in trades)
        pairs.extend((trade, share * trade[1] / total) for trade in trades)
    return _Weighted(pairs)


def _family_sequence() -> Any:
    """Families of the cooperatives in the national proportions, for any prefix of the run.

    At each step the family furthest behind its share goes next (the largest-remainder rule
    applied incrementally), so the first 600 keep 2,723 : 1,417 : 155 as well as all 4,295.
    """
    total = sum(NATIONAL_COOPERATIVES.values())
    done = dict.fromkeys(NATIONAL_COOPERATIVES, 0)
    for step in range(1, total + 1):
        family = max(
            NATIONAL_COOPERATIVES,
            key=lambda f: NATIONAL_COOPERATIVES[f] * step / total - done[f],
        )
        done[family] += 1
        yield family


def _place_name(rng: random.Random) -> str:
    root = rng.choice(PLACE_ROOTS)
    ending = rng.choice(PLACE_ENDINGS)
    return f"{root}{ending}{rng.choice(PLACE_SUFFIXES)}"


def _slug(text: str) -> str:
    """A fast slugify for generated names (ASCII letters, digits and hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = []
    dash = False
    for char in ascii_text:
        if char.isalnum():
            out.append(char)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def _establishment_count(rng: random.Random, band: str) -> int:
    """Larger organisations have more establishments (mean ≈ 1.3 over the ESS)."""
    if band in {"NN", "00", "01", "02", "03"}:
        return 2 if rng.random() < 0.06 else 1
    if band in {"11", "12"}:
        return rng.choice((1, 1, 1, 1, 2, 2, 3))
    if band in {"21", "22"}:
        return rng.randint(1, 5)
    if band in {"31", "32", "41"}:
        return rng.randint(3, 15)
    return rng.randint(10, 60)


def _creation_date(rng: random.Random, family: str) -> date:
    earliest_years: dict[str, int] = {Family.SCIC: 2002, Family.CAE: 1995}
    earliest = earliest_years.get(family, 1884)
    scale = 25 if family == Family.OTHER_ESS else 13
    year = max(earliest, REFERENCE_DAY.year - 1 - int(rng.expovariate(1 / scale)))
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


# ----------------------------------------------------------------------------- delete


def demo_network_delete(*, progress: Progress | None = None) -> int:
    """Delete every synthetic organisation and what hangs off it; returns how many.

    Django's cascade collector loads every row it deletes, which takes minutes at national
    scale; this walks the same relations (whatever app declares them) with one set-based
    DELETE or UPDATE per relation instead. on_delete is honoured: CASCADE deletes, SET_NULL
    clears, PROTECT refuses. Delete signals are not sent (nothing listens to these models).
    """
    say = progress or (lambda message: None)
    synthetic = Organisation.objects.filter(is_synthetic=True)
    count = synthetic.count()
    if count:
        say(f"Suppression du réseau de démonstration précédent ({count} organisations)…")
        _purge(Organisation, synthetic)
    return count


def _purge(model: type[models.Model], queryset: models.QuerySet[Any]) -> None:
    """Delete ``queryset`` and, first, the rows of other tables that point at it."""
    keys = queryset.values("pk")
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        # Reverse relations (auto-created, not concrete) know their model and field.
        if not isinstance(relation, models.ForeignObjectRel) or relation.related_model is None:
            continue
        related_model: type[models.Model] = relation.related_model
        field = relation.field
        pointing = related_model._base_manager.filter(**{f"{field.name}__in": keys})
        on_delete = field.remote_field.on_delete
        if on_delete is models.CASCADE:
            _purge(related_model, pointing)
        elif on_delete is models.SET_NULL:
            pointing.update(**{field.name: None})
        elif on_delete is models.DO_NOTHING:
            continue
        elif pointing.exists():
            raise DemoNetworkError(
                f"{related_model._meta.verbose_name} référence le réseau de démonstration "
                f"({getattr(on_delete, '__name__', on_delete)}) : suppression impossible."
            )
    queryset._raw_delete(queryset.db)


# ----------------------------------------------------------------------------- create


def _search_refresh(progress: Progress) -> None:
    """Rebuild the search documents (full rebuild: it also recounts the vocabulary, which the
    deleted network leaves stale)."""
    from maillage.directory.search import search_document_refresh

    search_document_refresh(progress=progress)


class _Table:
    """Rows for one table, written with one prepared INSERT (``executemany``).

    The ORM's bulk_create prepares every value of every row through the field machinery, which
    is most of the time at national scale; here values are already what the database wants and
    the columns the generator does not set get their field default, computed once. Primary keys
    are reserved up front (max + 1 …) so that children can point at their parents without a
    round trip; sequences are reset at the end.
    """

    def __init__(self, model: type[models.Model], fields: list[str], now: Any) -> None:
        self.model = model
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        constant: list[Any] = []
        columns = ["id"] + [by_attname[name].column for name in fields]
        for f in meta.concrete_fields:
            if f.primary_key or f.attname in fields:
                continue
            auto = isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
            value = now if auto else f.get_default()
            constant.append(f.get_db_prep_save(value, connection))
            columns.append(f.column)
        self.tail = tuple(constant)
        quote = connection.ops.quote_name
        # Identifiers come from the model's metadata, quoted; values go as parameters.
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(c)) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        self.next_id = (model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> int:
        """Queue one row (values in the order of ``fields``); returns its primary key."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.tail))
        return pk

    def flush(self) -> int:
        count = len(self.rows)
        if count:
            with connection.cursor() as cursor:
                # The DB-API cursor itself: Django's debug wrapper would format every value.
                cursor.cursor.executemany(self.sql, self.rows)
            self.rows = []
        return count


@transaction.atomic
def demo_network_create(
    *,
    establishments: int,
    seed: int = 0,
    progress: Progress | None = None,
    union: str | None = None,
    search_refresh: bool = True,
) -> DemoNetworkStats:
    """Replace the synthetic network by one of about ``establishments`` establishments.

    ``union`` (a union slug) keeps every head office inside that union's communes; otherwise
    the whole loaded territory is used. ``search_refresh=False`` leaves the search documents
    to the caller (benchmarks that time the generator alone). Deterministic for a given seed
    and reference data. Run it on a quiet database: primary keys are reserved in advance (the
    tables are locked on PostgreSQL).
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    stats = DemoNetworkStats()
    stats.deleted_organisations = demo_network_delete(progress=say)
    through = Organisation.labels.through
    tables_models: list[type[models.Model]] = [
        Organisation, Establishment, Entrepreneur, Offer, OfferZone, through,
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables_models)
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")

    rng = random.Random(seed)  # noqa: S311 — fictional data, not security
    places = _Places(union)
    used_codes = {t[0] for _, _, ts in COOP_GROUPS + OTHER_GROUPS for t in ts}
    sectors = dict(_sector_ids(used_codes | {a[1] for a in ENTREPRENEUR_ACTIVITIES}))
    _labels()
    now = timezone.now()
    writer = _Writer(now)
    draws = _Draws()
    union_of_departement = _departement_unions()
    families = _family_sequence()

    remaining = max(0, establishments)
    index = 0
    say(f"Génération d'environ {remaining} établissements (graine {seed})…")
    while remaining > 0:
        plans: list[dict[str, Any]] = []
        while remaining > 0 and len(plans) < CHUNK:
            family = next(families, Family.OTHER_ESS)
            plan = _plan_organisation(
                rng,
                index=index,
                family=family,
                trades=draws.other_trades if family == Family.OTHER_ESS else draws.coop_trades,
                band=draws.bands[family].draw(rng),
                legal_category=draws.legal[family].draw(rng),
                places=places,
            )
            plan["establishments"] = min(plan["establishments"], remaining)
            remaining -= plan["establishments"]
            plans.append(plan)
            index += 1
        _write_chunk(
            rng,
            plans,
            stats=stats,
            writer=writer,
            draws=draws,
            places=places,
            sectors=sectors,
            union_of_departement=union_of_departement,
            now=now,
        )
        say(
            f"  {stats.organisations} organisations, {stats.establishments} établissements, "
            f"{stats.offers} offres"
        )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), tables_models):
            cursor.execute(sql)
    stats.seconds = round(time.perf_counter() - started, 2)
    # The map's cached point indexes describe the network that was just replaced.
    from maillage.directory.map_index import map_points_changed

    map_points_changed()
    if search_refresh:
        say("Index de recherche…")
        _search_refresh(say)
        stats.search_seconds = round(time.perf_counter() - started - stats.seconds, 2)
    say(f"Réseau de démonstration prêt en {stats.seconds + stats.search_seconds:.1f} s.")
    return stats


class _Draws:
    """The weighted tables the generator draws from, built once."""

    def __init__(self) -> None:
        self.coop_trades = _trades(COOP_GROUPS)
        self.other_trades = _trades(OTHER_GROUPS)
        self.bands = {family: _Weighted(weights) for family, weights in BAND_WEIGHTS.items()}
        self.legal = {family: _Weighted(weights) for family, weights in LEGAL_CATEGORIES.items()}
        self.zone_modes = {reach: _Weighted(shares) for reach, shares in ZONE_MODE_SHARES.items()}
        self.radii = _Weighted(RADII)
        self.visibilities = _Weighted(VISIBILITY_SHARES)


class _Writer:
    """One _Table per model the generator writes."""

    def __init__(self, now: Any) -> None:
        self.organisations = _Table(
            Organisation,
            [
                "name", "slug", "legal_category", "family", "is_ess", "commune_id", "sector_id",
                "creation_date", "headcount_band", "headcount", "associates_count",
                "description", "website", "contact_email", "phone", "is_union_member",
                "union_id", "union_joined_on", "is_synthetic", "confirmed_at",
            ],
            now,
        )  # fmt: skip
        self.establishments = _Table(
            Establishment,
            [
                "organisation_id", "name", "is_headquarters", "address", "postal_code",
                "commune_id", "latitude", "longitude", "point_precision", "sector_id",
                "headcount_band",
            ],
            now,
        )  # fmt: skip
        self.entrepreneurs = _Table(
            Entrepreneur,
            [
                "cae_id", "display_name", "slug", "activity", "sector_id", "commune_id",
                "visibility", "is_synthetic",
            ],
            now,
        )  # fmt: skip
        self.offers = _Table(
            Offer,
            [
                "organisation_id", "entrepreneur_id", "title", "description", "sector_id",
                "keywords", "zone_mode", "radius_km", "origin_id",
            ],
            now,
        )  # fmt: skip
        self.zones = _Table(OfferZone, ["offer_id", "level", "code"], now)
        self.labels = _Table(Organisation.labels.through, ["organisation_id", "label_id"], now)

    def flush(self) -> None:
        for table in (
            self.organisations,
            self.establishments,
            self.entrepreneurs,
            self.offers,
            self.zones,
            self.labels,
        ):
            table.flush()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sector_ids(codes: set[str]) -> list[tuple[str, int]]:
    """(code, id) of the NAF rév. 2 sub-classes the generator uses (missing ones are skipped)."""
    from maillage.sectors.models import Nomenclature, Sector

    return list(
        Sector.objects.filter(nomenclature=Nomenclature.NAF_REV2, code__in=codes).values_list(
            "code", "id"
        )
    )


def _labels() -> None:
    """The labels the demo hands out, created when missing (they are real labels: kept)."""
    found = set(
        Label.objects.filter(slug__in=[s for s, _, _ in LABELS]).values_list("slug", flat=True)
    )
    Label.objects.bulk_create(
        [
            Label(slug=slug, name=name, description=text)
            for slug, name, text in LABELS
            if slug not in found
        ]
    )


def _departement_unions() -> dict[str, str | None]:
    from maillage.territories.models import Departement

    return dict(Departement.objects.values_list("code", "union_id"))


def _plan_organisation(
    rng: random.Random,
    *,
    index: int,
    family: str,
    trades: _Weighted,
    band: str,
    legal_category: str,
    places: _Places,
) -> dict[str, Any]:
    """Everything about one organisation, drawn in a fixed order (determinism)."""
    trade: Trade = trades.draw(rng)
    place_name = _place_name(rng)
    pattern = rng.choice(trade[3])
    name = pattern.format(place=place_name)
    if family == Family.SCIC and not name.startswith("Scic"):
        name = f"Scic {name}"
    elif family == Family.CAE:
        name = rng.choice(
            [
                "CAE Entreprendre ensemble {place}",
                "CAE Les Indépendants de {place}",
                "Coopérative d'activités {place}",
            ]
        ).format(place=place_name)
    low, high = BAND_RANGES.get(band, (0, 0))
    exact = band != "NN" and family != Family.OTHER_ESS and rng.random() < 0.7
    headcount = rng.randint(low, high) if exact else None
    return {
        "index": index,
        "family": family,
        "trade": trade,
        "name": name,
        "band": band,
        "headcount": headcount,
        "legal_category": legal_category,
        "head_office": places.draw(rng),
        "creation_date": _creation_date(rng, family),
        "establishments": _establishment_count(rng, band),
    }


def _estimated_headcount(plan: dict[str, Any]) -> int:
    if plan["headcount"] is not None:
        return int(plan["headcount"])
    low, high = BAND_RANGES.get(plan["band"], (0, 0))
    return (low + high) // 2


def _write_chunk(
    rng: random.Random,
    plans: list[dict[str, Any]],
    *,
    stats: DemoNetworkStats,
    writer: _Writer,
    draws: _Draws,
    places: _Places,
    sectors: dict[str, int],
    union_of_departement: dict[str, str | None],
    now: Any,
) -> None:
    """Queue and write the organisations of ``plans`` and everything under them."""
    ops = connection.ops
    date_value = ops.adapt_datefield_value
    for plan in plans:
        family = plan["family"]
        trade = plan["trade"]
        place: _Place = plan["head_office"]
        cooperative = family != Family.OTHER_ESS
        slug = f"demo-{plan['index'] + 1}-{_slug(plan['name'])}"[:80].rstrip("-")
        short = slug[:40].rstrip("-")
        member = cooperative and rng.random() < 0.88
        headcount = _estimated_headcount(plan)
        associates = None
        if family == Family.SCOP:
            associates = max(2, round(headcount * rng.uniform(0.5, 0.9)))
        elif family == Family.SCIC:
            associates = rng.randint(10, 60) + headcount
        elif family == Family.CAE:
            associates = max(7, round(headcount * rng.uniform(0.2, 0.5)))
        confirmed = None
        if cooperative and rng.random() < 0.7:
            confirmed = ops.adapt_datetimefield_value(now - timedelta(days=rng.randint(0, 600)))
        union_id = union_of_departement.get(place.departement)
        joined = None
        if member:
            joined = min(REFERENCE_DAY, plan["creation_date"] + timedelta(days=rng.randint(0, 900)))
        plan["sector_id"] = sectors.get(trade[0])
        plan["id"] = writer.organisations.add(
            plan["name"],
            slug,
            plan["legal_category"],
            str(family),
            True,
            place.code,
            plan["sector_id"],
            date_value(plan["creation_date"]),
            plan["band"],
            plan["headcount"],
            associates if rng.random() < 0.9 else None,
            f"{plan['name']} : {', '.join(_lower_first(t) for t in trade[4][:3])}. "
            "Organisation fictive du réseau de démonstration de Maillage.",
            f"https://www.{short}.{DEMO_DOMAIN}" if rng.random() < 0.5 else "",
            f"contact@{short}.{DEMO_DOMAIN}" if cooperative else "",
            (
                f"0{rng.randint(1, 5)} 99 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
                if rng.random() < 0.6
                else ""
            ),
            member,
            union_id if member else None,
            date_value(joined),
            True,
            confirmed,
        )
        stats.by_family[str(family)] = stats.by_family.get(str(family), 0) + 1
        stats.jobs += headcount
    stats.organisations += len(plans)

    # Establishments: the head office where the organisation is, the others mostly nearby.
    for plan in plans:
        count = plan["establishments"]
        head: _Place = plan["head_office"]
        per_site = max(0, _estimated_headcount(plan) // max(count, 1))
        for n in range(count):
            if n == 0:
                place = head
            elif rng.random() < 0.6:
                place = places.draw_in_departement(rng, head.departement)
            else:
                place = places.draw(rng)
            latitude, longitude = place.latitude, place.longitude
            has_point = latitude is not None and longitude is not None
            pk = writer.establishments.add(
                plan["id"],
                "" if n == 0 else f"{plan['name']} — site {n + 1}",
                n == 0,
                f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                place.postal_code,
                place.code,
                latitude + rng.gauss(0, 0.008) if latitude is not None else None,
                longitude + rng.gauss(0, 0.011) if longitude is not None else None,
                PointPrecision.ADDRESS.value if has_point else PointPrecision.NONE.value,
                plan["sector_id"],
                (
                    plan["band"]
                    if count == 1 or plan["band"] == "NN"
                    else band_for_headcount(per_site)
                ),
            )
            if n == 0:
                plan["head_office_id"] = pk
        stats.establishments += count

    def add_offer(
        *,
        organisation_id: int,
        owner: str,
        title: str,
        keywords: str,
        sector_code: str,
        reach: str,
        place: _Place,
        origin_id: int | None,
        entrepreneur_id: int | None = None,
    ) -> None:
        mode = draws.zone_modes[reach].draw(rng)
        offer_id = writer.offers.add(
            organisation_id,
            entrepreneur_id,
            title,
            f"{title}, proposé par {owner} (offre de démonstration).",
            sectors.get(sector_code),
            keywords,
            str(mode),
            draws.radii.draw(rng) if mode == ZoneMode.RADIUS else None,
            origin_id if mode == ZoneMode.RADIUS else None,
        )
        stats.offers += 1
        if mode == ZoneMode.ZONES:
            for level, code in _zones_around(rng, place, places):
                writer.zones.add(offer_id, str(level), code)
                stats.offer_zones += 1

    for plan in plans:
        trade = plan["trade"]
        if plan["family"] == Family.OTHER_ESS:
            count = 1 if rng.random() < 0.3 else 0
        else:
            count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        for title in rng.sample(trade[4], min(count, len(trade[4]))):
            add_offer(
                organisation_id=plan["id"],
                owner=plan["name"],
                title=title,
                keywords=trade[5],
                sector_code=trade[0],
                reach=trade[2],
                place=plan["head_office"],
                origin_id=plan["head_office_id"],
            )

    # CAE entrepreneurs, each with one offer of their own.
    for plan in plans:
        if plan["family"] != Family.CAE:
            continue
        head = plan["head_office"]
        taken: set[str] = set()
        for _ in range(rng.randint(8, 30)):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            activity = rng.choice(ENTREPRENEUR_ACTIVITIES)
            slug = _slug(name)
            if slug in taken:
                slug = f"{slug}-{len(taken) + 1}"
            taken.add(slug)
            place = places.draw_in_departement(rng, head.departement)
            entrepreneur_id = writer.entrepreneurs.add(
                plan["id"],
                name,
                slug,
                f"{activity[0]} — {_lower_first(activity[3])}.",
                sectors.get(activity[1]),
                place.code,
                str(draws.visibilities.draw(rng)),
                True,
            )
            stats.entrepreneurs += 1
            add_offer(
                organisation_id=plan["id"],
                owner=name,
                title=activity[3],
                keywords=activity[0].lower(),
                sector_code=activity[1],
                reach=activity[2],
                place=place,
                origin_id=None,
                entrepreneur_id=entrepreneur_id,
            )

    # Labels, where the trade or the family makes them likely.
    for plan in plans:
        code = plan["trade"][0]
        chances = {
            "esus": {Family.SCIC: 0.6, Family.SCOP: 0.1, Family.CAE: 0.3}.get(plan["family"], 0.05),
            "rge": 0.45 if code.startswith("43") else 0.0,
            "qualiopi": 0.7 if code.startswith("85") else 0.0,
            "lucie": 0.03,
            "societe-a-mission": 0.03 if plan["family"] != Family.OTHER_ESS else 0.0,
        }
        for label, chance in chances.items():
            if chance and rng.random() < chance:
                writer.labels.add(plan["id"], label)
                stats.labels += 1
    writer.flush()


def _zones_around(rng: random.Random, place: _Place, places: _Places) -> list[tuple[str, str]]:
    """One to three territories around a place, as (level, code) pairs."""
    roll = rng.random()
    if roll < 0.2 and place.epci:
        return [(ZoneLevel.EPCI, place.epci)]
    if roll < 0.35:
        return [(ZoneLevel.REGION, place.region)]
    zones: list[tuple[str, str]] = [(ZoneLevel.DEPARTEMENT, place.departement)]
    if roll < 0.65:
        neighbours = [
            d for d in places.departements_of_region[place.region] if d != place.departement
        ]
        for code in rng.sample(neighbours, min(len(neighbours), rng.randint(1, 2))):
            zones.append((ZoneLevel.DEPARTEMENT, code))
    return zones
