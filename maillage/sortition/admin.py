"""Admin for platform administrators: conventions and their organisers, runs for audit. The pool
stays in the organisers' pages (personal data)."""

from __future__ import annotations

from django.contrib import admin

from .models import Convention, Run


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "panel_size", "one_per_cooperative", "created_at"]
    list_filter = ["status", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers"]
    search_fields = ["title"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["pk", "convention", "kind", "status", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Run._meta.fields if f.name != "input"]
    exclude = ["input"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
