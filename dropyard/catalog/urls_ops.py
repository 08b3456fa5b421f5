"""Back office for the catalog, mounted at /ops/catalog/."""

from django.urls import path

from . import views_ops

app_name = "catalog_ops"
urlpatterns = [
    path("products/", views_ops.product_list, name="product_list"),
    path("products/new/", views_ops.product_create, name="product_create"),
    path("products/<str:pid>/", views_ops.product_edit, name="product_edit"),
    path("products/<str:pid>/sale/", views_ops.product_sale, name="product_sale"),
    path("products/<str:pid>/variants/new/", views_ops.variant_add, name="variant_add"),
    path("products/<str:pid>/images/", views_ops.image_add, name="image_add"),
    path("variants/<str:vid>/", views_ops.variant_edit, name="variant_edit"),
    path("variants/<str:vid>/sale/", views_ops.variant_sale, name="variant_sale"),
    path("images/<int:pk>/remove/", views_ops.image_remove, name="image_remove"),
    path("categories/", views_ops.category_list, name="category_list"),
    path("reports/", views_ops.report_list, name="report_list"),
    path("reports/<int:pk>/", views_ops.report_detail, name="report_detail"),
    path("reports/<int:pk>/dismiss/", views_ops.report_dismiss, name="report_dismiss"),
    path(
        "reports/<int:pk>/take-off-sale/",
        views_ops.report_take_off_sale,
        name="report_take_off_sale",
    ),
]
