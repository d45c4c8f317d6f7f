"""Read-mostly admin for needs and their suppliers (writes go through the pages)."""

from django.contrib import admin

from .models import Alert, Consortium, ConsortiumMember, Need, Solicitation


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "buyer_kind", "place_label", "deadline", "created_at")
    list_filter = ("status", "buyer_kind")
    search_fields = ("title", "buyer_name")
    raw_id_fields = ("author", "organisation", "place_commune", "validated_by")
    filter_horizontal = ("sectors",)


@admin.register(Solicitation)
class SolicitationAdmin(admin.ModelAdmin):
    list_display = ("need", "organisation", "rank", "invited_at", "answer")
    list_filter = ("answer",)
    raw_id_fields = ("need", "organisation", "entrepreneur")
    readonly_fields = ("token_hash", "token_nonce")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "zone_label", "frequency", "is_active")
    raw_id_fields = ("organisation", "user")


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    raw_id_fields = ("organisation", "accepted_by")
    filter_horizontal = ("lots",)


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    """Read-mostly: the workspace's pages enforce the rules; the legal delegate is named by
    giving a union delegate the « advise_consortium » permission (or a group holding it)."""

    list_display = ("name", "need", "status", "form", "created_at")
    list_filter = ("status", "form")
    search_fields = ("name", "need__title")
    raw_id_fields = ("need", "created_by")
    inlines = [ConsortiumMemberInline]
