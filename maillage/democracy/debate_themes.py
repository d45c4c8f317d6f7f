"""The themes of the exchanges of practices, as the congress of 20 November 2025 named them
("le développement d'espaces d'échanges entre coopératives autour des pratiques de
gouvernance"; "la sociocratie, la coprésidence…"). Plain data: the migration that creates them
and ``services.debate_themes_seed`` both read it."""

from __future__ import annotations

#: (slug, name, description), in display order.
THEMES = [
    (
        "sociocratie",
        "Sociocratie",
        "Cercles, décisions par consentement, élections sans candidat : ce qui marche chez vous.",
    ),
    (
        "copresidence",
        "Coprésidence et cogérance",
        "Partager la présidence ou la gérance : répartition des rôles, relais, écueils.",
    ),
    (
        "gouvernance-partagee",
        "Gouvernance partagée",
        "Instances, délégations, redevabilité : faire vivre la démocratie au quotidien.",
    ),
    (
        "place-des-salaries",
        "Place des salariés",
        "Salariés associés et non associés, sociétariat, dialogue avec les organisations "
        "syndicales.",
    ),
    (
        "tirage-au-sort",
        "Tirage au sort et conventions",
        "Conventions citoyennes, comités tirés au sort : expériences dans les coopératives.",
    ),
    (
        "conflits-et-expression",
        "Fertilité du conflit et liberté d'expression",
        "Accueillir les désaccords, médiation, tiers de confiance.",
    ),
    (
        "transmission",
        "Transmission et changement de gérance",
        "Préparer un départ, accompagner une nouvelle gérance, former les futurs mandataires.",
    ),
]
