"""Admin of the indicators app. Survey responses are deliberately not registered: even a
platform administrator sees them only aggregated, above the respondents threshold."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Campaign, FieldComment, FormEvent, IndicatorForm, PublishedReport


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("union", "year", "status", "deadline", "catalogue_version")
    list_filter = ("status", "year", "union")


class FieldCommentInline(admin.TabularInline):
    model = FieldComment
    extra = 0
    readonly_fields = ("field_key", "comment", "author", "created_at", "resolved_at")


class FormEventInline(admin.TabularInline):
    model = FormEvent
    extra = 0
    readonly_fields = ("action", "actor", "at", "details")


@admin.register(IndicatorForm)
class IndicatorFormAdmin(admin.ModelAdmin):
    list_display = ("organisation", "campaign", "status", "submitted_at", "validated_at")
    list_filter = ("status", "campaign")
    search_fields = ("organisation__name",)
    readonly_fields = ("values", "catalogue_version", "created_at", "updated_at")
    raw_id_fields = ("organisation",)
    inlines = [FieldCommentInline, FormEventInline]


@admin.register(PublishedReport)
class PublishedReportAdmin(admin.ModelAdmin):
    """Published snapshots: read only (publish again from the campaign); deleting one withdraws
    the public page and its PDF."""

    list_display = ("campaign", "revision", "published_by", "published_at")
    list_filter = ("campaign__year",)
    fields = ("campaign", "revision", "published_by", "published_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
