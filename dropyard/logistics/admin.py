"""Admin for logistics: carriers are plain reference data; lines, rate cards and default lines
are view-only (their writes go through services, which validate properties and CSV rows), and
so are trackings and their events (recorded only through the tracking services)."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import (
    Carrier,
    DefaultShippingLine,
    RateCard,
    ShippingLine,
    Tracking,
    TrackingEvent,
    TrackingStatusChange,
)


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tracking_url_template"]
    search_fields = ["code", "name"]


@admin.register(ShippingLine)
class ShippingLineAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "carrier", "is_tracked", "max_weight_g", "is_active"]
    list_filter = ["is_active", "is_tracked", "carrier"]
    search_fields = ["code", "name"]
    list_select_related = ["carrier"]


@admin.register(RateCard)
class RateCardAdmin(ReadOnlyAdmin):
    list_display = [
        "line",
        "origin_country",
        "dest_country",
        "postcode_prefix",
        "pricing_mode",
        "min_days",
        "max_days",
    ]
    list_filter = ["pricing_mode", "origin_country", "line"]
    search_fields = ["line__code", "dest_country", "postcode_prefix"]
    list_select_related = ["line"]


@admin.register(DefaultShippingLine)
class DefaultShippingLineAdmin(ReadOnlyAdmin):
    list_display = ["merchant", "dest_country", "line", "fallback"]
    list_filter = ["fallback", "dest_country"]
    list_select_related = ["merchant", "line"]


@admin.register(Tracking)
class TrackingAdmin(ReadOnlyAdmin):
    list_display = ["tracking_number", "carrier", "merchant", "status", "last_event_at"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "reference"]
    list_select_related = ["carrier", "merchant"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdmin):
    list_display = ["tracking", "status", "activity", "location_country", "event_time", "source"]
    list_filter = ["status", "source"]
    search_fields = ["tracking__tracking_number"]
    list_select_related = ["tracking"]


@admin.register(TrackingStatusChange)
class TrackingStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["tracking", "old_status", "new_status", "created_at", "applied_at"]
    list_filter = ["new_status"]
    search_fields = ["tracking__tracking_number"]
    list_select_related = ["tracking"]
