"""Pages of the consortium workspace: open from a tender, invite, accept, form, documents.

Thin, like ``views.py``: ask perms, call one service, render. A refused action shows the page
again with the service's message and what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.services import RuleError
from maillage.directory.models import Organisation

from . import consortium_documents as documents
from . import consortium_notes as notes
from . import consortium_selectors as selectors
from . import consortium_services as services
from . import perms
from .consortium_forms import (
    OUTCOMES,
    ChecklistAddForm,
    CommentForm,
    MemberAddForm,
    MemberUpdateForm,
    SettingsForm,
)
from .enums import ConsortiumStatus
from .models import ChecklistItem, Consortium, ConsortiumMember, Need
from .view_helpers import request_site_url, request_user


def _consortium_for(request: HttpRequest, pk: int, *, edit: bool = False) -> Consortium:
    consortium = selectors.workspace(pk)
    if consortium is None:
        raise Http404
    allowed = (
        perms.can_edit_consortium(request.user, consortium)
        if edit
        else perms.can_view_consortium(request.user, consortium)
    )
    if not allowed:
        raise PermissionDenied
    return consortium


def _back(consortium: Consortium, anchor: str = "") -> HttpResponse:
    response = redirect("exchange:consortium", pk=consortium.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _page(
    request: HttpRequest, consortium: Consortium, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    members = list(consortium.members.all())
    own = selectors.user_organisation_ids(user)
    can_edit = perms.can_edit_consortium(user, consortium)
    context: dict[str, Any] = {
        "consortium": consortium,
        "need": consortium.need,
        "members": [
            {
                "member": member,
                "lots": sorted(member.lots.all(), key=lambda lot: lot.number),
                "can_accept": not member.accepted and member.organisation_id in own,
                "form": forms.get(f"member_{member.pk}")
                or MemberUpdateForm(
                    consortium=consortium,
                    prefix=f"m{member.pk}",
                    initial={
                        "lots": [lot.pk for lot in member.lots.all()],
                        "share_percent": member.share_percent,
                    },
                ),
            }
            for member in members
        ],
        "lots": [
            (lot, [m.organisation.name for m in members if lot in m.lots.all()])
            for lot in sorted(consortium.need.lots.all(), key=lambda lot: lot.number)
        ],
        "checklist": list(consortium.checklist.all()),
        "comments": list(consortium.comments.all()),
        "can_edit": can_edit,
        "can_change_members": can_edit and consortium.is_open,
        "problems": selectors.formation_problems(consortium) if consortium.is_open else [],
        "outcomes": [
            (value, label)
            for value, label in OUTCOMES
            if value in services.TRANSITIONS[consortium.status]
        ],
        "settings_form": forms.get("settings")
        or SettingsForm(
            initial={
                "name": consortium.name,
                "form": consortium.form,
                "mandataire_solidaire": consortium.mandataire_solidaire,
            }
        ),
        "add_form": forms.get("add") or MemberAddForm(consortium=consortium),
        "checklist_form": forms.get("checklist") or ChecklistAddForm(),
        "comment_form": forms.get("comment") or CommentForm(),
        "is_legal": selectors.is_legal_delegate(user, consortium.need),
        "kinds": [(kind, documents.kind_title(kind)) for kind in ("convention", "dc1")],
    }
    return render(request, "exchange/consortium_detail.html", context, status=status)


def need_context(user: Any, need: Need) -> dict[str, Any]:
    """What the tender's page shows of consortia: proposals, and the groups the person sees."""
    return {
        "proposals": selectors.need_proposals(need),
        "consortia": [
            c for c in selectors.consortia_of_need(need) if perms.can_view_consortium(user, c)
        ],
        "can_start_consortium": perms.can_start_consortium(user, need),
    }


@login_required
@require_POST
def consortium_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Former ce groupement" (hidden ``lot_<n>`` fields from a proposal) or open an empty one."""
    need = get_object_or_404(Need.objects.select_related("union", "organisation"), pk=pk)
    if not perms.can_start_consortium(request.user, need):
        raise PermissionDenied
    assignment: dict[int, Organisation] = {}
    wanted: dict[int, int] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("lot_") and key[4:].isdigit() and value.isdigit():
            wanted[int(key[4:])] = int(value)
    organisations = Organisation.objects.in_bulk(set(wanted.values()))
    for number, org_id in wanted.items():
        if org_id not in organisations:
            messages.error(request, _("Une des organisations proposées n'existe plus."))
            return redirect("exchange:detail", pk=need.pk)
        assignment[number] = organisations[org_id]
    try:
        consortium = services.consortium_create(
            need=need,
            actor=request_user(request),
            name=request.POST.get("name", ""),
            assignment=assignment,
            site_url=request_site_url(request),
        )
    except services.AlreadyOpen as error:
        messages.warning(request, error.message)
        return redirect("exchange:consortium", pk=error.existing.pk)
    except RuleError as error:
        messages.error(request, error.message)
        return redirect("exchange:detail", pk=need.pk)
    messages.success(
        request,
        _(
            "Espace du groupement ouvert. Les membres ont été invités par e-mail à accepter ; "
            "vérifiez le mandataire, la forme et les parts."
        ),
    )
    return redirect("exchange:consortium", pk=consortium.pk)


@login_required
def consortium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _consortium_for(request, pk))


@login_required
def consortium_list(request: HttpRequest) -> HttpResponse:
    """ "Mes groupements": the groups the person's organisations belong to."""
    return render(
        request,
        "exchange/consortium_list.html",
        {"consortia": list(selectors.consortia_of_user(request.user)[:200])},
    )


def _act(request: HttpRequest, consortium: Consortium, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except RuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return _back(consortium)


@login_required
@require_POST
def consortium_settings(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.consortium_update(
                consortium=consortium,
                actor=request_user(request),
                name=form.cleaned_data["name"],
                form=form.cleaned_data["form"],
                mandataire_solidaire=form.cleaned_data["mandataire_solidaire"],
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Forme du groupement enregistrée."))
            return _back(consortium)
    return _page(request, consortium, status=400, settings=form)


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    form = MemberAddForm(request.POST, consortium=consortium)
    if form.is_valid():
        try:
            member = services.member_add(
                consortium=consortium,
                actor=request_user(request),
                organisation=form.cleaned_data["organisation"],
                lots=list(form.cleaned_data["lots"]),
                share_percent=form.cleaned_data["share_percent"],
                site_url=request_site_url(request),
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s est invitée à rejoindre le groupement.")
                % {"name": member.organisation.name},
            )
            return _back(consortium)
    return _page(request, consortium, status=400, add=form)


def _member_of(consortium: Consortium, mid: int) -> ConsortiumMember:
    return get_object_or_404(
        ConsortiumMember.objects.select_related("organisation", "consortium__need"),
        consortium=consortium,
        pk=mid,
    )


@login_required
@require_POST
def member_update(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    member = _member_of(consortium, mid)
    form = MemberUpdateForm(request.POST, consortium=consortium, prefix=f"m{member.pk}")
    if form.is_valid():
        try:
            services.member_update(
                member=member,
                actor=request_user(request),
                lots=list(form.cleaned_data["lots"]),
                share_percent=form.cleaned_data["share_percent"],
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Lots et part de %(name)s enregistrés.") % {"name": member.organisation.name},
            )
            return _back(consortium)
    return _page(request, consortium, status=400, **{f"member_{member.pk}": form})


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    member = _member_of(consortium, mid)
    return _act(
        request,
        consortium,
        lambda: services.member_remove(member=member, actor=request_user(request)),
        _("%(name)s a été retirée du groupement.") % {"name": member.organisation.name},
    )


@login_required
@require_POST
def member_mandataire(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    member = _member_of(consortium, mid)
    return _act(
        request,
        consortium,
        lambda: services.mandataire_set(member=member, actor=request_user(request)),
        _("%(name)s est désormais le mandataire du groupement.")
        % {"name": member.organisation.name},
    )


@login_required
@require_POST
def member_accept(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    consortium = _consortium_for(request, pk)
    member = _member_of(consortium, mid)
    if not perms.can_accept_membership(request.user, member):
        raise PermissionDenied
    return _act(
        request,
        consortium,
        lambda: services.member_accept(member=member, actor=request_user(request)),
        _("%(name)s a accepté de rejoindre le groupement.") % {"name": member.organisation.name},
    )


@login_required
@require_POST
def consortium_form(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    return _act(
        request,
        consortium,
        lambda: services.consortium_form(
            consortium=consortium, actor=request_user(request), site_url=request_site_url(request)
        ),
        _(
            "Groupement constitué. Les membres et le ou la juriste de l'union ont été prévenus ; "
            "les projets de documents sont prêts."
        ),
    )


@login_required
@require_POST
def consortium_status(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    target = request.POST.get("status", "")
    labels = dict(OUTCOMES)
    if target not in labels:
        messages.error(request, _("Choisissez une étape proposée."))
        return _back(consortium)
    return _act(
        request,
        consortium,
        lambda: services.consortium_status_set(
            consortium=consortium, actor=request_user(request), to=target
        ),
        _("Groupement : « %(state)s » enregistré.") % {"state": ConsortiumStatus(target).label},
    )


@login_required
@require_POST
def checklist_toggle(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Tick or untick; htmx gets the item back, a plain form goes back to the page."""
    consortium = _consortium_for(request, pk, edit=True)
    item = get_object_or_404(ChecklistItem, consortium=consortium, pk=item_id)
    error = ""
    try:
        item = notes.checklist_toggle(item=item, actor=request_user(request))
    except RuleError as refused:
        error = refused.message
    if getattr(request, "htmx", False):
        return render(
            request,
            "exchange/_checklist_item.html",
            {"consortium": consortium, "item": item, "can_edit": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return _back(consortium, "checklist")


@login_required
@require_POST
def checklist_add(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk, edit=True)
    form = ChecklistAddForm(request.POST)
    if form.is_valid():
        try:
            notes.checklist_add(
                consortium=consortium, actor=request_user(request), label=form.cleaned_data["label"]
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            return _back(consortium, "checklist")
    return _page(request, consortium, status=400, checklist=form)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for(request, pk)
    if not perms.can_comment_consortium(request.user, consortium):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            notes.comment_add(
                consortium=consortium,
                actor=request_user(request),
                body=form.cleaned_data["body"],
                site_url=request_site_url(request),
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Commentaire publié."))
            return _back(consortium, "comments")
    return _page(request, consortium, status=400, comment=form)


def _document_member(consortium: Consortium, kind: str, mid: int | None) -> ConsortiumMember | None:
    if kind not in documents.KINDS:
        raise Http404
    if kind == "dc2":
        if mid is None:
            raise Http404
        return _member_of(consortium, mid)
    return None


@login_required
def document_preview(
    request: HttpRequest, pk: int, kind: str, mid: int | None = None
) -> HttpResponse:
    """The draft as a web page, from the same data as the PDF."""
    consortium = _consortium_for(request, pk)
    member = _document_member(consortium, kind, mid)
    data = documents.document_data(consortium)
    if member is not None:
        data["member"] = next(m for m in data["members"] if m["id"] == member.pk)
    return render(
        request,
        "exchange/consortium_document.html",
        {
            "consortium": consortium,
            "kind": kind,
            "member_obj": member,
            "title": documents.kind_title(kind),
            "d": data,
        },
    )


@login_required
def document_pdf(request: HttpRequest, pk: int, kind: str, mid: int | None = None) -> HttpResponse:
    consortium = _consortium_for(request, pk)
    member = _document_member(consortium, kind, mid)
    pdf = documents.render(consortium, kind, member)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.filename(consortium, kind, member)}"'
    )
    return response
