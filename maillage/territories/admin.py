"""Admin: reference rows are read-mostly; unions and their coverage are the operators' to edit."""

from __future__ import annotations

from django.contrib import admin

from .models import Commune, Departement, Epci, Region, Union, UnionCoverage
from .services import departement_unions_derive


class UnionCoverageInline(admin.TabularInline):
    model = UnionCoverage
    extra = 1


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "slug"]
    search_fields = ["name", "short_name"]
    inlines = [UnionCoverageInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Coverage changed: the départements' unions follow, in the same request.
        departement_unions_derive()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        departement_unions_derive()


@admin.register(UnionCoverage)
class UnionCoverageAdmin(admin.ModelAdmin):
    list_display = ["union", "level", "code"]
    list_filter = ["union", "level"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        departement_unions_derive()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        departement_unions_derive()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        departement_unions_derive()


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "union"]
    list_filter = ["region", "union"]
    search_fields = ["name", "code"]
    readonly_fields = ["union"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["siren", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "departement", "population"]
    list_select_related = ["departement"]
    search_fields = ["name", "code"]
    raw_id_fields = ["epci"]
