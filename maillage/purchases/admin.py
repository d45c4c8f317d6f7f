"""Read-mostly admin for purchases (writes go through the pages and the import)."""

from django.contrib import admin

from .models import Purchase


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ("date", "buyer", "supplier", "supplier_name", "amount_cents", "source")
    list_filter = ("source",)
    search_fields = ("buyer__name", "supplier__name", "supplier_name", "supplier_siret")
    raw_id_fields = ("buyer", "supplier", "need", "recorded_by")
    readonly_fields = ("fingerprint", "created_at")
    date_hierarchy = "date"
