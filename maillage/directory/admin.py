from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts import perms

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "commune", "is_union_member", "is_synthetic"]
    list_filter = ["family", "is_union_member", "is_synthetic"]
    search_fields = ["name", "siren", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ["commune", "sector"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return perms.can_use_admin_site(request.user)
