"""Read-only admin for the ledger and top-ups: money changes only through the wallet services
(the ledger is append-only; a correction is a reversal), so nothing is editable here."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import Account, Entry, LedgerTransaction, Payment, ProviderEvent, Refund, TopUp


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "merchant", "provider", "currency", "balance_minor"]
    list_filter = ["kind", "provider", "currency"]
    search_fields = ["merchant__business_name", "merchant__account_number"]
    list_select_related = ["merchant"]


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ["account", "amount_minor", "currency", "balance_after_minor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "public_id", "kind", "merchant", "reference_type", "memo"]
    list_filter = ["kind", "reference_type"]
    search_fields = ["public_id", "idempotency_key", "reference_id", "merchant__account_number"]
    list_select_related = ["merchant"]
    inlines = [EntryInline]


@admin.register(TopUp)
class TopUpAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "public_id",
        "merchant",
        "provider",
        "status",
        "amount_minor",
        "fee_minor",
        "currency",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["public_id", "provider_reference", "wire_reference"]
    list_select_related = ["merchant"]
    exclude = ["proof"]  # private upload: finance downloads it from the wire approval page


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_type", "event_id", "processed_at", "error"]
    list_filter = ["provider", "event_type"]
    search_fields = ["event_id"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "merchant", "order", "method", "net_minor", "currency"]
    list_filter = ["method"]
    search_fields = ["order__code", "merchant__account_number"]
    list_select_related = ["merchant", "order"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "public_id",
        "merchant",
        "order",
        "amount_minor",
        "currency",
        "destination",
        "status",
    ]
    list_filter = ["destination", "status"]
    search_fields = ["public_id", "order__code", "idempotency_key"]
    list_select_related = ["merchant", "order"]
