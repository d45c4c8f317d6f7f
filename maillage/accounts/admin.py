"""Django admin for platform administrators (`is_staff`). Role changes go through services,
so that the admin site records them in the audit log like the rest of the platform."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import perms, services
from .models import AuditEvent, DelegateAssignment, Invitation, JoinRequest, Membership, User


class PlatformAdminMixin:
    """Every platform administrator may use these pages, without per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)  # admin pages are only served to logged-in staff


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@admin.register(User)
class UserAdmin(PlatformAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profil"), {"fields": ("full_name", "phone", "preferred_language")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a person goes through user_delete (last-admin rule, pseudonymised log).
        return False


@admin.register(Membership)
class MembershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("user", "organisation", "created_at") if obj else ("created_at",)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        try:
            if change:
                services.membership_set_role(
                    membership=obj, role=obj.role, actor=_actor(request), ip=_client_ip(request)
                )
            else:
                created = services.membership_add(
                    organisation=obj.organisation,
                    user=obj.user,
                    role=obj.role,
                    actor=_actor(request),
                    ip=_client_ip(request),
                )
                obj.pk = created.pk
        except services.RuleError as exc:
            messages.error(request, exc.message)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            services.membership_remove(
                membership=obj, actor=_actor(request), ip=_client_ip(request)
            )
        except services.RuleError as exc:
            messages.error(request, exc.message)


@admin.register(DelegateAssignment)
class DelegateAssignmentAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["user", "union", "created_at"]
    list_filter = ["union"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: DelegateAssignment, form: Any, change: bool
    ) -> None:
        created = services.delegate_assign(
            user=obj.user, union=obj.union, actor=_actor(request), ip=_client_ip(request)
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: DelegateAssignment) -> None:
        services.delegate_unassign(
            user=obj.user, union=obj.union, actor=_actor(request), ip=_client_ip(request)
        )


@admin.register(Invitation)
class InvitationAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # invitations are sent from the organisation's page (they need an e-mail)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__name"]
    readonly_fields = [f.name for f in JoinRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by services only."""

    list_display = ["created_at", "action", "actor", "actor_pseudonym", "target_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["target_repr", "target_id", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("actor", "organisation")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
