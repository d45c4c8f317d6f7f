"""Keeping a profile alive: its administrators edit it, its offers (with their zones) and its
entrepreneurs, and confirm it is up to date; entrepreneurs edit their own sub-profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.services import RuleError
from maillage.accounts.views import AuthenticatedRequest

from . import perms, selectors, services
from .forms import EntrepreneurForm, OfferForm, OrganisationProfileForm, zone_suggestions
from .models import Offer, Organisation


def _editable(request: AuthenticatedRequest, slug: str) -> Organisation:
    organisation = selectors.organisation_page(slug)
    if not perms.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def profile_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = _editable(request, slug)
    form = OrganisationProfileForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        change = services.organisation_update(
            organisation=organisation, author=request.user, data=form.cleaned_data
        )
        messages.success(
            request,
            _("La fiche est mise à jour.") if change else _("Aucune modification."),
        )
        return redirect("directory:detail", slug=organisation.slug)
    return render(
        request,
        "directory/edit/profile.html",
        {
            "organisation": organisation,
            "form": form,
            "offers": selectors.organisation_offers(organisation),
            "entrepreneurs": organisation.entrepreneurs.order_by("display_name", "pk"),
            "completeness": selectors.organisation_completeness(organisation),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def profile_confirm(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_page(slug)
    if not perms.can_confirm_profile(request.user, organisation):
        raise PermissionDenied
    services.organisation_confirm(organisation=organisation, author=request.user)
    messages.success(request, _("Merci : la fiche est confirmée à jour."))
    return redirect("directory:detail", slug=organisation.slug)


def _offer_page(
    request: AuthenticatedRequest, organisation: Organisation, form: OfferForm, offer: Offer | None
) -> HttpResponse:
    return render(
        request,
        "directory/edit/offer.html",
        {
            "organisation": organisation,
            "offer": offer,
            "form": form,
            "zone_suggestions": zone_suggestions(organisation),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def offer_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = _editable(request, slug)
    form = OfferForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.offer_create(
                organisation=organisation, author=request.user, data=data, zones=data["zones"]
            )
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'offre est ajoutée."))
            return redirect("directory:detail", slug=organisation.slug)
    return _offer_page(request, organisation, form, None)


@login_required
def offer_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _editable(request, slug)
    offer = get_object_or_404(
        Offer.objects.prefetch_related("zones"), pk=pk, organisation=organisation
    )
    form = OfferForm(request.POST or None, organisation=organisation, offer=offer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.offer_update(
                offer=offer, author=request.user, data=data, zones=data["zones"]
            )
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("L'offre est mise à jour.") if change else _("Aucune modification.")
            )
            return redirect("directory:detail", slug=organisation.slug)
    return _offer_page(request, organisation, form, offer)


@login_required
@require_POST
def offer_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _editable(request, slug)
    offer = get_object_or_404(Offer, pk=pk, organisation=organisation)
    services.offer_delete(offer=offer, author=request.user)
    messages.success(request, _("L'offre « %(title)s » est supprimée.") % {"title": offer.title})
    return redirect("directory:detail", slug=organisation.slug)


@login_required
def entrepreneur_edit(request: AuthenticatedRequest, slug: str, entrepreneur: str) -> HttpResponse:
    organisation = selectors.organisation_page(slug)
    person = selectors.entrepreneur_get(organisation, entrepreneur)
    if not perms.can_edit_entrepreneur(request.user, person):
        raise PermissionDenied
    form = EntrepreneurForm(request.POST or None, entrepreneur=person)
    if request.method == "POST" and form.is_valid():
        change = services.entrepreneur_update(
            entrepreneur=person, author=request.user, data=form.cleaned_data
        )
        messages.success(
            request, _("La fiche est mise à jour.") if change else _("Aucune modification.")
        )
        return redirect("directory:detail", slug=organisation.slug)
    return render(
        request,
        "directory/edit/entrepreneur.html",
        {"organisation": organisation, "entrepreneur": person, "form": form},
        status=400 if form.is_bound else 200,
    )
