"""Read-only admin for orders, their history and operators' notes: every order write goes
through ``orders.services`` (the one status door, stock, audit, webhooks), so nothing is
editable here. Parcels' admin pages are fulfillment's."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Order, OrderEvent, OrderLine, OrderNote, ParentOrder


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = ["variant", "quantity", "unit_price_minor", "store_line_item_id"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "order_number",
        "merchant",
        "status",
        "sub_status",
        "on_hold",
        "shipping_country_code",
        "total_amount_minor",
        "currency",
        "created_at",
    ]
    list_filter = ["status", "on_hold", "order_type", "source"]
    search_fields = ["code", "order_number", "public_id", "merchant__account_number"]
    list_select_related = ["merchant"]
    inlines = [OrderLineInline]


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "from_status", "to_status", "actor_label", "created_at"]
    list_filter = ["kind", "to_status"]
    search_fields = ["order__code", "actor_label"]
    list_select_related = ["order"]


@admin.register(OrderNote)
class OrderNoteAdmin(ReadOnlyAdmin):
    list_display = ["order", "author", "created_at"]
    search_fields = ["order__code"]
    list_select_related = ["order", "author"]


@admin.register(ParentOrder)
class ParentOrderAdmin(ReadOnlyAdmin):
    list_display = ["shipments_id", "pay_id", "merchant", "status", "amount_minor", "currency"]
    list_filter = ["status"]
    search_fields = ["shipments_id", "pay_id"]
    list_select_related = ["merchant"]
