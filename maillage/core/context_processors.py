"""Values every page needs: the navigation toward the platform's areas."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .areas import AREAS


def platform(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    nav = []
    for area in AREAS:
        url = reverse(area.url_name)
        nav.append({"label": area.label, "url": url, "current": path.startswith(url)})
    return {
        "platform_name": "Maillage",
        "platform_tagline": _("Le réseau des Scop, Scic et CAE"),
        "nav_areas": nav,
        "demo_mode": settings.MAILLAGE_DEMO,
    }
