"""Read-only admin for parcels and their history (writes go through fulfillment services,
``orders.planning`` and ``orders.parcel_transitions.parcel_transition``). The models live in
``orders`` (the order's shipping plan); the warehouse's admin pages for them stay here."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from dropyard.orders.models import Parcel, ParcelEvent, ParcelLine


class ParcelLineInline(ReadOnlyTabularInline):
    model = ParcelLine
    fields = ["order_line", "quantity", "shipped_quantity"]


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "merchant",
        "warehouse",
        "status",
        "line",
        "tracking_number",
        "ready_at",
        "shipped_at",
    ]
    list_filter = ["status", "warehouse"]
    search_fields = ["code", "tracking_number", "reservation_reference"]
    list_select_related = ["merchant", "warehouse", "line"]
    inlines = [ParcelLineInline]


@admin.register(ParcelEvent)
class ParcelEventAdmin(ReadOnlyAdmin):
    list_display = ["parcel", "from_status", "to_status", "actor_label", "note", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["parcel__code", "actor_label"]
    list_select_related = ["parcel"]
