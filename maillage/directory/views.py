"""Directory pages: the list, an organisation's page and its contact form, managing members.

Thin views: permissions come from maillage.accounts.perms and maillage.directory.perms,
writes from the accounts and directory services.
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

from maillage.accounts import perms, services
from maillage.accounts import selectors as account_selectors
from maillage.accounts.enums import Role
from maillage.accounts.forms import DecisionForm, InvitationForm, JoinRequestForm, RoleForm
from maillage.accounts.models import Invitation, JoinRequest, Membership
from maillage.accounts.views import AuthenticatedRequest, client_ip, site_url

from . import perms as directory_perms
from . import selectors
from . import services as directory_services
from .enums import Family
from .forms import ContactForm
from .models import Organisation

PAGE_SIZE = 20


def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.organisation_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/index.html", {"page": page})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation page: identity, offers, establishments, entrepreneurs, contact."""
    organisation = selectors.organisation_page(slug)
    return _organisation_page(request, organisation)


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_view_members = perms.can_view_organisation_members(user, organisation)
    can_edit = directory_perms.can_edit_organisation(user, organisation)
    context: dict[str, Any] = {
        "organisation": organisation,
        "legal_category": selectors.legal_category_label(organisation.legal_category),
        "headcount": selectors.headcount_text(organisation),
        "offers": selectors.organisation_offers(organisation),
        "establishments": selectors.organisation_establishments(organisation),
        "entrepreneurs": (
            selectors.organisation_entrepreneurs(organisation, user)
            if organisation.family == Family.CAE
            else []
        ),
        "can_edit": can_edit,
        # Only editors can see it; asked only of them (each predicate costs a query).
        "completeness": (
            selectors.organisation_completeness(organisation)
            if can_edit and directory_perms.can_see_completeness(user, organisation)
            else None
        ),
        "can_contact": directory_perms.can_contact_organisation(user, organisation),
        "contact_form": contact_form
        or ContactForm(
            # Own ids: the join form on the same page also has a "message" field.
            auto_id="contact_%s",
            initial={"name": user.get_full_name(), "email": user.email}
            if user.is_authenticated
            else None,
        ),
        "can_view_members": can_view_members,
        "members": (
            account_selectors.organisation_members(organisation) if can_view_members else []
        ),
        "can_manage": perms.can_manage_organisation(user, organisation),
        "can_request_to_join": perms.can_request_to_join(user, organisation),
        "pending_request": (
            account_selectors.pending_join_request(user, organisation)
            if user.is_authenticated
            else None
        ),
        "join_form": JoinRequestForm(),
    }
    return render(request, "directory/organisation/page.html", context, status=status)


@require_POST
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    """Relay a message to the organisation (its address stays hidden)."""
    organisation = selectors.organisation_page(slug)
    if not directory_perms.can_contact_organisation(request.user, organisation):
        raise PermissionDenied
    form = ContactForm(request.POST, auto_id="contact_%s")
    if not form.is_valid():
        return _organisation_page(request, organisation, contact_form=form, status=400)
    try:
        directory_services.contact_message_send(
            organisation=organisation,
            sender_name=form.cleaned_data["name"],
            sender_email=form.cleaned_data["email"],
            message=form.cleaned_data["message"],
            ip=client_ip(request),
            site_url=site_url(request),
        )
    except services.RuleError as exc:
        form.add_error(None, exc.message)
        return _organisation_page(request, organisation, contact_form=form, status=429)
    messages.success(
        request,
        _("Votre message est transmis à %(organisation)s. La réponse arrivera à votre adresse.")
        % {"organisation": organisation.name},
    )
    return redirect("directory:detail", slug=organisation.slug)


@login_required
@require_POST
def join(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug)
    if not perms.can_request_to_join(request.user, organisation):
        raise PermissionDenied
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_create(
                user=request.user,
                organisation=organisation,
                message=form.cleaned_data["message"],
                site_url=site_url(request),
            )
        except services.RuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Votre demande est envoyée aux administrateur·ices de %(organisation)s.")
                % {"organisation": organisation.name},
            )
    else:
        messages.error(request, _("Votre message est trop long (2 000 caractères au plus)."))
    return redirect("directory:detail", slug=organisation.slug)


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = selectors.organisation_get(slug)
    if not perms.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    invite_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "organisation": organisation,
        "members": account_selectors.organisation_members(organisation),
        "join_requests": account_selectors.organisation_pending_join_requests(organisation),
        "invitations": account_selectors.organisation_pending_invitations(organisation),
        "invite_form": invite_form or InvitationForm(),
        "role_choices": Role.choices,
    }
    return render(request, "directory/members.html", context, status=status)


@login_required
def members(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _members_page(request, _managed_organisation(request, slug))


@login_required
@require_POST
def invite(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                ip=client_ip(request),
                site_url=site_url(request),
            )
        except services.RuleError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": invitation.email},
            )
            return redirect("directory:members", slug=organisation.slug)
    return _members_page(request, organisation, invite_form=form, status=400)


@login_required
@require_POST
def member_role(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
    else:
        try:
            services.membership_set_role(
                membership=membership,
                role=form.cleaned_data["role"],
                actor=request.user,
                ip=client_ip(request),
            )
        except services.RuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Le rôle de %(person)s est modifié.")
                % {"person": membership.user.get_full_name()},
            )
    return redirect("directory:members", slug=organisation.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation=organisation
    )
    if not perms.can_remove_membership(request.user, membership):
        raise PermissionDenied
    try:
        services.membership_remove(membership=membership, actor=request.user, ip=client_ip(request))
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(person)s ne fait plus partie de %(organisation)s.")
            % {"person": membership.user.get_full_name(), "organisation": organisation.name},
        )
    return redirect("directory:members", slug=organisation.slug)


@login_required
@require_POST
def join_decide(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, organisation=organisation
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Décision inconnue."))
        return redirect("directory:members", slug=organisation.slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.join_request_decide(
            join_request=join_request,
            approve=approve,
            actor=request.user,
            ip=client_ip(request),
            site_url=site_url(request),
        )
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        name = join_request.user.get_full_name()
        if approve:
            messages.success(request, _("%(person)s est maintenant membre.") % {"person": name})
        else:
            messages.success(request, _("La demande de %(person)s est refusée.") % {"person": name})
    return redirect("directory:members", slug=organisation.slug)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user, ip=client_ip(request))
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("L'invitation de %(email)s est annulée.") % {"email": invitation.email}
        )
    return redirect("directory:members", slug=organisation.slug)
