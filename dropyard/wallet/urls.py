"""Merchant wallet pages."""

from django.urls import path

from . import views, views_invoices, views_makeups, views_wallet

app_name = "wallet"
urlpatterns: list = [
    path("invoices/", views_invoices.invoice_list, name="invoice_list"),
    path("invoices/<str:public_id>/pdf/", views_invoices.invoice_download, name="invoice_download"),
    # Top-ups: Sandbox and wire transfer (wallet/views.py)
    path("topups/", views.topup_list, name="topup_list"),
    path("topups/sandbox/", views.topup_sandbox, name="topup_sandbox"),
    path("topups/wire/", views.topup_wire, name="topup_wire"),
    path("topups/<str:public_id>/", views.topup_detail, name="topup_detail"),
    path("topups/<str:public_id>/proof/", views.topup_proof, name="topup_proof"),
    # Wallet page, statements, exports, profit report (wallet/views_wallet.py); paying orders
    # from the wallet ("pay/") is the checkout's (checkout/urls.py, joined in config/urls.py)
    path("", views_wallet.wallet_home, name="home"),
    path("statement/", views_wallet.statement_page, name="statement"),
    path("statement.csv", views_wallet.statement_csv, name="statement_csv"),
    path("statement.xlsx", views_wallet.statement_xlsx, name="statement_xlsx"),
    path("orders.csv", views_wallet.order_history_export, name="order_export"),
    path("profit/", views_wallet.profit_page, name="profit"),
    # Supplementary (makeup, BT…) bills (wallet/views_makeups.py)
    path("bills/", views_makeups.makeup_list, name="makeup_list"),
    path("bills/pay/", views_makeups.makeup_pay, name="makeup_pay"),
    path("bills/pay/provider/", views_makeups.makeup_pay_provider, name="makeup_pay_provider"),
    path(
        "bills/pay/<str:pay_order_code>/return/",
        views_makeups.makeup_pay_return,
        name="makeup_pay_return",
    ),
]
