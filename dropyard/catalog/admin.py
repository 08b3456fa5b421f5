"""Read-only admin for the catalog: writes go through catalog services, which keep prices and
the search index in step (an admin edit would bypass both)."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import Category, ImproperReport, MyProduct, Product, Review, Variant


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "level", "parent", "position", "public_id"]
    list_filter = ["level"]
    search_fields = ["name"]
    list_select_related = ["parent"]


class VariantInline(admin.TabularInline):
    model = Variant
    fields = ["sku", "options", "weight_g", "price_minor", "suggested_price_minor", "is_on_sale"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["sku", "name", "category", "is_on_sale", "min_price_minor", "created_at"]
    list_filter = ["is_on_sale", "product_type"]
    search_fields = ["sku", "name", "public_id"]
    list_select_related = ["category"]
    inlines = [VariantInline]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["product", "rating", "reviewer_name", "country", "reviewed_on"]
    list_filter = ["rating"]
    search_fields = ["product__sku", "reviewer_name"]
    list_select_related = ["product"]


@admin.register(ImproperReport)
class ImproperReportAdmin(ReadOnlyAdmin):
    list_display = ["product", "merchant", "reason", "status", "created_at", "reviewed_by"]
    list_filter = ["status", "reason"]
    search_fields = ["product__sku"]
    list_select_related = ["product", "merchant", "reviewed_by"]


@admin.register(MyProduct)
class MyProductAdmin(ReadOnlyAdmin):
    list_display = ["merchant", "product", "created_at"]
    list_select_related = ["merchant", "product"]
