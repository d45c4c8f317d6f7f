from __future__ import annotations

import json
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .areas import AREAS, AREAS_BY_SLUG
from .selectors import reference_counts

VENDOR_MANIFEST = Path(__file__).resolve().parent / "static" / "vendor" / "VENDORED.json"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"areas": AREAS, "counts": reference_counts()})


def _area_links(slug: str) -> list[dict[str, str]]:
    """What each area already offers; areas not built yet show what the congress asked."""
    if slug == "annuaire":
        return [
            {
                "label": _("Territoires"),
                "url": reverse("territories:index"),
                "summary": _("Régions, unions, départements, intercommunalités et communes."),
            },
            {
                "label": _("Secteurs d'activité"),
                "url": reverse("sectors:index"),
                "summary": _("La nomenclature NAF rév. 2, de la section à la sous-classe."),
            },
            {
                "label": _("Organisations"),
                "url": reverse("directory:index"),
                "summary": _("Les coopératives et organisations inscrites sur la plateforme."),
            },
        ]
    if slug == "intercooperation":
        return [
            {
                "label": _("Besoins et appels d'offres"),
                "url": reverse("exchange:create"),
                "summary": _(
                    "Déposer un besoin ou un marché en lots : l'union le valide et le propose "
                    "aux coopératives qui peuvent y répondre."
                ),
            },
            {
                "label": _("Besoins reçus et alertes"),
                "url": reverse("exchange:received"),
                "summary": _(
                    "Les besoins proposés à votre coopérative et vos alertes par secteur et "
                    "territoire."
                ),
            },
            {
                "label": _("Achats entre coopératives"),
                "url": reverse("purchases:dashboard"),
                "summary": _(
                    "Enregistrer ou importer les achats de votre coopérative, sa part d'achats "
                    "dans le réseau, les achats entre coopératives par année, territoire et "
                    "secteur."
                ),
            },
            {
                "label": _("Marchés publics"),
                "url": reverse("public_procurement:index"),
                "summary": _(
                    "Les marchés publics remportés par les coopératives (données essentielles "
                    "de la commande publique), par territoire et par secteur."
                ),
            },
            {
                "label": _("Parrainage, mentorat et ambassadeurs"),
                "url": reverse("mentoring:index"),
                "summary": _(
                    "Parrainage territorial des nouvelles Scop et Scic, mentorat par des "
                    "coopérateurs expérimentés, ambassadeurs du mouvement dans les écoles."
                ),
            },
        ]
    if slug == "democratie":
        return [
            {
                "label": _("Congrès et votes"),
                "url": reverse("democracy:index"),
                "summary": _(
                    "Les congrès, leurs ateliers et propositions, la priorisation au jugement "
                    "majoritaire et ses résultats."
                ),
            },
            {
                "label": _("Conventions citoyennes tirées au sort"),
                "url": reverse("sortition:index"),
                "summary": _(
                    "Se porter volontaire, des quotas représentatifs, des chances aussi égales "
                    "que possible et un tirage public que chacun peut vérifier."
                ),
            },
        ]
    if slug == "indicateurs":
        return [
            {
                "label": _("Campagne annuelle d'indicateurs"),
                "url": reverse("indicators:index"),
                "summary": _(
                    "Le questionnaire de chaque coopérative (travail, gouvernance, écologie), "
                    "son import depuis un tableur, la validation par l'union et l'enquête "
                    "anonyme auprès des salariés."
                ),
            },
            {
                "label": _("Rapport « Démocratie et travail »"),
                "url": reverse("indicators:report-list"),
                "summary": _(
                    "Le rapport annuel publié par chaque union : qualité de vie au travail, "
                    "absentéisme, turn-over et pratiques démocratiques, sans jamais révéler une "
                    "coopérative."
                ),
            },
            {
                "label": _("Emplois coopératifs vers 100 000"),
                "url": reverse("indicators:jobs"),
                "summary": _(
                    "Les emplois et les coopératives par année, territoire et secteur, face à "
                    "l'objectif du mouvement."
                ),
            },
            {
                "label": _("Indicateurs écologiques"),
                "url": reverse("ecology:index"),
                "summary": _(
                    "Une grille versionnée avec un plancher par thème, à la création et à chaque "
                    "révision coopérative, justificatifs joints ; le simulateur de prêt "
                    "éco-conditionnel."
                ),
            },
        ]
    return []


def area(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        current = AREAS_BY_SLUG[slug]
    except KeyError as exc:
        raise Http404 from exc
    links = _area_links(slug)
    if slug == "annuaire":
        from maillage.directory.views_moderation import moderation_link

        if moderation := moderation_link(request.user):
            links.append(moderation)
    return render(request, "core/area.html", {"area": current, "links": links})


def notices(request: HttpRequest) -> HttpResponse:
    vendored = json.loads(VENDOR_MANIFEST.read_text()) if VENDOR_MANIFEST.exists() else {}
    return render(request, "core/notices.html", {"vendored": vendored})
