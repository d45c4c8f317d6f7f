"""Post-moderation: union delegates review the published changes of their unions' profiles,
and accept or revert them (a revert writes the previous values back)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.accounts.services import RuleError
from maillage.accounts.views import AuthenticatedRequest, client_ip

from . import perms, selectors, services
from .models import ProfileChange, ProfileChangeStatus

PAGE_SIZE = 30
FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("Raison sociale"),
    "acronym": gettext_lazy("Sigle"),
    "description": gettext_lazy("Présentation"),
    "website": gettext_lazy("Site web"),
    "contact_email": gettext_lazy("E-mail de contact"),
    "phone": gettext_lazy("Téléphone"),
    "sector": gettext_lazy("Activité (NAF)"),
    "creation_date": gettext_lazy("Date de création"),
    "headcount_band": gettext_lazy("Tranche d'effectif"),
    "headcount": gettext_lazy("Effectif"),
    "associates_count": gettext_lazy("Associés"),
    "title": gettext_lazy("Intitulé"),
    "keywords": gettext_lazy("Mots-clés"),
    "zone_mode": gettext_lazy("Zone d'intervention"),
    "radius_km": gettext_lazy("Rayon (km)"),
    "origin": gettext_lazy("Établissement de départ"),
    "zones": gettext_lazy("Territoires"),
    "display_name": gettext_lazy("Nom affiché"),
    "activity": gettext_lazy("Activité"),
    "commune": gettext_lazy("Commune"),
    "visibility": gettext_lazy("Visibilité"),
}


def moderation_link(user: Any) -> dict[str, str] | None:
    """The moderation queue, as a link of the directory's area, for those who may moderate."""
    if not perms.can_view_moderation_queue(user):
        return None
    return {
        "label": _("Modération des fiches"),
        "url": reverse("directory:moderation"),
        "summary": _(
            "Les modifications publiées des fiches des coopératives de votre union : les "
            "accepter ou rétablir les valeurs précédentes."
        ),
    }


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    if not perms.can_view_moderation_queue(request.user):
        raise PermissionDenied
    status = request.GET.get("statut", ProfileChangeStatus.PENDING)
    if status not in ProfileChangeStatus.values:
        status = ProfileChangeStatus.PENDING
    changes = selectors.moderation_queue(perms.moderation_union_scope(request.user), status=status)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    for change in page:
        keys = list(dict.fromkeys([*change.before, *change.after]))
        change.rows = [  # type: ignore[attr-defined]
            (FIELD_LABELS.get(key, key), change.before.get(key), change.after.get(key))
            for key in keys
            if key != "entrepreneur"
        ]
    return render(
        request,
        "directory/moderation/queue.html",
        {"page": page, "status": status, "statuses": ProfileChangeStatus.choices},
    )


@login_required
@require_POST
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(
        ProfileChange.objects.select_related("organisation__commune__departement"), pk=pk
    )
    if not perms.can_review_change(request.user, change):
        raise PermissionDenied
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            services.profile_change_accept(
                change=change, reviewer=request.user, ip=client_ip(request)
            )
            messages.success(request, _("Modification acceptée."))
        elif decision == "revert":
            services.profile_change_revert(
                change=change, reviewer=request.user, ip=client_ip(request)
            )
            messages.success(
                request, _("Modification annulée : les valeurs précédentes sont rétablies.")
            )
        else:
            messages.error(request, _("Décision inconnue."))
    except RuleError as exc:
        messages.error(request, exc.message)
    return redirect("directory:moderation")
