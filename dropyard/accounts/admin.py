"""Django admin for accounts: read-only, because writes must go through the services.

Every accounts model is stateful (users, merchants, memberships, invitations, keys, tokens,
supplier records), so the admin only lists and shows them. Secret hashes are never displayed.
Change people and permissions in the dashboard or the back office instead.
"""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import (
    ApiKey,
    ApiToken,
    Invitation,
    Membership,
    MerchantAccount,
    Supplier,
    SupplierApplication,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "permissions", "store_ids", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "full_name", "operator_role", "is_active", "is_staff", "date_joined")
    list_filter = ("operator_role", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fields = (
        "email",
        "full_name",
        "operator_role",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    )


@admin.register(MerchantAccount)
class MerchantAccountAdmin(ReadOnlyAdmin):
    list_display = ("account_number", "business_name", "level", "agent", "is_sandbox", "created_at")
    list_filter = ("level", "is_sandbox")
    search_fields = ("account_number", "business_name", "contact_email")
    list_select_related = ("agent",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "merchant", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "merchant__business_name", "merchant__account_number")
    list_select_related = ("user", "merchant")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "merchant", "role", "status", "expires_at", "created_at")
    list_filter = ("status", "role")
    search_fields = ("email", "merchant__business_name", "merchant__account_number")
    list_select_related = ("merchant",)
    exclude = ("token_hash",)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "key_hint",
        "scopes",
        "merchant",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    search_fields = ("name", "key_hint", "merchant__account_number")
    list_select_related = ("merchant",)
    exclude = ("key_hash",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("pk", "merchant", "api_key", "created_at", "access_expires_at", "revoked_at")
    search_fields = ("merchant__account_number",)
    list_select_related = ("merchant", "api_key")
    exclude = ("access_hash", "refresh_hash")


@admin.register(SupplierApplication)
class SupplierApplicationAdmin(ReadOnlyAdmin):
    list_display = ("company_name", "applicant", "country", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("company_name", "applicant__email")
    list_select_related = ("applicant",)
    # Documents are private; they are served only by the back-office views that check roles.
    exclude = ("business_licence", "legal_rep_id")


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ("company_name", "user", "country", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("company_name", "user__email")
    list_select_related = ("user",)
