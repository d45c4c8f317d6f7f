"""Purchases between cooperatives: the network's dashboard, a cooperative's purchases and share,
recording one deal, importing a CSV. Thin: parse, ask perms, call a service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.services import RuleError
from maillage.directory.imports.reading import FileRefused
from maillage.directory.models import Organisation

from . import perms, selectors, services
from .charts import bars_svg, data_uri, share_svg
from .forms import DashboardForm, ImportForm, PurchaseForm
from .importing import errors_csv, import_purchases
from .models import Purchase
from .parsing import format_euros


def _chart(table: selectors.Table, *, horizontal: bool = True) -> str | None:
    if not table.rows:
        return None
    labels = [row.label for row in table.rows]
    values = [None if row.hidden else (row.amount_cents or 0) / 100 for row in table.rows]
    return data_uri(bars_svg(labels, values, horizontal=horizontal))


def dashboard(request: HttpRequest) -> HttpResponse:
    """Inter-cooperative purchases by year, territory and sector; secret cells hidden for the
    public, all figures for union staff."""
    years = selectors.years_with_purchases()
    form = DashboardForm(request.GET or None, years=years)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    full = perms.sees_full_dashboard(request.user)
    board = selectors.network_dashboard(
        year=data.get("year"),
        side=data.get("side") or "fournisseur",
        level=data.get("level") or "region",
        full=full,
        unknown_label=_("Non renseigné"),
    )
    context = {
        "form": form,
        "board": board,
        "charts": {
            "year": _chart(board.by_year, horizontal=False),
            "territory": _chart(board.by_territory),
            "sector": _chart(board.by_sector),
        },
        "my_organisations": selectors.organisations_of_member(request.user),
    }
    return render(request, "purchases/dashboard.html", context)


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("commune__departement"), slug=slug)


@login_required
def organisation_purchases(request: HttpRequest, slug: str) -> HttpResponse:
    """A cooperative's purchases and the share it makes inside the network, by year."""
    organisation = _organisation(slug)
    if not perms.can_view_purchases_of(request.user, organisation):
        raise PermissionDenied
    shares = selectors.network_share_by_year(organisation)
    page = Paginator(selectors.purchases_of(organisation), 50).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "shares": shares,
        "share_chart": (
            data_uri(share_svg([str(r.year) for r in shares], [r.share for r in shares]))
            if shares
            else None
        ),
        "page": page,
        "can_record": perms.can_record_purchase(request.user, organisation),
    }
    return render(request, "purchases/organisation.html", context)


@login_required
def purchase_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    if not perms.can_record_purchase(request.user, organisation):
        raise PermissionDenied
    form = PurchaseForm(request.POST or None, buyer=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            purchase = services.purchase_create(
                buyer=organisation,
                recorded_by=request.user,
                supplier=form.supplier_org,
                supplier_siret=form.supplier_siret if len(form.supplier_siret) == 14 else "",
                supplier_name=data.get("supplier_name") or "",
                amount_cents=data["amount"],
                date=data["date"],
                need=data.get("need"),
                description=data.get("description") or "",
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            if purchase.in_network:
                text = _("Achat de %(amount)s auprès de %(supplier)s enregistré (dans le réseau).")
            else:
                text = _(
                    "Achat de %(amount)s auprès de %(supplier)s enregistré hors réseau : ce "
                    "fournisseur n'est pas dans l'annuaire."
                )
            messages.success(
                request,
                text
                % {
                    "amount": format_euros(purchase.amount_cents),
                    "supplier": purchase.supplier_display,
                },
            )
            return redirect("purchases:organisation", slug=organisation.slug)
    return render(request, "purchases/form.html", {"organisation": organisation, "form": form})


@login_required
def purchase_import(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    if not perms.can_record_purchase(request.user, organisation):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_purchases(
                upload.read(),
                buyer=organisation,
                recorded_by=request.user,
                strict=form.cleaned_data["strict"],
                source=upload.name,
            )
        except FileRefused as exc:
            form.add_error("file", str(exc))
        else:
            request.session["purchases_import_errors"] = errors_csv(report) if report.errors else ""
    context = {"organisation": organisation, "form": form, "report": report}
    return render(request, "purchases/import.html", context)


@login_required
def import_errors(request: HttpRequest, slug: str) -> HttpResponse:
    """The last import's error report as CSV, for the spreadsheet."""
    organisation = _organisation(slug)
    if not perms.can_record_purchase(request.user, organisation):
        raise PermissionDenied
    content = request.session.get("purchases_import_errors") or ""
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="erreurs-achats.csv"'
    return response


@login_required
@require_POST
def purchase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    purchase = get_object_or_404(
        Purchase.objects.select_related("buyer"), pk=pk, buyer=organisation
    )
    if not perms.can_delete_purchase(request.user, purchase):
        raise PermissionDenied
    services.purchase_delete(purchase=purchase)
    messages.success(request, _("Achat supprimé."))
    return redirect("purchases:organisation", slug=organisation.slug)
