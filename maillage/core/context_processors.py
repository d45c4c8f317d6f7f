"""Values every page needs: the navigation toward the platform's areas."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .areas import AREAS


def platform(request: HttpRequest) -> dict[str, Any]:
    match = request.resolver_match
    here_name = f"{match.namespace}:{match.url_name}" if match else ""
    here_app = match.app_name if match else ""
    nav = [
        {
            "label": area.label,
            "url": reverse(area.url_name),
            "current": here_name == area.url_name or here_app in area.apps,
        }
        for area in AREAS
    ]
    return {
        "platform_name": "Maillage",
        "platform_tagline": _("Le réseau des Scop, Scic et CAE"),
        "nav_areas": nav,
        "demo_mode": settings.MAILLAGE_DEMO,
    }
