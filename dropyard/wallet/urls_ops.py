"""Finance back-office pages."""

from django.urls import path

from . import views_finance, views_invoices, views_makeups, views_ops

app_name = "wallet_ops"
urlpatterns: list = [
    path("invoices/", views_invoices.ops_invoice_list, name="invoice_list"),
    path(
        "invoices/<str:public_id>/pdf/",
        views_invoices.ops_invoice_download,
        name="invoice_download",
    ),
    # Wire approvals, trial balance, integrity check (wallet/views_ops.py)
    path("wires/", views_ops.wire_list, name="wire_list"),
    path("wires/<str:public_id>/", views_ops.wire_detail, name="wire_detail"),
    path("wires/<str:public_id>/decide/", views_ops.wire_decide, name="wire_decide"),
    path("wires/<str:public_id>/proof/", views_ops.wire_proof, name="wire_proof"),
    path("ledger/trial-balance/", views_ops.trial_balance, name="trial_balance"),
    path("ledger/integrity/", views_ops.integrity_check, name="integrity_check"),
    # Finance overview and the refunds queue (wallet/views_finance.py)
    path("", views_finance.finance_home, name="home"),
    path("refunds/", views_finance.refund_list, name="refund_list"),
    path("refunds/<str:public_id>/send/", views_finance.refund_send, name="refund_send"),
    # Supplementary (makeup, BT…) bills (wallet/views_makeups.py)
    path("bills/", views_makeups.ops_makeup_list, name="makeup_list"),
    path("bills/new/", views_makeups.makeup_create, name="makeup_create"),
    path("bills/<str:code>/cancel/", views_makeups.ops_makeup_cancel, name="makeup_cancel"),
]
