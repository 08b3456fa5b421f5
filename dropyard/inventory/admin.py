"""Read-only admin for warehouses, stock and the movement ledger (writes go through services)."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import Stock, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "country", "kind", "is_verified", "is_active"]
    list_filter = ["kind", "is_active", "is_verified", "country"]
    search_fields = ["code", "name", "city"]


@admin.register(Stock)
class StockAdmin(ReadOnlyAdmin):
    list_display = ["variant", "warehouse", "merchant", "on_hand", "reserved", "updated_at"]
    list_filter = ["warehouse"]
    search_fields = ["variant__sku", "warehouse__code"]
    list_select_related = ["variant", "warehouse", "merchant"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "stock",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reference",
        "actor",
    ]
    list_filter = ["kind"]
    search_fields = ["reference", "stock__variant__sku"]
    list_select_related = ["stock", "actor"]
