"""What the map component needs from the server: URLs, the tile settings, its words."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.directory.enums import Family

register = template.Library()

SLUG_PLACEHOLDER = "slug-placeholder"


@register.simple_tag(takes_context=True)
def map_config(context: template.Context, params: str | None = None) -> dict[str, Any]:
    """Settings of the map component: `{% map_config as map %}`.

    `params` is the query string of the search the map starts with (by default the page's
    own, without the list's page and order).
    """
    request = context.get("request")
    if not params:
        query = request.GET.copy() if request is not None else None
        if query is not None:
            query.pop("page", None)
            query.pop("tri", None)
        params = query.urlencode() if query is not None else ""
    widget_path = reverse("directory:widget")
    widget_url = request.build_absolute_uri(widget_path) if request is not None else widget_path
    return {
        "params": params,
        "clusters_url": reverse("directory:map_clusters"),
        "detail_url": reverse("directory:detail", kwargs={"slug": SLUG_PLACEHOLDER}),
        "index_url": reverse("directory:index"),
        "widget_url": widget_url,
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "texts": {
            "families": {str(value): str(label) for value, label in Family.choices},
            "cluster": _("%(count)s établissements, zoomer"),
            "place": _("%(count)s établissements à cet endroit, afficher la liste"),
            "inView": _("%(count)s établissements dans la zone affichée."),
            "inViewOne": _("1 établissement dans la zone affichée."),
            "inViewNone": _("Aucun établissement dans la zone affichée."),
            "loading": _("Chargement de la carte…"),
            "failed": _("La carte n'a pas pu être chargée. Réessayez en déplaçant la carte."),
            "demo": _("Démonstration"),
            "listTitle": _("%(count)s établissements à cet endroit"),
            "listMore": _("et %(count)s autres : affinez la recherche pour les voir."),
            "copied": _("Code copié."),
            "copyFailed": _("Copie impossible : sélectionnez le code et copiez-le."),
            "iframeTitle": _("Carte des établissements de l'annuaire"),
        },
    }
