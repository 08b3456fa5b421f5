"""Read-only admin for agent messages: writes go through ``sourcing.services``."""

from django.contrib import admin

from .models import AgentMessage


@admin.register(AgentMessage)
class AgentMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "sender", "from_agent", "read_at")
    list_filter = ("from_agent",)
    search_fields = ("merchant__business_name", "merchant__account_number", "sender__email")
    list_select_related = ("merchant", "sender")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
