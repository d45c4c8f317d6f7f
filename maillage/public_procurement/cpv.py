"""Divisions of the Common Procurement Vocabulary (CPV 2008), French labels.

Source: Règlement (CE) n° 213/2008 de la Commission du 28 novembre 2007 (vocabulaire commun pour
les marchés publics), annexe I, the 45 divisions (two first digits of a code), shortened where
the official label is very long. EU legislation, reusable (Décision 2011/833/UE).
"""

from __future__ import annotations

CPV_DIVISIONS: dict[str, str] = {
    "03": "Produits agricoles, de l'élevage, de la pêche et de la sylviculture",
    "09": "Produits pétroliers, combustibles, électricité et autres sources d'énergie",
    "14": "Produits d'exploitation minière, métaux de base",
    "15": "Produits alimentaires, boissons, tabac",
    "16": "Machines agricoles",
    "18": "Vêtements, articles chaussants, bagages et accessoires",
    "19": "Cuir et textiles, matériaux en plastique et en caoutchouc",
    "22": "Imprimés et produits connexes",
    "24": "Produits chimiques",
    "30": "Machines, matériel et fournitures de bureau et de calcul",
    "31": "Machines, appareils, équipements et consommables électriques ; éclairage",
    "32": "Équipements de radio, de télévision, de communication et de télécommunication",
    "33": "Matériels médicaux, pharmaceutiques et produits de soins personnels",
    "34": "Équipements de transport et produits auxiliaires pour le transport",
    "35": "Équipements de sécurité, de lutte contre l'incendie, de police et de défense",
    "37": "Instruments de musique, articles de sport, jeux, jouets, artisanat",
    "38": "Équipements de laboratoire, d'optique et de précision",
    "39": "Meubles, aménagements, électroménager et produits de nettoyage",
    "41": "Eau collectée et purifiée",
    "42": "Machines industrielles",
    "43": "Machines pour l'exploitation minière et les carrières, matériel de construction",
    "44": "Structures et matériaux de construction",
    "45": "Travaux de construction",
    "48": "Logiciels et systèmes d'information",
    "50": "Services de réparation et d'entretien",
    "51": "Services d'installation (à l'exception des logiciels)",
    "55": "Services d'hôtellerie, de restauration et de commerce au détail",
    "60": "Services de transport (à l'exclusion du transport des déchets)",
    "63": "Services de transport complémentaires et auxiliaires ; agences de voyages",
    "64": "Services des postes et télécommunications",
    "65": "Services publics",
    "66": "Services financiers et services d'assurance",
    "70": "Services immobiliers",
    "71": "Services d'architecture, de construction, d'ingénierie et d'inspection",
    "72": "Services de technologies de l'information, conseil, logiciels, internet",
    "73": "Services de recherche et développement et conseil connexe",
    "75": "Services de l'administration publique, de la défense et de la sécurité sociale",
    "76": "Services liés à l'industrie du pétrole et du gaz",
    "77": "Services agricoles, sylvicoles, horticoles, aquacoles et apicoles",
    "79": "Services aux entreprises : droit, marketing, conseil, recrutement, impression, sécurité",
    "80": "Services d'enseignement et de formation",
    "85": "Services de santé et services sociaux",
    "90": "Services d'assainissement, de traitement des déchets, d'hygiène et d'environnement",
    "92": "Services récréatifs, culturels et sportifs",
    "98": "Autres services communautaires, sociaux et personnels",
}


def division_label(code: str) -> str:
    return CPV_DIVISIONS.get(code, "")
