"""Read-only admin for imported public contracts (the import owns them)."""

from django.contrib import admin

from .models import Award, Contract


class AwardInline(admin.TabularInline):
    model = Award
    raw_id_fields = ("organisation",)
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("contract_id", "buyer_name", "buyer_id", "notified_on", "amount_cents")
    list_filter = ("source_shape", "nature")
    search_fields = ("contract_id", "buyer_id", "buyer_name", "subject")
    raw_id_fields = ("departement", "region")
    inlines = [AwardInline]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("identifier", "identifier_type", "name", "organisation", "contract")
    search_fields = ("identifier", "name")
    raw_id_fields = ("contract", "organisation")
