"""Merchant catalog pages, mounted at /catalog/."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.search, name="search"),
    path("products/<str:pid>/", views.product_detail, name="product"),
    path("products/<str:pid>/freight/", views.product_freight, name="product_freight"),
    path("products/<str:pid>/report/", views.report, name="report"),
    path("my-products/", views.my_products, name="my_products"),
    path("my-products/add/", views.my_product_add, name="my_product_add"),
    path("my-products/remove/", views.my_product_remove, name="my_product_remove"),
]
