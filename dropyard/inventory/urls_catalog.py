"""Merchant catalog pages (``views_catalog``), mounted at /catalog/ in the ``catalog`` namespace."""

from django.urls import path

from . import views_catalog, views_image_search

app_name = "catalog"
urlpatterns = [
    path("", views_catalog.search, name="search"),
    path("image-search/", views_image_search.image_search, name="image_search"),
    path("products/<str:pid>/", views_catalog.product_detail, name="product"),
    path("products/<str:pid>/freight/", views_catalog.product_freight, name="product_freight"),
    path("products/<str:pid>/report/", views_catalog.report, name="report"),
    path("my-products/", views_catalog.my_products, name="my_products"),
    path("my-products/add/", views_catalog.my_product_add, name="my_product_add"),
    path("my-products/remove/", views_catalog.my_product_remove, name="my_product_remove"),
]
