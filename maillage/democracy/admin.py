"""Admin for organisers. Participations and ballots are deliberately not registered: the admin
must not become a place where the two are displayed side by side."""

from __future__ import annotations

from django.contrib import admin

from .models import Comment, Event, Proposal, RoadmapAction, RoadmapUpdate, Vote, Workshop


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
