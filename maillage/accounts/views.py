"""Account pages: sign-up, profile, invitations, personal data, audit log. Thin: parse input,
ask perms, call one service or selector, render."""

from __future__ import annotations

import json
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import perms, selectors, services
from .forms import (
    DeleteAccountForm,
    FrenchPasswordChangeForm,
    FrenchPasswordResetForm,
    FrenchSetPasswordForm,
    LoginForm,
    ProfileForm,
    SignupForm,
)
from .models import Invitation, Membership, User


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a real account."""

    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. X-Forwarded-For is not trusted: it is whatever the client says."""
    return request.META.get("REMOTE_ADDR") or None


def site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Where the person was going, in the language chosen in their profile."""
        url = super().get_success_url()
        language = getattr(self.request.user, "preferred_language", "")
        return translate_url(url, language) if language else url


class LogoutView(auth_views.LogoutView):
    pass


def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("accounts:profile"))
    if request.user.is_authenticated:
        return redirect(next_url)
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_create(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
            except services.RuleError as exc:
                form.add_error("email", exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Bienvenue ! Votre compte est créé."))
                return redirect(next_url)
    else:
        form = SignupForm(initial={"email": request.GET.get("email", "")})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Vos informations sont enregistrées."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "phone": user.phone,
                "preferred_language": user.preferred_language,
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": selectors.user_memberships(user),
            "delegations": selectors.user_delegations(user),
            "invitations": selectors.user_pending_invitations(user),
            "join_requests": selectors.user_join_requests(user),
            "can_view_audit_log": perms.can_view_audit_log(user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = FrenchPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est changé."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = FrenchPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = FrenchSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: log in or sign up, then accept."""
    found = selectors.invitation_by_token(token)
    if found is None:
        raise Http404(_("Ce lien d'invitation n'est pas valide."))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(reverse("accounts:login") + "?" + urlencode({"next": request.path}))
        if not perms.can_accept_invitation(request.user, found):
            messages.error(request, _("Cette invitation n'est plus utilisable."))
            return redirect(request.path)
        try:
            services.invitation_accept(
                invitation=found, user=cast(User, request.user), ip=client_ip(request)
            )
        except services.RuleError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        messages.success(
            request,
            _("Vous avez rejoint %(organisation)s.") % {"organisation": found.organisation.name},
        )
        return redirect("directory:detail", slug=found.organisation.slug)
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": found,
            "can_accept": perms.can_accept_invitation(request.user, found),
            "signup_url": reverse("accounts:signup")
            + "?"
            + urlencode({"next": request.path, "email": found.email}),
            "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.path}),
        },
    )


@login_required
@require_POST
def invitation_accept_from_profile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
    if not perms.is_invitation_addressee(request.user, found):
        raise PermissionDenied
    try:
        services.invitation_accept(invitation=found, user=request.user, ip=client_ip(request))
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Vous avez rejoint %(organisation)s.") % {"organisation": found.organisation.name},
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def membership_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    if not perms.can_leave_membership(request.user, membership):
        raise PermissionDenied
    try:
        services.membership_remove(membership=membership, actor=request.user, ip=client_ip(request))
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Vous avez quitté %(organisation)s.")
            % {"organisation": membership.organisation.name},
        )
    return redirect("accounts:profile")


@login_required
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    form = DeleteAccountForm(user=request.user)
    return render(request, "accounts/my_data.html", {"delete_form": form})


@login_required
@require_POST
def my_data_export(request: AuthenticatedRequest) -> HttpResponse:
    data = services.user_export_data(user=request.user, ip=client_ip(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"maillage-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def account_delete(request: AuthenticatedRequest) -> HttpResponseBase:
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.user_delete(user=request.user, ip=client_ip(request))
        except services.RuleError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(
                request, _("Votre compte et vos données personnelles ont été supprimés.")
            )
            return redirect("core:home")
    return render(request, "accounts/my_data.html", {"delete_form": form}, status=400)


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    if not perms.can_view_audit_log(request.user):
        raise PermissionDenied
    events = selectors.audit_events(perms.audit_log_union_scope(request.user))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page})
