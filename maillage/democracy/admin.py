"""Admin for organisers. Participations and ballots are deliberately not registered: the admin
must not become a place where the two are displayed side by side."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Body,
    BodyMember,
    Comment,
    CongressLetter,
    ConsentDecision,
    DebateTheme,
    Election,
    Event,
    Proposal,
    RoadmapAction,
    RoadmapUpdate,
    Vote,
    Workshop,
)


class WorkshopInline(admin.TabularInline):
    model = Workshop
    extra = 0
    fields = ["code", "position", "title", "subtitle"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "union"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [WorkshopInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "theme", "author"]
    list_filter = ["workshop__event"]
    search_fields = ["title", "text"]
    raw_id_fields = ["author"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["proposal", "author", "created_at"]
    raw_id_fields = ["author", "proposal"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "opens_at", "closes_at", "missing_grades", "electorate"]
    filter_horizontal = ["proposals"]


class RoadmapUpdateInline(admin.TabularInline):
    model = RoadmapUpdate
    extra = 0
    raw_id_fields = ["author"]


@admin.register(RoadmapAction)
class RoadmapActionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "owner", "deadline", "status", "progress"]
    list_filter = ["event", "status"]
    raw_id_fields = ["proposal"]
    inlines = [RoadmapUpdateInline]


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "union", "public_record"]
    list_filter = ["kind", "public_record"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyMemberInline]


@admin.register(ConsentDecision)
class ConsentDecisionAdmin(admin.ModelAdmin):
    """Read-mostly: decisions change through their rounds, on the site."""

    list_display = ["title", "body", "phase", "round", "decided_at"]
    list_filter = ["phase", "body"]
    readonly_fields = ["phase", "round", "decided_at", "adopted_version", "participants"]
    raw_id_fields = ["author", "facilitator"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["role", "body", "phase", "elected", "term_ends_on"]
    list_filter = ["phase", "body"]
    readonly_fields = ["phase", "round", "decided_at", "elected", "term_ends_on", "participants"]
    raw_id_fields = ["facilitator", "candidate"]


@admin.register(DebateTheme)
class DebateThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CongressLetter)
class CongressLetterAdmin(admin.ModelAdmin):
    list_display = ["vote", "recipient", "updated_at"]
    raw_id_fields = ["updated_by"]
