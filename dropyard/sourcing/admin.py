"""Read-only admin for agent messages: writes go through ``sourcing.services``."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import AgentMessage


@admin.register(AgentMessage)
class AgentMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "merchant", "sender", "from_agent", "read_at")
    list_filter = ("from_agent",)
    search_fields = ("merchant__business_name", "merchant__account_number", "sender__email")
    list_select_related = ("merchant", "sender")
    date_hierarchy = "created_at"
