"""The platform's areas, named as the movement names them, in navigation order."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    slug: str
    label: Promise
    url_name: str
    summary: Promise
    congress_asks: tuple[Promise, ...] = field(default_factory=tuple)
    # Django apps whose pages belong to this area, so the navigation marks it as current there.
    apps: tuple[str, ...] = ()


AREAS: tuple[Area, ...] = (
    Area(
        slug="annuaire",
        label=_("Annuaire et carte"),
        url_name="core:area-annuaire",
        apps=("territories", "sectors", "directory"),
        summary=_(
            "Les coopératives, leurs offres et les entrepreneurs des CAE, par territoire "
            "et par secteur, pour se connaître et acheter entre coopératives."
        ),
        congress_asks=(
            _(
                "Moderniser les outils numériques (annuaire, plateformes) pour faciliter les "
                "mises en relation."
            ),
            _("Améliorer la visibilité des activités des adhérents, y compris des CAE."),
            _(
                "Accentuer l'interconnaissance et les actions sur le territoire : cartographie, "
                "rencontres."
            ),
        ),
    ),
    Area(
        slug="intercooperation",
        label=_("Intercoopération"),
        url_name="core:area-intercooperation",
        apps=("exchange", "mentoring", "purchases", "public_procurement"),
        summary=_(
            "Besoins et appels d'offres proposés aux coopératives, groupements pour les marchés "
            "publics, achats entre coopératives, parrainage des nouvelles coopératives."
        ),
        congress_asks=(
            _("Créer un dispositif de parrainage territorial pour les nouvelles Scop et Scic."),
            _("Développer un appui juridique aux réponses à appel d'offres en consortium."),
            _("Favoriser les achats inter-coopératives."),
        ),
    ),
    Area(
        slug="democratie",
        label=_("Démocratie"),
        url_name="core:area-democratie",
        apps=("democracy", "sortition"),
        summary=_(
            "Congrès et ateliers, propositions priorisées au jugement majoritaire, feuille de "
            "route suivie en public, tirage au sort équitable pour les conventions citoyennes."
        ),
        congress_asks=(
            _("La sociocratie, la coprésidence et les conventions citoyennes (tirage au sort)."),
            _(
                "Le développement d'espaces d'échanges entre coopératives autour des pratiques "
                "de gouvernance."
            ),
        ),
    ),
    Area(
        slug="indicateurs",
        label=_("Indicateurs"),
        url_name="core:area-indicateurs",
        apps=("indicators", "ecology"),
        summary=_(
            "La campagne annuelle et le rapport « Démocratie et travail », les indicateurs "
            "écologiques, l'emploi coopératif vers 100 000 emplois."
        ),
        congress_asks=(
            _(
                "La publication annuelle d'un rapport mesurant l'impact de la démocratie sur "
                "l'organisation du travail (QVT, arrêts, absentéisme, turn-over)."
            ),
            _(
                "Introduire des indicateurs écologiques dans les processus de création et dans "
                "les révisions coopératives."
            ),
        ),
    ),
    Area(
        slug="services",
        label=_("Services"),
        url_name="core:area-services",
        apps=("training", "jobs", "funding", "resources"),
        summary=_(
            "Parcours de formation, emplois et jeunesse, financements, base documentaire et "
            "offre de services de l'union."
        ),
        congress_asks=(
            _("Déployer un parcours de formation pluriannuel, modulaire."),
            _(
                "Mieux cibler et rendre visible l'offre selon l'âge, l'activité ou le type "
                "d'accompagnement."
            ),
            _("Enrichir l'offre : mutualisation des fonctions support, base documentaire."),
        ),
    ),
)

AREAS_BY_SLUG = {area.slug: area for area in AREAS}
