"""Intercooperation pages: needs, their validation and shortlist, answers by link, alerts.

Thin: parse input, ask perms, call one service or selector, render. A refused action keeps what
was typed: the bound form is shown again with the service's message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.services import RuleError

from . import consortium_views, perms, selectors, services
from .enums import Answer, NeedStatus
from .forms import (
    AlertForm,
    DeclineForm,
    InterestedForm,
    LotForm,
    NeedForm,
    QuestionForm,
    RejectForm,
    SupplierAddForm,
    ValidateForm,
    sector_codes,
)
from .models import Alert, Lot, Need, Solicitation
from .view_helpers import request_site_url, request_user


def _refused(form: Form, error: RuleError) -> None:
    form.add_error(None, error.message)


def _need_for(request: HttpRequest, pk: int) -> Need:
    need = get_object_or_404(
        Need.objects.select_related("organisation", "union", "author", "place_commune"), pk=pk
    )
    if not perms.can_view_need(request.user, need):
        raise PermissionDenied
    return need


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    """ "Mes besoins": what the person posted, for themselves or their organisations."""
    page = Paginator(selectors.needs_of_user(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/need_list.html",
        {"page": page, "can_moderate": perms.can_moderate_any(request.user)},
    )


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need = services.need_create(
                author=request_user(request),
                buyer_kind=data["buyer_kind"],
                organisation=data.get("organisation"),
                buyer_name=data.get("buyer_name", ""),
                buyer_siren=data.get("buyer_siren", ""),
                title=data["title"],
                description=data["description"],
                sectors=data["sectors"],
                place_level=data["place_level"],
                place_code=data["place_code"],
                deadline=data["deadline"],
                budget_band=data.get("budget_band", ""),
                is_tender=data.get("is_tender", False),
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Brouillon enregistré. Ajoutez les lots s'il y en a, puis soumettez-le.")
                if need.is_tender
                else _("Brouillon enregistré. Relisez-le puis soumettez-le à validation."),
            )
            return redirect("exchange:detail", pk=need.pk)
    return render(request, "exchange/need_form.html", {"form": form, "need": None})


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_edit_need(request.user, need):
        raise PermissionDenied
    initial = {
        "title": need.title,
        "description": need.description,
        "sectors": sector_codes(need.sectors.all()),
        "place_level": need.place_level,
        "place_code": need.place_code,
        "budget_band": need.budget_band,
        "deadline": need.deadline,
        "is_tender": need.is_tender,
    }
    form = NeedForm(request.POST or None, user=request_user(request), editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_update(
                need=need,
                actor=request_user(request),
                title=data["title"],
                description=data["description"],
                sectors=data["sectors"],
                place_level=data["place_level"],
                place_code=data["place_code"],
                deadline=data["deadline"],
                budget_band=data.get("budget_band", ""),
                is_tender=data.get("is_tender", False),
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Besoin modifié."))
            return redirect("exchange:detail", pk=need.pk)
    return render(request, "exchange/need_form.html", {"form": form, "need": need})


def _detail_context(request: HttpRequest, need: Need, **extra: Any) -> dict[str, Any]:
    user = request.user
    lots = list(need.lots.prefetch_related("sectors"))
    can_moderate = perms.can_moderate_need(user, need)
    context: dict[str, Any] = {
        "need": need,
        "lots": lots,
        "sectors": list(need.sectors.all()),
        "can_edit": perms.can_edit_need(user, need),
        "can_moderate": can_moderate,
        "can_close": perms.can_close_need(user, need),
        "lot_form": LotForm(),
        "validate_form": ValidateForm(initial={"sectors": sector_codes(need.sectors.all())}),
        "reject_form": RejectForm(),
        "supplier_form": SupplierAddForm(),
    }
    if need.status in (NeedStatus.DRAFT, NeedStatus.SUBMITTED):
        # Before validation, the ranking is a live preview (not stored).
        targets: list[Lot | None] = list(lots) if lots else [None]
        context["preview"] = [(lot, selectors.need_ranking(need, lot, limit=10)) for lot in targets]
    else:
        matches = selectors.need_matches_by_lot(need)
        context["stored"] = [(lot, matches.get(lot.number, [])) for lot in lots] or [
            (None, matches.get(None, []))
        ]
        context["shortlist"] = list(selectors.need_shortlist(need))
        context["interested"] = sum(
            1 for s in context["shortlist"] if s.answer == Answer.INTERESTED
        )
        if need.is_tender:
            context.update(consortium_views.need_context(user, need))
    context.update(extra)
    return context


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    return render(request, "exchange/need_detail.html", _detail_context(request, need))


@login_required
def lot_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_edit_need(request.user, need):
        raise PermissionDenied
    form = LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = services.lot_add(
                need=need,
                actor=request_user(request),
                title=data["title"],
                description=data["description"],
                sectors=data["sectors"],
                place_level=data["place_level"],
                place_code=data["place_code"],
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Lot %(n)s ajouté.") % {"n": lot.number})
            return redirect("exchange:detail", pk=need.pk)
    return render(request, "exchange/lot_form.html", {"form": form, "need": need})


@login_required
@require_POST
def lot_remove(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_edit_need(request.user, need):
        raise PermissionDenied
    lot = get_object_or_404(Lot, need=need, number=number)
    try:
        services.lot_remove(lot=lot, actor=request_user(request))
    except RuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lot retiré."))
    return redirect("exchange:detail", pk=need.pk)


def _simple_action(request: HttpRequest, need: Need, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except RuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("exchange:detail", pk=need.pk)


@login_required
@require_POST
def need_submit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_edit_need(request.user, need):
        raise PermissionDenied
    return _simple_action(
        request,
        need,
        lambda: services.need_submit(need=need, actor=request_user(request)),
        _("Besoin soumis : la délégation de l'union du territoire va le relire."),
    )


@login_required
def need_validate(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_moderate_need(request.user, need):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("exchange:detail", pk=need.pk)
    form = ValidateForm(request.POST)
    if form.is_valid():
        try:
            services.need_validate(
                need=need,
                actor=request_user(request),
                sectors=form.cleaned_data["sectors"],
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Besoin validé. Relisez la liste des coopératives, puis envoyez-le.")
            )
            return redirect("exchange:detail", pk=need.pk)
    need.refresh_from_db()
    return render(
        request,
        "exchange/need_detail.html",
        _detail_context(request, need, validate_form=form),
        status=400,
    )


@login_required
def need_reject(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_moderate_need(request.user, need):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("exchange:detail", pk=need.pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.need_reject(
                need=need,
                actor=request_user(request),
                reason=form.cleaned_data["reason"],
                site_url=request_site_url(request),
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Besoin refusé ; l'acheteur a reçu le motif."))
            return redirect("exchange:detail", pk=need.pk)
    return render(
        request,
        "exchange/need_detail.html",
        _detail_context(request, need, reject_form=form),
        status=400,
    )


@login_required
@require_POST
def need_send(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_moderate_need(request.user, need):
        raise PermissionDenied
    return _simple_action(
        request,
        need,
        lambda: services.need_send(
            need=need, actor=request_user(request), site_url=request_site_url(request)
        ),
        _("Besoin envoyé : les premières coopératives de la liste ont reçu un e-mail."),
    )


@login_required
@require_POST
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_close_need(request.user, need):
        raise PermissionDenied
    return _simple_action(
        request,
        need,
        lambda: services.need_close(need=need, actor=request_user(request)),
        _("Besoin clos : plus aucun e-mail ne part, les liens de réponse sont fermés."),
    )


@login_required
@require_POST
def supplier_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_moderate_need(request.user, need):
        raise PermissionDenied
    form = SupplierAddForm(request.POST)
    if form.is_valid():
        try:
            services.need_supplier_add(
                need=need,
                actor=request_user(request),
                organisation=form.cleaned_data["organisation"],
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Coopérative ajoutée à la liste."))
            return redirect("exchange:detail", pk=need.pk)
    return render(
        request,
        "exchange/need_detail.html",
        _detail_context(request, need, supplier_form=form),
        status=400,
    )


@login_required
@require_POST
def supplier_remove(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    need = _need_for(request, pk)
    if not perms.can_moderate_need(request.user, need):
        raise PermissionDenied
    solicitation = get_object_or_404(Solicitation, need=need, pk=sid)
    return _simple_action(
        request,
        need,
        lambda: services.need_supplier_remove(
            solicitation=solicitation, actor=request_user(request)
        ),
        _("Coopérative retirée de la liste."),
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """Needs awaiting the person's validation or sending (delegates, platform admins)."""
    if not perms.can_moderate_any(request.user):
        raise PermissionDenied
    needs = selectors.needs_to_moderate(perms.moderation_scope(request.user))
    page = Paginator(needs, 25).get_page(request.GET.get("page"))
    return render(request, "exchange/moderation.html", {"page": page})


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """ "Besoins reçus": what the person's organisations were sent, and their answers."""
    page = Paginator(selectors.solicitations_received(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "exchange/received.html", {"page": page})


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The supplier's personal link: answer or ask without logging in."""
    solicitation = selectors.solicitation_by_token(token)
    if solicitation is None:
        return render(
            request,
            "exchange/answer.html",
            {"invalid": True},
            status=404,
        )
    forms: dict[str, Form] = {
        "interested": InterestedForm(prefix="interested"),
        "declined": DeclineForm(prefix="declined"),
        "question": QuestionForm(prefix="question"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in forms:
            form_class = type(forms[action])
            form = form_class(request.POST, prefix=action)
            forms[action] = form
            if form.is_valid():
                try:
                    if action == "question":
                        services.solicitation_ask(
                            solicitation=solicitation,
                            question=form.cleaned_data["question"],
                            site_url=request_site_url(request),
                        )
                        messages.success(request, _("Votre question a été transmise à l'acheteur."))
                    else:
                        services.solicitation_answer(
                            solicitation=solicitation,
                            answer=Answer.INTERESTED if action == "interested" else Answer.DECLINED,
                            reason=form.cleaned_data.get("reason", ""),
                            comment=form.cleaned_data.get("comment", ""),
                            site_url=request_site_url(request),
                        )
                        messages.success(request, _("Merci, votre réponse est enregistrée."))
                except RuleError as error:
                    _refused(form, error)
                    status = 400
                else:
                    return redirect("exchange:answer", token=token)
            else:
                status = 400
    solicitation.refresh_from_db()
    need = solicitation.need
    expired = solicitation.expires_at is not None and timezone.now() >= solicitation.expires_at
    return render(
        request,
        "exchange/answer.html",
        {
            "solicitation": solicitation,
            "need": need,
            "lots": list(need.lots.prefetch_related("sectors")),
            "forms": forms,
            "expired": expired,
            "open": need.status == NeedStatus.SENT and not expired,
        },
        status=status,
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage_alerts(request.user):
        raise PermissionDenied
    form = AlertForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.alert_create(
                user=request_user(request),
                organisation=data["organisation"],
                sectors=data["sectors"],
                zone_level=data["zone_level"],
                zone_code=data["zone_code"],
                frequency=data["frequency"],
            )
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Alerte enregistrée."))
            return redirect("exchange:alerts")
    return render(
        request,
        "exchange/alerts.html",
        {"form": form, "alerts": selectors.alerts_of_user(request.user)},
    )


@login_required
@require_POST
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    if not perms.can_delete_alert(request.user, alert):
        raise PermissionDenied
    services.alert_delete(alert=alert, actor=request_user(request))
    messages.success(request, _("Alerte supprimée."))
    return redirect("exchange:alerts")
