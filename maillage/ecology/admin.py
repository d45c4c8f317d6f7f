from django.contrib import admin

from .models import Answer, Assessment, LoanRateGrid


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "context", "status", "points", "passes", "union"]
    list_filter = ["context", "status", "union", "grid_version"]
    search_fields = ["organisation__name", "project_name"]
    raw_id_fields = ["organisation", "commune", "created_by", "validated_by"]
    inlines = [AnswerInline]


@admin.register(LoanRateGrid)
class LoanRateGridAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]
