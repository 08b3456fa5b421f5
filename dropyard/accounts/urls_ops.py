"""Back office for accounts, mounted at /ops/accounts/."""

from django.urls import path

from . import views_ops

app_name = "accounts_ops"
urlpatterns = [
    path("suppliers/", views_ops.supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/", views_ops.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/approve/", views_ops.supplier_approve, name="supplier_approve"),
    path("suppliers/<int:pk>/reject/", views_ops.supplier_reject, name="supplier_reject"),
    path("merchants/", views_ops.merchants, name="merchants"),
    path("merchants/<int:pk>/", views_ops.merchant_detail, name="merchant_detail"),
    path("merchants/<int:pk>/agent/", views_ops.merchant_agent, name="merchant_agent"),
    path("staff/", views_ops.staff, name="staff"),
    path("staff/<int:pk>/", views_ops.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", views_ops.staff_deactivate, name="staff_deactivate"),
]
